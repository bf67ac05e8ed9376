//! `/news` and `/news/{slug}`: news, events and blog posts in one list with a type filter;
//! events offer a calendar file, blog posts name their author.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, Event, EventLike};
use serde::Deserialize;

use super::{moved_or_missing, published_on, well_formed};
use crate::auth::Viewer;
use crate::content::Kind;
use crate::db::posts::{self, Post};
use crate::domain::content::PostKind;
use crate::domain::london;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::markdown::to_safe_html;
use crate::web::pagination::{PageQuery, Pager};
use crate::web::render;

const PAGE_SIZE: i64 = 10;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "content/news.html")]
struct ListPage {
    layout: Layout,
    posts: Vec<Post>,
    kind: String,
    kinds: &'static [PostKind],
    total: i64,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let kind = query
        .kind
        .filter(|k| PostKind::parse(k).is_some())
        .unwrap_or_default();
    let filter = (!kind.is_empty()).then_some(kind.as_str());
    let page = PageQuery { page: query.page }.number();
    let total = posts::count_published(&state.db, filter, now).await?;
    let pager = Pager::with_size(page, total, PAGE_SIZE);
    let found = posts::list_published(&state.db, filter, now, pager.size(), pager.offset()).await?;
    let site = state.site();
    let page = ListPage {
        layout: Layout::new(
            "News, events and blogs",
            "News, events and blog posts about patient safety investigation and education.",
            Section::News,
            &viewer,
        )
        .with_canonical(site.url(paths::news()))
        .with_feed("News, events and blogs", site.url(paths::news_feed())),
        posts: found,
        kind,
        kinds: PostKind::ALL,
        total,
        pager,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "content/post.html")]
struct PostPage {
    layout: Layout,
    post: Post,
    published: String,
    body_html: String,
    when: String,
}

/// The published post at `slug`, or the answer for an address that has none.
async fn published_post(state: &AppState, slug: &str) -> Result<Result<Post, Response>, AppError> {
    well_formed(slug)?;
    match posts::find_published_by_slug(&state.db, slug, state.clock.now()).await? {
        Some(post) => Ok(Ok(post)),
        None => moved_or_missing(state, Kind::Post, slug).await.map(Err),
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let post = match published_post(&state, &slug).await? {
        Ok(post) => post,
        Err(redirect) => return Ok(redirect),
    };
    let site = state.site();
    let image = post.image_upload_id.map(|id| site.url(&paths::upload(id)));
    let page = PostPage {
        layout: Layout::new(
            post.title.clone(),
            post.summary.clone(),
            Section::News,
            &viewer,
        )
        .with_canonical(site.url(&paths::post(&post.slug)))
        .with_feed("News, events and blogs", site.url(paths::news_feed()))
        .as_article(image),
        published: published_on(&post.publish_at),
        body_html: to_safe_html(&post.body),
        when: event_times(&post),
        post,
    };
    Ok(render(&page)?.into_response())
}

/// "3 March 2026 at 9:30am to 12:30pm" for an event, empty otherwise.
fn event_times(post: &Post) -> String {
    match (post.event_starts_at, post.event_ends_at) {
        (Some(start), Some(end)) if london::day_of(start) == london::day_of(end) => {
            format!("{} to {}", london::date_time(start), london::time(end))
        }
        (Some(start), Some(end)) => {
            format!("{} to {}", london::date_time(start), london::date_time(end))
        }
        (Some(start), None) => london::date_time(start),
        _ => String::new(),
    }
}

/// An event as iCalendar, in UTC with a stable UID; 404 for anything but an event.
pub async fn calendar(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let post = match published_post(&state, &slug).await? {
        Ok(post) => post,
        Err(_) => return Err(AppError::NotFound),
    };
    let Some(start) = post
        .event_starts_at
        .filter(|_| post.kind == crate::domain::content::PostKind::Event)
    else {
        return Err(AppError::NotFound);
    };
    let site = state.site();
    let mut event = Event::new();
    event
        .uid(&format!("post-{}@{}", post.post_id, site.host()))
        .summary(&post.title)
        .description(&post.summary)
        .location(&post.event_location)
        .starts(start)
        .ends(
            post.event_ends_at
                .unwrap_or(start + chrono::Duration::hours(1)),
        )
        .timestamp(post.updated_at)
        .url(&site.url(&paths::post(&post.slug)));
    let ics = Calendar::new().push(event.done()).done().to_string();
    let disposition = format!(
        "attachment; filename=\"academy-event-{}.ics\"",
        post.post_id
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        ics,
    )
        .into_response())
}
