//! Turns every error status into a proper HTML page (with the request id on a 500).

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::layout::Layout;
use crate::error::ErrorPage;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorTemplate {
    layout: Layout,
    heading: &'static str,
    advice: &'static str,
    detail: Option<String>,
    request_id: Option<String>,
}

/// Middleware: a response marked by `AppError`, or any error status without an HTML body
/// (an extractor's rejection, a timeout, a body too large), becomes the matching page.
pub async fn render_error_pages(request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status();
    let marker = response.extensions().get::<ErrorPage>().cloned();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if marker.is_none() && (!(status.is_client_error() || status.is_server_error()) || is_html) {
        return response;
    }
    let detail = marker.and_then(|m| m.detail);
    let (parts, _) = response.into_parts();
    let mut page = error_page(status, detail, request_id);
    // Keep informative headers such as Allow and Retry-After.
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().insert(name.clone(), value.clone());
        }
    }
    page
}

/// The page for `status`. Falls back to plain text only if the template itself fails.
pub fn error_page(
    status: StatusCode,
    detail: Option<String>,
    request_id: Option<String>,
) -> Response {
    let (heading, advice) = wording(status);
    let template = ErrorTemplate {
        layout: Layout::anonymous(heading, heading),
        heading,
        advice,
        detail,
        // Only a server fault needs a reference the person can quote to us.
        request_id: request_id.filter(|_| status.is_server_error()),
    };
    match template.render() {
        Ok(html) => {
            let mut response = (status, html).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "error page template failed");
            let mut response = Response::new(Body::from(heading));
            *response.status_mut() = status;
            response
        }
    }
}

fn wording(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => (
            "Sorry, there is a problem with your request",
            "Go back, check what you entered and try again.",
        ),
        401 | 403 => (
            "You do not have permission to see this page",
            "If you think you should have access, sign in with the right account or contact the education team.",
        ),
        404 | 405 | 410 => (
            "Page not found",
            "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.",
        ),
        408 | 503 | 504 => (
            "Sorry, the service is unavailable",
            "The service took too long to answer. Try again in a few minutes.",
        ),
        413 => (
            "What you sent is too large",
            "Go back and send a smaller file or a shorter answer.",
        ),
        // Only a request our pages could not have sent gets a bare 422 (a form shown again
        // with its problems is a page of its own).
        415 | 422 => (
            "Sorry, we could not understand what you sent",
            "Nothing was saved. Go back, reload the page and try again.",
        ),
        429 => (
            "Too many attempts",
            "You have tried too many times. Wait a few minutes, then try again.",
        ),
        _ if status.is_client_error() => (
            "Sorry, there is a problem with your request",
            "Go back and try again.",
        ),
        _ => (
            "Sorry, there is a problem with the service",
            "Try again later. Nothing you entered has been lost if you saw no confirmation: you can safely try again.",
        ),
    }
}
