//! `/account/password`: changing your password (the current one first), which keeps this
//! session and ends every other.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::{CurrentPassword, current_password, saved};
use crate::accounts::password::change_password as change;
use crate::auth::viewer::{SessionLifetime, follow_epoch};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::domain::email::Email;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, check_password_pair, rejected, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

/// Changing the password: all three boxes are always sent.
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    pub current_password: String,
    pub password: String,
    pub confirm_password: String,
}

#[derive(Template)]
#[template(path = "your_account/password.html")]
struct PasswordPage<'a> {
    layout: Layout,
    errors: &'a FormErrors,
}

fn password_page<'a>(viewer: &Viewer, errors: &'a FormErrors) -> PasswordPage<'a> {
    PasswordPage {
        layout: Layout::new(
            "Change your password",
            "Change your password.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        errors,
    }
}

pub async fn show_password(viewer: Viewer, _: CurrentUser) -> Result<Html<String>, AppError> {
    render(&password_page(&viewer, &FormErrors::default()))
}

pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    client: ClientAddress,
    CurrentUser(user): CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    let email = Email::parse(&user.email).map_err(AppError::internal)?;
    match current_password(&state, &user, &form.current_password).await? {
        CurrentPassword::Right => {}
        CurrentPassword::Blocked(blocked) => {
            errors.add(
                "current_password",
                format!("Too many wrong passwords. {}", blocked.advice(now)),
            );
            return throttled(&password_page(&viewer, &errors), blocked, now);
        }
        CurrentPassword::Wrong => errors.add("current_password", "Your current password is wrong"),
    }
    check_password_pair(
        &mut errors,
        &form.password,
        &form.confirm_password,
        Some(&email),
        &[&user.full_name],
    );
    if !errors.is_empty() {
        return rejected(&password_page(&viewer, &errors));
    }
    let client = client.to_string();
    let epoch = change(
        state.ctx(),
        &state.passwords,
        &client,
        &user,
        &form.password,
    )
    .await?;
    // Every other session ends with the old epoch; this one carries on under the new one.
    let lifetime = SessionLifetime::from(&*state.config);
    follow_epoch(&session, epoch.0, lifetime, state.clock.now()).await?;
    Ok(saved(Notice::PasswordChanged))
}
