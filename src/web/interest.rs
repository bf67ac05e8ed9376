//! "Tell me when the next cohort opens": asking, confirming by link, and unsubscribing.
//! Links open a page with a button; only the POST acts (mail scanners follow links).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::courses::{InterestProblem, course_response};
use super::forms::{Form, Sent, required};
use super::layout::{Layout, Section};
use super::render;
use crate::auth::keys::hash_token;
use crate::auth::throttle::{self, ACCOUNT_MAILS, account_key, address_key, per_address};
use crate::auth::{ClientAddress, Viewer};
use crate::catalogue::interest::{self as service, InterestError};
use crate::db::courses::{self, Course};
use crate::db::interests::{self, Link};
use crate::domain::email::Email;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{slug}/interest", post(register))
        .route("/interest/confirm/{token}", get(show_confirm).post(confirm))
        .route(
            "/interest/unsubscribe/{token}",
            get(show_unsubscribe).post(unsubscribe),
        )
}

impl From<InterestError> for AppError {
    fn from(error: InterestError) -> Self {
        match error {
            InterestError::LinkUnknown => AppError::NotFound,
            InterestError::Outbox(error) => AppError::Internal(error),
            InterestError::Db(error) => error.into(),
        }
    }
}

/// The interest form: the email box is shown (and so required) only to a visitor who is
/// not signed in with a confirmed address.
#[derive(Debug, Default, Deserialize)]
pub struct InterestForm {
    #[serde(default)]
    interest_email: Sent,
}

fn back_to(course: &Course, notice: &str) -> Response {
    Redirect::to(&paths::course_interest_notice(&course.slug, notice)).into_response()
}

/// Who asks: a verified account (listed at once), or anyone by the address they typed.
enum Asker<'a> {
    SignedIn(&'a crate::db::users::User),
    ByEmail(String),
}

/// Signed in and verified: listed at once. Anyone else: a confirmation mail, and the same
/// answer whether or not the address was listed already.
async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    Path(slug): Path<String>,
    Form(form): Form<InterestForm>,
) -> Result<Response, AppError> {
    let course = courses::find_published_by_slug(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    // Only the page for someone not signed in with a confirmed address has the email box;
    // a body without it is refused before anything is counted.
    let asker = match viewer.user.as_ref().filter(|u| u.is_verified()) {
        Some(user) => Asker::SignedIn(user),
        None => Asker::ByEmail(required(form.interest_email, "interest_email")?),
    };
    if throttle::hit(
        &state,
        &address_key("interest", &client),
        per_address(&state),
    )
    .await?
    .is_err()
    {
        return Ok(back_to(&course, "interest-too-many"));
    }
    let typed = match asker {
        Asker::SignedIn(user) => {
            service::register_signed_in(state.ctx(), &course, user.user_id, &user.email).await?;
            return Ok(back_to(&course, "interest-saved"));
        }
        Asker::ByEmail(typed) => typed,
    };
    let email = match Email::parse(&typed) {
        Ok(email) => email,
        Err(problem) => {
            let problem = InterestProblem {
                typed,
                message: problem.to_string(),
            };
            return course_response(&state, &viewer, &course.slug, None, Some(problem)).await;
        }
    };
    if throttle::hit(
        &state,
        &account_key("interest_mail", email.as_str()),
        ACCOUNT_MAILS,
    )
    .await?
    .is_err()
    {
        return Ok(back_to(&course, "interest-check-email"));
    }
    service::register_by_email(state.ctx(), &course, &email).await?;
    Ok(back_to(&course, "interest-check-email"))
}

#[derive(Template)]
#[template(path = "courses/interest_action.html")]
struct ActionPage {
    layout: Layout,
    heading: &'static str,
    text: &'static str,
    /// The form's target and button; `None` when the link no longer works.
    action: Option<(String, &'static str)>,
}

fn action_page(
    viewer: &Viewer,
    status: StatusCode,
    heading: &'static str,
    text: &'static str,
    action: Option<(String, &'static str)>,
) -> Result<Response, AppError> {
    let page = ActionPage {
        layout: Layout::new(heading, heading, Section::Courses, viewer),
        heading,
        text,
        action,
    };
    Ok((status, render(&page)?).into_response())
}

const LINK_USED: &str = "This link has already been used or does not work";

async fn show_confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if !interests::has_link(&state.db, Link::Confirm, &hash_token(&token)).await? {
        return action_page(
            &viewer,
            StatusCode::NOT_FOUND,
            LINK_USED,
            "If you have already confirmed, you are on the list.",
            None,
        );
    }
    let action = Some((paths::interest_confirm(&token), "Confirm"));
    action_page(
        &viewer,
        StatusCode::OK,
        "Confirm that you want to hear about this course",
        "We will email you once, when a new cohort opens.",
        action,
    )
}

async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match service::confirm(state.ctx(), &token).await {
        Ok(()) => action_page(
            &viewer,
            StatusCode::OK,
            "You are on the list",
            "We will email you once, when a new cohort opens.",
            None,
        ),
        Err(InterestError::LinkUnknown) => action_page(
            &viewer,
            StatusCode::NOT_FOUND,
            LINK_USED,
            "If you have already confirmed, you are on the list.",
            None,
        ),
        Err(other) => Err(other.into()),
    }
}

async fn show_unsubscribe(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if !interests::has_link(&state.db, Link::Unsubscribe, &hash_token(&token)).await? {
        return action_page(
            &viewer,
            StatusCode::NOT_FOUND,
            "You are not on this list",
            "You will not get emails about this course.",
            None,
        );
    }
    let action = Some((paths::interest_unsubscribe(&token), "Unsubscribe"));
    action_page(
        &viewer,
        StatusCode::OK,
        "Stop hearing about this course",
        "You will not get an email when a new cohort opens.",
        action,
    )
}

async fn unsubscribe(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    // The same answer whether or not the link was still listed.
    service::unsubscribe(state.ctx(), &token).await?;
    action_page(
        &viewer,
        StatusCode::OK,
        "You have unsubscribed",
        "You will not get emails about this course.",
        None,
    )
}
