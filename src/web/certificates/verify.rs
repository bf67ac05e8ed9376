//! `/certificates/{code}`: the public check of a certificate, the address printed on it.
//!
//! Anyone may load it, so it writes nothing (no session, no counter row): the rate limit
//! per client address is the in-process [`AddressLimiter`](crate::auth::rate_limit) on the
//! app's clock. Unknown and malformed codes get the same 404 as any missing page. Search
//! engines are told not to index it (`X-Robots-Tag` and the robots meta tag).

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::auth::rate_limit::RetryAfter;
use crate::auth::{ClientAddress, Viewer};
use crate::certificates::document::CertificateText;
use crate::domain::certificate::{CertificateState, Code};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::render;

#[derive(Template)]
#[template(path = "certificates/verify.html")]
struct VerifyPage {
    layout: Layout,
    text: CertificateText,
    /// The certificate that replaced this one, if it was replaced.
    replacement: Option<String>,
    /// The host this page is served from, which a reader checks in the address bar.
    host: String,
    contact_email: String,
}

#[derive(Template)]
#[template(path = "certificates/too_many.html")]
struct TooManyPage {
    layout: Layout,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    code: Result<Path<String>, PathRejection>,
) -> Response {
    // An address that does not even decode (`%FF`) is a malformed code like any other.
    let code = code.map(|Path(code)| code).unwrap_or_default();
    let response = match check(&state, &viewer, client, &code).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    not_indexed(response)
}

async fn check(
    state: &AppState,
    viewer: &Viewer,
    client: ClientAddress,
    code: &str,
) -> Result<Response, AppError> {
    if let Err(RetryAfter(seconds)) = state.verify_limit.check(client.0, state.clock.now()) {
        return too_many(viewer, seconds);
    }
    let code = Code::parse(code).ok_or(AppError::NotFound)?;
    let checked = state
        .recent_checks
        .check(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let certificate = checked.certificate;
    let replacement = checked.replaced_by.map(|code| paths::certificate(&code));
    let text = CertificateText::of(&certificate, state.site());
    let title = match text.state {
        CertificateState::Valid => "Valid certificate",
        CertificateState::Revoked => "Revoked certificate",
        CertificateState::Replaced => "Replaced certificate",
    };
    let page = VerifyPage {
        layout: Layout::new(
            title,
            "The check of a certificate issued by Academy.",
            Section::Other,
            viewer,
        ),
        text,
        replacement,
        host: state
            .config
            .base_url
            .host_str()
            .unwrap_or_default()
            .to_owned(),
        contact_email: state.config.contact_email.clone(),
    };
    let mut response = render(&page)?.into_response();
    // The state can change at any moment (a revocation): caches must ask again each time.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// 429 with `Retry-After`, as a page of its own.
fn too_many(viewer: &Viewer, seconds: u64) -> Result<Response, AppError> {
    let page = TooManyPage {
        layout: Layout::new(
            "Too many certificate checks",
            "Too many certificate checks.",
            Section::Other,
            viewer,
        ),
    };
    Ok((
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, HeaderValue::from(seconds))],
        Html(page.render()?),
    )
        .into_response())
}

fn not_indexed(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    response
}
