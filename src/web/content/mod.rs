//! The body's public content: investigation reports, news, events and blogs, their feeds,
//! the sitemap and robots.txt, and uploaded files.

use axum::Router;
use axum::routing::get;
use chrono::{DateTime, Utc};

use crate::domain::london;
use crate::state::AppState;

mod feeds;
pub mod news;
mod reports;
pub mod uploads;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(reports::list))
        .route("/reports/feed.atom", get(feeds::reports))
        .route("/reports/{slug}", get(reports::page))
        .route("/news", get(news::list))
        .route("/news/feed.atom", get(feeds::news))
        .route("/news/{slug}", get(news::page))
        .route("/news/{slug}/event.ics", get(news::calendar))
        .route("/sitemap.xml", get(feeds::sitemap))
        .route("/robots.txt", get(feeds::robots))
}

/// The public address of an uploaded file.
pub fn upload_path(upload_id: &i64) -> String {
    format!("/uploads/{upload_id}")
}

/// "3 March 2026" for a publication instant, in London.
pub fn published_on(at: &Option<DateTime<Utc>>) -> String {
    at.map(|at| london::date(london::day_of(at)))
        .unwrap_or_default()
}
