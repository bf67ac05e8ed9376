//! `/`: the home page, from the published content in memory: the introduction, the latest
//! reports, About us, Investigations, Education with the flagship course's next cohort,
//! and the latest news. A block with nothing in it is left out.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::layout::{Layout, Section};
use super::render;
use crate::auth::Viewer;
use crate::db::published::{PostItem, ReportItem};
use crate::error::AppError;
use crate::paths;
use crate::published::{Block, View};
use crate::state::AppState;

pub struct Flagship {
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage {
    layout: Layout,
    introduction: Option<Block>,
    about: Option<Block>,
    investigations: Option<Block>,
    education: Option<Block>,
    reports: Vec<ReportItem>,
    flagship: Option<Flagship>,
    posts: Vec<PostItem>,
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    let now = state.clock.now();
    let view = state.published.view().await?;
    let content = &view.content;
    let site = state.site();
    render(&HomePage {
        layout: Layout::new(
            "Learning from patient safety investigations",
            "Investigation reports and CPD-accredited courses in patient safety investigation, free for NHS staff in England.",
            Section::Home,
            &viewer,
        )
        .with_canonical(site.url(paths::home()))
        .with_feed("Investigation reports", site.url(paths::reports_feed())),
        introduction: content.home_block("introduction"),
        about: content.home_block("about"),
        investigations: content.home_block("investigations"),
        education: content.home_block("education"),
        reports: content.reports_public(now).iter().take(3).cloned().collect(),
        flagship: flagship(&state, &view),
        posts: content.posts_public(None, now).take(3).cloned().collect(),
    })
}

/// The flagship course (`ACADEMY_FLAGSHIP_COURSE`) with its next cohort, if published.
fn flagship(state: &AppState, view: &View) -> Option<Flagship> {
    let course = &view
        .content
        .course_by_slug(&state.config.flagship_course)?
        .course;
    Some(Flagship {
        next: super::courses::next_cohort(view, course.course_id, state.clock.now()),
        title: course.title.clone(),
        slug: course.slug.clone(),
        summary: course.summary.clone(),
    })
}
