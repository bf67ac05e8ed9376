//! `/account/delete`: deleting your account (with your password), and the page after.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::{CurrentPassword, current_password};
use crate::accounts::deletion::{DeleteError, delete_account};
use crate::auth::{CurrentUser, Viewer};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::render;

/// Deleting the account: the password box is always sent.
#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    pub current_password: String,
}

#[derive(Template)]
#[template(path = "your_account/delete.html")]
struct DeletePage<'a> {
    layout: Layout,
    errors: &'a FormErrors,
}

fn delete_page<'a>(viewer: &Viewer, errors: &'a FormErrors) -> DeletePage<'a> {
    DeletePage {
        layout: Layout::new(
            "Delete your account",
            "Delete your Academy account.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        errors,
    }
}

pub async fn show_delete(viewer: Viewer, _: CurrentUser) -> Result<Html<String>, AppError> {
    render(&delete_page(&viewer, &FormErrors::default()))
}

/// Erases the profile and the mail sent to it; keeps the audit trail reduced to the id.
pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    CurrentUser(user): CurrentUser,
    Form(form): Form<DeleteForm>,
) -> Result<Response, AppError> {
    let refuse = |message: String| {
        let mut errors = FormErrors::default();
        errors.add("current_password", message);
        rejected(&delete_page(&viewer, &errors))
    };
    match current_password(&state, &user, &form.current_password).await? {
        CurrentPassword::Right => {}
        CurrentPassword::Wrong => return refuse("Your password is wrong".to_owned()),
        CurrentPassword::Blocked(blocked) => {
            let advice = blocked.advice(state.clock.now());
            return refuse(format!("Too many wrong passwords. {advice}"));
        }
    }
    // Ending the account's places is the enrolment service's part; it still takes the
    // whole state (see `delete_account`).
    match delete_account(state.enrolment(), &user).await {
        Ok(()) => {}
        Err(DeleteError::OnlyAdmin) => {
            return refuse(
                "You are the only admin. Make someone else an admin before you delete your account."
                    .to_owned(),
            );
        }
        Err(other) => return Err(other.into()),
    }
    session.flush().await?;
    Ok(Redirect::to(paths::account_deleted()).into_response())
}

#[derive(Template)]
#[template(path = "your_account/deleted.html")]
struct DeletedPage {
    layout: Layout,
}

pub async fn deleted(viewer: Viewer) -> Result<Html<String>, AppError> {
    render(&DeletedPage {
        layout: Layout::new(
            "Your account has been deleted",
            "Account deleted.",
            Section::Account,
            &viewer,
        ),
    })
}
