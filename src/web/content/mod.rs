//! The body's public content: investigation reports, news, events and blogs, their feeds,
//! the sitemap and robots.txt, and uploaded files.

use axum::Router;
use axum::middleware::from_fn;
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Utc};

use crate::content::Kind;
use crate::db::publishable;
use crate::domain::london;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::recent_pages::kept;

pub mod feeds;
pub mod news;
mod reports;
pub mod uploads;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(reports::list).layer(from_fn(kept)))
        .route("/reports/feed.atom", get(feeds::reports))
        .route("/reports/{slug}", get(reports::page).layer(from_fn(kept)))
        .route("/news", get(news::list).layer(from_fn(kept)))
        .route("/news/feed.atom", get(feeds::news))
        .route("/news/{slug}", get(news::page).layer(from_fn(kept)))
        .route("/news/{slug}/event.ics", get(news::calendar))
        .route("/sitemap.xml", get(feeds::sitemap))
        .route("/sitemap/{page}", get(feeds::sitemap_page))
        .route("/robots.txt", get(feeds::robots))
}

/// Only a well-formed address reaches the database (PostgreSQL refuses a NUL byte); any
/// other is a 404.
fn well_formed(slug: &str) -> Result<(), AppError> {
    match crate::domain::slug::parse(slug) {
        Ok(parsed) if parsed == slug => Ok(()),
        _ => Err(AppError::NotFound),
    }
}

/// For an address no published item has: a permanent redirect when it is a published
/// item's old address, otherwise a 404.
async fn moved_or_missing(state: &AppState, kind: Kind, slug: &str) -> Result<Response, AppError> {
    let current = publishable::current_slug_for(&state.db, kind, slug, state.clock.now()).await?;
    match (current, kind) {
        (Some(current), Kind::Report) => {
            Ok(crate::web::moved_permanently(&paths::report(&current)))
        }
        (Some(current), Kind::Post) => Ok(crate::web::moved_permanently(&paths::post(&current))),
        (None, _) => Err(AppError::NotFound),
    }
}

/// "3 March 2026" for a publication instant, in London.
pub fn published_on(at: &DateTime<Utc>) -> String {
    london::date(london::day_of(*at))
}
