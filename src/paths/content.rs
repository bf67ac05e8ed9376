//! Reports, news, events and blogs, their feeds, and uploaded files.

use super::encode;
use std::fmt::Display;

pub const fn reports() -> &'static str {
    "/reports"
}

pub fn report(slug: &str) -> String {
    format!("/reports/{}", slug)
}

/// A page of the report list with its search and filters (empty ones included, so the
/// form shows them as they were).
pub fn reports_page(query: &str, topic: &str, year: Option<i32>, page: i64) -> String {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    params.append_pair("q", query).append_pair("topic", topic);
    if let Some(year) = year {
        params.append_pair("year", &year.to_string());
    }
    params.append_pair("page", &page.to_string());
    format!("/reports?{}", params.finish())
}

pub const fn reports_feed() -> &'static str {
    "/reports/feed.atom"
}

pub const fn news() -> &'static str {
    "/news"
}

/// A page of the news list, narrowed to one kind of post (everything when `kind` is empty).
pub fn news_page(kind: &str, page: i64) -> String {
    format!("/news?type={}&page={page}", encode(kind))
}

/// The news list narrowed to one kind of post: `news`, `event` or `blog`.
pub fn news_of_kind(kind: &str) -> String {
    format!("/news?type={}", encode(kind))
}

pub fn post(slug: &str) -> String {
    format!("/news/{}", slug)
}

pub fn post_event_calendar(slug: &str) -> String {
    format!("/news/{}/event.ics", slug)
}

pub const fn news_feed() -> &'static str {
    "/news/feed.atom"
}

pub fn upload(upload_id: impl Display) -> String {
    format!("/uploads/{upload_id}")
}
