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
        .map(|v| v.csrf_token.clone())
    else {
        return AppError::internal(anyhow::anyhow!("CSRF check ran before the viewer"))
            .into_response();
    };
    let (parts, body) = request.into_parts();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    // The body-limit layer outside bounds what is read here.
    let bytes = match is_form {
        true => match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => bytes,
            Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        },
        false => Default::default(),
    };
    let from_query = parts.uri.query().and_then(|q| field(q.as_bytes()));
    let presented = from_query.or_else(|| field(&bytes)).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
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
