//! HTTP pages and endpoints, one module per area, each with its own `router()`.

use askama::Template;
use axum::Router;
use axum::response::Html;

use crate::error::AppError;
use crate::state::AppState;

pub mod admin;
pub mod assets;
pub mod caching;
pub mod certificates;
pub mod compress_once;
pub mod content;
pub mod courses;
pub mod cpd;
pub mod dates;
pub mod enrolment;
pub mod error_pages;
pub mod forms;
pub mod home;
pub mod interest;
pub mod layout;
pub mod multipart;
pub mod notice;
pub mod ops;
pub mod page_fields;
pub mod pagination;
pub mod payments;
pub mod public;
pub mod recent_pages;
pub mod security;
pub mod sign_in;
pub mod spreadsheet;
pub mod your_account;

/// Every page served to people (assets, uploads and operations endpoints are added
/// separately).
pub fn site_routes() -> Router<AppState> {
    Router::new()
        .merge(public::router())
        .merge(courses::router())
        .merge(content::router())
        .merge(enrolment::router())
        .merge(certificates::router())
        .merge(cpd::router())
        .merge(interest::router())
        .merge(sign_in::router())
        .merge(your_account::router())
        .merge(admin::router())
}

/// Every route that takes a multipart upload (each area adds its own here).
pub fn upload_routes() -> multipart::UploadRoutes {
    admin::upload_routes().merge(cpd::upload_routes())
}

/// A permanent redirect for an address that changed (a renamed course, report or post):
/// 301, which every client and search engine treats as "update your link".
pub fn moved_permanently(location: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::MOVED_PERMANENTLY,
        [(axum::http::header::LOCATION, location.to_owned())],
    )
        .into_response()
}

/// Renders a page template, turning a template failure into the 500 page.
pub fn render(page: &impl Template) -> Result<Html<String>, AppError> {
    Ok(Html(page.render()?))
}
