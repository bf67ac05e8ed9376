//! `/account`: the signed-in person's own account: their details, what they can change,
//! and what they can take away. The writes are `crate::accounts` services.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::middleware::from_fn;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

use crate::accounts::deletion::DeleteError;
use crate::accounts::email_change::EmailChangeError;
use crate::accounts::password::{PasswordError, check_current_password};
use crate::accounts::profile::ProfileError;
use crate::accounts::sign_in::{SignOutError, sign_out_everywhere};
use crate::auth::throttle::Blocked;
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::db::users::User;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::recent_pages::kept;
use crate::web::render;

mod cpd_date;
mod data;
mod delete;
mod email;
mod password;
mod profile;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(overview).layer(from_fn(kept)))
        .route(
            "/account/profile",
            get(profile::show_profile).post(profile::save_profile),
        )
        .route(
            "/account/cpd-date",
            get(cpd_date::show).post(cpd_date::save),
        )
        .route(
            "/account/password",
            get(password::show_password).post(password::change_password),
        )
        .route(
            "/account/email",
            get(email::show_email).post(email::change_email),
        )
        .route("/account/sign-out-everywhere", post(sign_out_all))
        .route("/account/data", get(data::download))
        .route(
            "/account/delete",
            get(delete::show_delete).post(delete::delete),
        )
        .route("/account/deleted", get(delete::deleted))
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
async fn sign_out_all(
    State(state): State<AppState>,
    session: Session,
    client: ClientAddress,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    sign_out_everywhere(state.ctx(), user.user_id, &client.to_string()).await?;
    session.flush().await?;
    let target = paths::with_notice(paths::login(), Notice::SignedOutEverywhere.name());
    Ok(Redirect::to(&target).into_response())
}

/// Back to the account page with a banner.
fn saved(notice: Notice) -> Response {
    Redirect::to(&paths::with_notice(paths::account(), notice.name())).into_response()
}

/// What checking the current password before a change found.
enum CurrentPassword {
    Right,
    Wrong,
    /// Too many wrong passwords: refused without checking.
    Blocked(Blocked),
}

/// Checks `user`'s current password (counting guesses like sign-in attempts).
async fn current_password(
    state: &AppState,
    user: &User,
    password: &str,
) -> Result<CurrentPassword, AppError> {
    match check_current_password(state.ctx(), &state.passwords, user, password).await {
        Ok(()) => Ok(CurrentPassword::Right),
        Err(PasswordError::WrongPassword) => Ok(CurrentPassword::Wrong),
        Err(PasswordError::Blocked(blocked)) => Ok(CurrentPassword::Blocked(blocked)),
        Err(other) => Err(other.into()),
    }
}

// What is left of a service error once a handler has turned the ones a person can act on
// into pages: storage and mail failures are the 500 page, a missing row the 404 page.

impl From<ProfileError> for AppError {
    fn from(error: ProfileError) -> Self {
        match error {
            ProfileError::Db(error) => error.into(),
        }
    }
}

impl From<PasswordError> for AppError {
    fn from(error: PasswordError) -> Self {
        match error {
            PasswordError::Db(error) => error.into(),
            PasswordError::Hash(error) => error.into(),
            PasswordError::Mail(error) => AppError::internal(error),
            PasswordError::StoredAddress(error) => AppError::internal(error),
            refused => AppError::BadRequest(refused.to_string()),
        }
    }
}

impl From<EmailChangeError> for AppError {
    fn from(error: EmailChangeError) -> Self {
        match error {
            EmailChangeError::Db(error) => error.into(),
            EmailChangeError::Link(error) => error.into(),
            refused => AppError::BadRequest(refused.to_string()),
        }
    }
}

impl From<SignOutError> for AppError {
    fn from(error: SignOutError) -> Self {
        match error {
            SignOutError::Db(error) => error.into(),
        }
    }
}

impl From<DeleteError> for AppError {
    fn from(error: DeleteError) -> Self {
        match error {
            DeleteError::Db(error) => error.into(),
            DeleteError::Enrolment(error) => error.into(),
            refused => AppError::BadRequest(refused.to_string()),
        }
    }
}
