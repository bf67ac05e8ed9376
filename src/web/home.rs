//! `/`: the home page, every block from the database: the introduction, the latest
//! reports, About us, Investigations, Education with the flagship course's next cohort,
//! and the latest news. A block with nothing in it is left out.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::layout::{Layout, Section};
use super::markdown::to_safe_html;
use super::render;
use crate::auth::Viewer;
use crate::db::home::{self, HomeBlock};
use crate::db::posts::{self, Post};
use crate::db::reports::{self, Report};
use crate::db::{cohorts, courses};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;

/// A text block ready to show.
pub struct Block {
    pub title: String,
    pub body_html: String,
    pub link_label: String,
    pub link_href: String,
}

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
    reports: Vec<Report>,
    flagship: Option<Flagship>,
    posts: Vec<Post>,
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    let now = state.clock.now();
    let mut blocks = home::all(&state.db).await?;
    let mut take = |name: &str| {
        let index = blocks.iter().position(|b| b.block == name)?;
        block(blocks.swap_remove(index))
    };
    let (introduction, about, investigations, education) = (
        take("introduction"),
        take("about"),
        take("investigations"),
        take("education"),
    );
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
        introduction,
        about,
        investigations,
        education,
        reports: reports::list_published(&state.db, &Default::default(), now, 3, 0).await?,
        flagship: flagship(&state).await?,
        posts: posts::list_published(&state.db, None, now, 3, 0).await?,
    })
}

fn block(stored: HomeBlock) -> Option<Block> {
    if stored.is_hidden() {
        return None;
    }
    Some(Block {
        title: stored.title,
        body_html: to_safe_html(&stored.body),
        link_label: stored.link_label,
        link_href: stored.link_href,
    })
}

/// The flagship course (`ACADEMY_FLAGSHIP_COURSE`) with its next cohort, if published.
async fn flagship(state: &AppState) -> Result<Option<Flagship>, AppError> {
    let slug = &state.config.flagship_course;
    let Some(course) = courses::find_published_by_slug(&state.db, slug).await? else {
        return Ok(None);
    };
    let visible = cohorts::visible_for_courses(&state.db, &[course.course_id]).await?;
    let mut next = super::courses::next_cohorts(&visible, state.clock.now());
    Ok(Some(Flagship {
        next: next.remove(&course.course_id),
        title: course.title,
        slug: course.slug,
        summary: course.summary,
    }))
}
