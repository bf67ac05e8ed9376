//! Deleting a report or a post: a confirmation page, then a POST that deletes it with its
//! findings and old addresses, audited. Uploaded files stay for reuse.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::audit::audit_admin;
use crate::db::{posts, reports};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

/// Which kind of item: its list's address, and how people call it.
#[derive(Clone, Copy)]
pub enum Item {
    Report,
    Post,
}

impl Item {
    fn path(self) -> &'static str {
        match self {
            Item::Report => "/admin/reports",
            Item::Post => "/admin/posts",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Item::Report => "report",
            Item::Post => "post",
        }
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

async fn title_of(state: &AppState, item: Item, id: i64) -> Result<String, AppError> {
    let title = match item {
        Item::Report => reports::find(&state.db, id).await?.map(|r| r.title),
        Item::Post => posts::find(&state.db, id).await?.map(|p| p.title),
    };
    title.ok_or(AppError::NotFound)
}

pub async fn confirm(
    state: &AppState,
    viewer: &Viewer,
    item: Item,
    id: i64,
) -> Result<Response, AppError> {
    let title = title_of(state, item, id).await?;
    let heading = format!("Delete this {}", item.noun());
    Ok(render(&ConfirmPage {
        layout: Layout::new(heading.clone(), heading, Section::Admin, viewer),
        noun: item.noun(),
        title,
        action: format!("{}/{id}/delete", item.path()),
        back: format!("{}/{id}/edit", item.path()),
    })?
    .into_response())
}

pub async fn delete(
    state: &AppState,
    admin: i64,
    client: &ClientAddress,
    item: Item,
    id: i64,
) -> Result<Response, AppError> {
    let title = title_of(state, item, id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let deleted = match item {
        Item::Report => reports::delete(&mut tx, id).await?,
        Item::Post => posts::delete(&mut tx, id).await?,
    };
    if !deleted {
        return Err(AppError::NotFound);
    }
    let action = format!("{}_deleted", item.noun());
    audit_admin(
        &mut tx,
        admin,
        &action,
        &format!("{} {id}: {title}", item.noun()),
        &client.to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice={}", item.path(), Notice::Saved.name())).into_response())
}

pub async fn confirm_report(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    confirm(&state, &viewer, Item::Report, id).await
}

pub async fn delete_report(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    delete(&state, admin.user_id, &client, Item::Report, id).await
}

pub async fn confirm_post(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    confirm(&state, &viewer, Item::Post, id).await
}

pub async fn delete_post(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    delete(&state, admin.user_id, &client, Item::Post, id).await
}
