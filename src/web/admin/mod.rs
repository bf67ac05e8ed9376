//! `/admin`: the education team's pages. Every handler takes `AdminUser`.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{AdminUser, Viewer};
use crate::error::AppError;
use crate::web::layout::{Layout, Section};
use crate::web::render;

mod emails;
mod users;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/users", get(users::list))
        .route("/admin/users/{id}", get(users::detail))
        .route("/admin/users/{id}/role", post(users::change_role))
        .route(
            "/admin/users/{id}/learner-type",
            post(users::override_learner_type),
        )
        .route("/admin/users/{id}/disable", post(users::disable))
        .route("/admin/users/{id}/enable", post(users::enable))
        .route("/admin/emails", get(emails::list))
        .route("/admin/emails/{id}/retry", post(emails::retry))
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    layout: Layout,
}

async fn dashboard(viewer: Viewer, _: AdminUser) -> Result<Html<String>, AppError> {
    render(&DashboardPage {
        layout: Layout::new("Admin", "Academy administration.", Section::Admin, &viewer),
    })
}

pub const PAGE_SIZE: i64 = 25;

/// `?page=` as people type it: anything but a whole number from 1 means the first page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

impl PageQuery {
    pub fn number(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| (1..=100_000).contains(p))
            .unwrap_or(1)
    }
}

/// Previous/next links for a list of `total` items.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
}

impl Pager {
    pub fn new(page: i64, total: i64) -> Pager {
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        Pager {
            page: page.min(pages),
            pages,
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * PAGE_SIZE
    }
}
