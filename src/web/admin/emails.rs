//! `/admin/emails`: the outbox by status, with a retry for mail that failed. Bodies are
//! never shown: many carry sign-in links.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{PAGE_SIZE, PageQuery};
use crate::accounts::admin::{ByAdmin, RetryError, retry_email};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::outbox::{self, OutboxEntry};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::render;

pub const STATUSES: [&str; 5] = ["queued", "sending", "sent", "failed", "dead"];

#[derive(Debug, Default, Deserialize)]
pub struct EmailQuery {
    status: Option<String>,
    page: Option<String>,
    retried: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/emails.html")]
struct EmailsPage {
    layout: Layout,
    status: Option<&'static str>,
    counts: Vec<(String, i64)>,
    emails: Vec<OutboxEntry>,
    page: i64,
    has_next: bool,
    statuses: [&'static str; 5],
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<EmailQuery>,
) -> Result<Html<String>, AppError> {
    let status = STATUSES
        .iter()
        .copied()
        .find(|s| query.status.as_deref() == Some(*s));
    let page = PageQuery { page: query.page }.number();
    let mut emails = outbox::list(&state.db, status, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE).await?;
    let has_next = emails.len() as i64 > PAGE_SIZE;
    emails.truncate(PAGE_SIZE as usize);
    let banner = query
        .retried
        .map(|_| "The email will be sent again shortly.".to_owned());
    render(&EmailsPage {
        layout: Layout::new("Emails", "Emails sent by Academy.", Section::Admin, &viewer)
            .with_banner(banner),
        status,
        counts: outbox::count_by_status(&state.db).await?,
        emails,
        page,
        has_next,
        statuses: STATUSES,
    })
}

pub async fn retry(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let client = client.to_string();
    let by = ByAdmin {
        admin_id: admin.user_id,
        client: &client,
    };
    match retry_email(state.ctx(), by, id).await {
        Ok(()) => Ok(Redirect::to(&paths::admin_emails_retried()).into_response()),
        Err(RetryError::NotFound) => Err(AppError::NotFound),
        Err(RetryError::NotRetryable) => Err(AppError::BadRequest(
            "Only failed or dead emails that still have a body can be sent again.".into(),
        )),
        Err(RetryError::Db(error)) => Err(error.into()),
    }
}
