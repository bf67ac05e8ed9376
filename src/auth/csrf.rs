//! The CSRF check: the middleware on every page route, which takes the viewer's token from
//! a url-encoded form body and refuses any other state-changing request, and the token
//! comparison that `web::multipart::CheckedMultipart` uses for the upload routes.
//!
//! A token is never read from the address: addresses reach proxy logs and browser history,
//! and the token lives as long as the session.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::keys::constant_time_eq;
use super::viewer::Viewer;
use crate::error::AppError;

pub const FIELD: &str = "csrf_token";

/// GET, HEAD and OPTIONS change nothing; every other method must prove the token.
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether `presented` is this viewer's token (compared in constant time).
pub fn accepts(viewer: &Viewer, presented: &[u8]) -> bool {
    let expected = viewer.csrf.expected();
    !expected.is_empty() && constant_time_eq(presented, expected.as_bytes())
}

/// Middleware for every page route: a state-changing request must be a url-encoded form
/// whose body carries the token. Anything else (multipart, JSON, no body) is refused here,
/// so it can reach only the upload routes (`web::multipart::UploadRoutes`), whose one
/// extractor reads the token from the body's first part.
pub async fn verify_csrf(request: Request, next: Next) -> Response {
    if !changes_state(request.method()) {
        return next.run(request).await;
    }
    let Some(viewer) = request.extensions().get::<Viewer>().cloned() else {
        return AppError::internal(anyhow::anyhow!("CSRF check ran before the viewer"))
            .into_response();
    };
    let (parts, body) = request.into_parts();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        return AppError::CsrfRejected.into_response();
    }
    // The body-limit layer outside bounds what is read here.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let presented = field(&bytes).unwrap_or_default();
    if !accepts(&viewer, presented.as_bytes()) {
        return AppError::CsrfRejected.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn field(encoded: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(encoded)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}
