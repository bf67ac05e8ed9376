//! `/admin/certificates`: find a certificate (by code, name, course or cohort), see where
//! it stands, and revoke or reissue it with a reason (`crate::certificates` services).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::certificates::document::CertificateText;
use crate::certificates::{self as service, Admin, CertificateError, Reissue, Revocation};
use crate::db::certificates::{self, Certificate};
use crate::domain::certificate::CertificateState;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::pagination::{PageLinks, PageQuery, Uncounted, page_address};
use crate::web::render;

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    cohort: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/certificates.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    /// Listing one cohort's certificates.
    cohort: Option<i64>,
    found: Vec<Certificate>,
    /// Pages of the latest or of a search (a cohort's certificates fit on one).
    pagination: PageLinks,
}

pub async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<SearchQuery>,
) -> Result<Html<String>, AppError> {
    let text: String = query
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(200)
        .collect();
    let cohort = query.cohort.and_then(|raw| raw.trim().parse::<i64>().ok());
    let page = Uncounted::new(PageQuery { page: query.page }.number());
    let (found, pagination) = match cohort {
        Some(cohort) => (
            certificates::for_cohort(&state.db, cohort).await?,
            PageLinks::one(),
        ),
        None => {
            let mut found = certificates::search(&state.db, &text, page.window()).await?;
            let filters = [("q", text.as_str())];
            let links = page.links(&mut found, |n| {
                page_address(paths::admin_certificates(), &filters, n)
            });
            (found, links)
        }
    };
    render(&SearchPage {
        layout: Layout::new(
            "Certificates",
            "Find an issued certificate.",
            Section::Admin,
            &viewer,
        ),
        query: text,
        cohort,
        found,
        pagination,
    })
}

/// The two forms on a certificate's page, as typed.
#[derive(Debug, Default)]
struct Typed<'a> {
    revoke_reason: &'a str,
    public_reason: &'a str,
    reissue_reason: &'a str,
}

#[derive(Template)]
#[template(path = "admin/certificate.html")]
struct CertificatePage<'a> {
    layout: Layout,
    certificate: Certificate,
    text: CertificateText,
    /// The certificate this one replaced, and the one that replaced it.
    previous: Option<Certificate>,
    next: Option<Certificate>,
    errors: &'a FormErrors,
    typed: Typed<'a>,
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    errors: &FormErrors,
    typed: Typed<'_>,
    banner: Option<String>,
) -> Result<Response, AppError> {
    let certificate = certificates::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let previous = certificates::replaced_one(&state.db, id).await?;
    let next = match certificate.replaced_by_certificate_id {
        Some(next) => certificates::find(&state.db, next).await?,
        None => None,
    };
    let text = CertificateText::of(&certificate, state.site());
    let page = CertificatePage {
        layout: Layout::new(
            format!("Certificate {}", certificate.code),
            "An issued certificate.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty())
        .with_banner(banner),
        certificate,
        text,
        previous,
        next,
        errors,
        typed,
    };
    page_or_rejected(&page, errors)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let errors = FormErrors::default();
    show(
        &state,
        &viewer,
        id,
        &errors,
        Typed::default(),
        notice.banner(),
    )
    .await
}

/// Revoking: the reason is required (for the record); the public reason is optional.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    revoke_reason: String,
    public_reason: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let reason = errors.multiline(
        "revoke_reason",
        &form.revoke_reason,
        Some("Enter why the certificate is being revoked"),
        1000,
    );
    let public = errors.multiline("public_reason", &form.public_reason, None, 500);
    let typed = Typed {
        revoke_reason: &form.revoke_reason,
        public_reason: &form.public_reason,
        ..Typed::default()
    };
    if !errors.is_empty() {
        return show(&state, &viewer, id, &errors, typed, None).await;
    }
    let address = client.to_string();
    let by = Admin {
        user_id: admin.user_id,
        client: &address,
    };
    let revocation = Revocation {
        reason,
        public_reason: (!public.is_empty()).then_some(public),
    };
    match service::revoke(state.ctx(), by, id, &revocation).await {
        Ok(_) => Ok(done(id, Notice::CertificateRevoked)),
        Err(refused @ CertificateError::NotValid) => {
            errors.add("revoke_reason", sentence(&refused));
            show(&state, &viewer, id, &errors, typed, None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Reissuing: a new certificate from the enrolment as it is now; the reason is required.
#[derive(Debug, Deserialize)]
pub struct ReissueForm {
    reissue_reason: String,
}

pub async fn reissue(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<ReissueForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let reason = errors.multiline(
        "reissue_reason",
        &form.reissue_reason,
        Some("Enter why a new certificate is being issued, like the name corrected"),
        1000,
    );
    let typed = Typed {
        reissue_reason: &form.reissue_reason,
        ..Typed::default()
    };
    if !errors.is_empty() {
        return show(&state, &viewer, id, &errors, typed, None).await;
    }
    let address = client.to_string();
    let by = Admin {
        user_id: admin.user_id,
        client: &address,
    };
    match service::reissue(state.ctx(), by, id, &Reissue { reason }).await {
        Ok(new) => Ok(done(new.certificate_id, Notice::CertificateReissued)),
        Err(refused @ (CertificateError::NotValid | CertificateError::HolderGone)) => {
            errors.add("reissue_reason", sentence(&refused));
            show(&state, &viewer, id, &errors, typed, None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// A refusal as a sentence beside its field: "This certificate has already been…".
fn sentence(error: &CertificateError) -> String {
    let text = error.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn done(id: i64, notice: Notice) -> Response {
    Redirect::to(&paths::with_notice(
        &paths::admin_certificate(id),
        notice.name(),
    ))
    .into_response()
}
