//! `/admin/emails`: the outbox by status, with a retry for mail that failed. Bodies are
//! never shown: many carry sign-in links.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{PageQuery, Pager};
use crate::accounts::admin::{ByAdmin, RetryError, retry_email};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::outbox::{self, OutboxEntry};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::pagination::{PageLinks, page_address};
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
    pagination: PageLinks,
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
    // The counts by status are shown anyway; they give the list's length too.
    let counts = outbox::count_by_status(&state.db).await?;
    let total = counts
        .iter()
        .filter(|(name, _)| status.is_none_or(|s| s == name.as_str()))
        .map(|(_, count)| count)
        .sum();
    let pager = Pager::new(PageQuery { page: query.page }.number(), total);
    let emails = outbox::list(&state.db, status, pager.window()).await?;
    let filters = [("status", status.unwrap_or_default())];
    let pagination = pager.links(|n| page_address(paths::admin_emails(), &filters, n));
    let banner = query
        .retried
        .map(|_| "The email will be sent again shortly.".to_owned());
    render(&EmailsPage {
        layout: Layout::new("Emails", "Emails sent by Academy.", Section::Admin, &viewer)
            .with_banner(banner),
        status,
        counts,
        emails,
        pagination,
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
