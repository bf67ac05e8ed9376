//! `/certificates`: the signed-in learner's certificates, and each one as a page and as a
//! PDF (for its holder, or an admin; anyone else gets "not found").

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use super::for_holder;
use crate::auth::{CurrentUser, Viewer};
use crate::certificates::document::CertificateText;
use crate::certificates::pdf;
use crate::certificates::qr::Modules;
use crate::db::certificates::{self, Certificate};
use crate::domain::certificate::CertificateState;
use crate::domain::slug::slugify;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::render;

#[derive(Template)]
#[template(path = "certificates/mine.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<CertificateText>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
) -> Result<Html<String>, AppError> {
    let rows = certificates::for_user(&state.db, user.user_id)
        .await?
        .iter()
        .map(|c| CertificateText::of(c, state.site()))
        .collect();
    render(&ListPage {
        layout: Layout::new(
            "Your certificates",
            "Your Academy certificates.",
            Section::Account,
            &viewer,
        ),
        rows,
    })
}

#[derive(Template)]
#[template(path = "certificates/certificate.html")]
struct CertificatePage {
    layout: Layout,
    text: CertificateText,
    /// The QR code of the verification address, as an inline SVG.
    qr: String,
    /// Where "back" leads: the learner's list, or the admins' page of this certificate.
    back: String,
}

pub async fn view(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    code: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, AppError> {
    let certificate = for_holder(&state, &user, &code_of(code)).await?;
    let text = CertificateText::of(&certificate, state.site());
    let label = format!(
        "QR code of this certificate's verification address, {}",
        text.verify_url
    );
    let back = match certificate.user_id == Some(user.user_id) {
        true => paths::certificates().to_owned(),
        false => paths::admin_certificate(certificate.certificate_id),
    };
    render(&CertificatePage {
        layout: Layout::new(
            format!("Certificate: {}", text.course_title),
            "A certificate of completion.",
            Section::Account,
            &viewer,
        ),
        qr: Modules::of(&text.verify_url)
            .map(|m| m.svg(&label))
            .unwrap_or_default(),
        text,
        back,
    })
}

/// The certificate as a PDF download, generated on the blocking pool (it is CPU work).
pub async fn pdf(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    code: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let certificate = for_holder(&state, &user, &code_of(code)).await?;
    let text = CertificateText::of(&certificate, state.site());
    let filename = filename(&certificate);
    let issued = certificate.issued_at;
    let bytes = tokio::task::spawn_blocking(move || pdf::render(&text, issued))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .map_err(AppError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response())
}

/// The code in the address; one that does not even decode is no code (a 404 after).
fn code_of(code: Result<Path<String>, PathRejection>) -> String {
    code.map(|Path(code)| code).unwrap_or_default()
}

/// `certificate-human-factors-in-patient-safety.pdf`: letters, digits and hyphens only,
/// so no header or file system can read anything else into it.
fn filename(certificate: &Certificate) -> String {
    let slug: String = slugify(&certificate.course_title)
        .chars()
        .take(60)
        .collect();
    let slug = slug.trim_end_matches('-');
    let state = match certificate.state() {
        CertificateState::Valid => "",
        CertificateState::Revoked => "-revoked",
        CertificateState::Replaced => "-replaced",
    };
    match slug.is_empty() {
        true => format!("certificate{state}.pdf"),
        false => format!("certificate-{slug}{state}.pdf"),
    }
}
