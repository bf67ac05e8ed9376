//! `/news` and `/news/{slug}`, from the published content in memory: news, events and blog posts in one list with a type filter;
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
use crate::db::published::PostItem;
use crate::domain::content::PostKind;
use crate::domain::london;
use crate::error::AppError;
use crate::paths;
use crate::published::View;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
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
struct ListPage<'a> {
    layout: Layout,
    posts: Vec<&'a PostItem>,
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
    let chosen = query.kind.as_deref().and_then(PostKind::parse);
    let kind = chosen.map(|k| k.as_str().to_owned()).unwrap_or_default();
    let page = PageQuery { page: query.page }.number();
    let view = state.published.view().await?;
    let total = view.content.posts_public(chosen, now).count() as i64;
    let pager = Pager::with_size(page, total, PAGE_SIZE);
    let found = view
        .content
        .posts_public(chosen, now)
        .skip(pager.offset() as usize)
        .take(pager.size() as usize)
        .collect();
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
struct PostPage<'a> {
    layout: Layout,
    post: &'a PostItem,
    published: String,
    body_html: &'a str,
    when: String,
}

/// The published post at `slug`, or the answer for an address that has none.
async fn published_post<'a>(
    state: &AppState,
    view: &'a View,
    slug: &str,
) -> Result<Result<&'a PostItem, Response>, AppError> {
    well_formed(slug)?;
    match view.content.post_by_slug(slug, state.clock.now()) {
        Some(post) => Ok(Ok(post)),
        None => moved_or_missing(state, Kind::Post, slug).await.map(Err),
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let view = state.published.view().await?;
    let post = match published_post(&state, &view, &slug).await? {
        Ok(post) => post,
        Err(redirect) => return Ok(redirect),
    };
    let Some(detail) = state
        .published
        .post_detail(&view.content, post.post_id)
        .await?
    else {
        return Err(AppError::NotFound);
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
        body_html: &detail.body_html,
        when: event_times(post),
        post,
    };
    Ok(render(&page)?.into_response())
}

/// "3 March 2026 at 9:30am to 12:30pm" for an event, empty otherwise.
fn event_times(post: &PostItem) -> String {
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
    let view = state.published.view().await?;
    let post = match published_post(&state, &view, &slug).await? {
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
