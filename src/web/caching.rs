//! Cache headers that depend on who is asking, for every route that knows the viewer
//! (pages, downloads, uploads' admin pages): `Cache-Control: no-store` on anything served
//! to a signed-in viewer, and `Vary: Cookie` on everything.
//!
//! A shared ward computer's back button must not show a page after sign-out, and a shared
//! cache must not hand one person's page (the layout shows who is signed in) to another.
//! Static assets and public upload files are mounted without the viewer and keep their own
//! long cache.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::auth::Viewer;

/// Middleware inside the viewer layer (it reads the `Viewer` that layer added).
pub async fn by_viewer(request: Request, next: Next) -> Response {
    let signed_in = request
        .extensions()
        .get::<Viewer>()
        .is_some_and(|viewer| viewer.user.is_some());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let already_no_store = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("no-store"));
    if signed_in && !already_no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let varies_by_cookie = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("cookie") || name.trim() == "*");
    if !varies_by_cookie {
        headers.append(header::VARY, HeaderValue::from_static("Cookie"));
    }
    response
}
