//! Middleware refusing any state-changing request without the viewer's CSRF token, taken
//! from the form body (`csrf_token`) or the query string (for uploads).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::keys::constant_time_eq;
use super::viewer::Viewer;
use crate::error::AppError;

pub const FIELD: &str = "csrf_token";

pub async fn verify_csrf(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let Some(expected) = request
        .extensions()
        .get::<Viewer>()
        .map(|v| v.csrf.expected().to_owned())
    else {
        return AppError::internal(anyhow::anyhow!("CSRF check ran before the viewer"))
            .into_response();
    };
    let (parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // Only an upload carries the token in its address (its body is not read here), so a
    // token that leaked into a log or history cannot be replayed on any other form.
    let from_query = content_type
        .starts_with("multipart/form-data")
        .then(|| parts.uri.query().and_then(|q| field(q.as_bytes())))
        .flatten();
    // Only a form body is read (the body-limit layer outside bounds it); anything else, an
    // upload say, carries the token in the query string and its body passes untouched.
    let (presented, body) = match (from_query, is_form) {
        (Some(token), _) => (token, body),
        (None, true) => match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => (field(&bytes).unwrap_or_default(), Body::from(bytes)),
            Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        },
        (None, false) => (String::new(), body),
    };
    if expected.is_empty() || !constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
        return AppError::CsrfRejected.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

fn field(encoded: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(encoded)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}
