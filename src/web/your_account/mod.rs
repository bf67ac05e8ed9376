//! `/account`: a learner's own details, and what they can change or take away.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::db::audit::audit_own;
use crate::db::users::{self, User};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::render;

mod data;
mod details;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(overview))
        .route(
            "/account/profile",
            get(details::show_profile).post(details::save_profile),
        )
        .route(
            "/account/password",
            get(details::show_password).post(details::change_password),
        )
        .route(
            "/account/email",
            get(details::show_email).post(details::change_email),
        )
        .route("/account/sign-out-everywhere", post(sign_out_everywhere))
        .route("/account/data", get(data::download))
        .route("/account/delete", get(data::show_delete).post(data::delete))
        .route("/account/deleted", get(data::deleted))
}

#[derive(Template)]
#[template(path = "your_account/overview.html")]
struct OverviewPage {
    layout: Layout,
    user: User,
    learner_type_label: &'static str,
}

async fn overview(
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    render(&OverviewPage {
        layout: Layout::new(
            "Your account",
            "Your Academy account.",
            Section::Account,
            &viewer,
        )
        .with_banner(query.banner()),
        learner_type_label: user.learner_type().label(),
        user,
    })
}

/// Ends every session of the user, this one included.
async fn sign_out_everywhere(
    State(state): State<AppState>,
    session: Session,
    client: ClientAddress,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    users::end_all_sessions(&mut tx, user.user_id, now).await?;
    audit_own(
        &mut tx,
        user.user_id,
        "signed_out_everywhere",
        Some(&client.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    session.flush().await?;
    Ok(Redirect::to(&format!(
        "/login?notice={}",
        Notice::SignedOutEverywhere.name()
    ))
    .into_response())
}
