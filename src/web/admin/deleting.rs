//! Deleting a report or a post: a confirmation page, then a POST that asks the content
//! service to delete it (with its findings and old addresses, audited). Uploaded files stay.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::content::{Kind, publishable};
use crate::db::publishable::title;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

/// The admin list of a kind of item.
fn list_path(kind: Kind) -> &'static str {
    match kind {
        Kind::Report => paths::admin_reports(),
        Kind::Post => paths::admin_posts(),
    }
}

#[derive(Template)]
#[template(path = "admin/delete_item.html")]
struct ConfirmPage {
    layout: Layout,
    noun: &'static str,
    title: String,
    action: String,
    back: String,
}

async fn confirm(
    state: &AppState,
    viewer: &Viewer,
    kind: Kind,
    id: i64,
) -> Result<Response, AppError> {
    let title = title(&state.db, kind, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let heading = format!("Delete this {}", kind.noun());
    let (action, back) = match kind {
        Kind::Report => (paths::admin_report_delete(id), paths::admin_report_edit(id)),
        Kind::Post => (paths::admin_post_delete(id), paths::admin_post_edit(id)),
    };
    Ok(render(&ConfirmPage {
        layout: Layout::new(heading.clone(), heading, Section::Admin, viewer),
        noun: kind.noun(),
        title,
        action,
        back,
    })?
    .into_response())
}

async fn delete(
    state: &AppState,
    admin: i64,
    client: &ClientAddress,
    kind: Kind,
    id: i64,
) -> Result<Response, AppError> {
    publishable::delete(state.ctx(), admin, &client.to_string(), kind, id).await?;
    let list = paths::with_notice(list_path(kind), Notice::Saved.name());
    Ok(Redirect::to(&list).into_response())
}

pub async fn confirm_report(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    confirm(&state, &viewer, Kind::Report, id).await
}

pub async fn delete_report(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    delete(&state, admin.user_id, &client, Kind::Report, id).await
}

pub async fn confirm_post(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    confirm(&state, &viewer, Kind::Post, id).await
}

pub async fn delete_post(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    delete(&state, admin.user_id, &client, Kind::Post, id).await
}
