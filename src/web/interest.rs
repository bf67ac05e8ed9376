//! "Tell me when the next cohort opens": asking, confirming by link, and unsubscribing.
//! Links open a page with a button; only the POST acts (mail scanners follow links).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::courses::{InterestProblem, course_response};
use super::layout::{Layout, Section};
use super::render;
use crate::auth::keys::{hash_token, new_token};
use crate::auth::throttle::{self, ACCOUNT_MAILS, account_key, address_key, per_address};
use crate::auth::{ClientAddress, Viewer};
use crate::db::courses::{self, Course};
use crate::db::interests::{self, Link, NewInterest};
use crate::domain::email::Email;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::InterestConfirm;
use crate::error::AppError;
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InterestForm {
    interest_email: String,
}

fn back_to(course: &Course, notice: &str) -> Response {
    Redirect::to(&format!(
        "/courses/{}?notice={notice}#interest",
        course.slug
    ))
    .into_response()
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
    let now = state.clock.now();
    let (unsubscribe_token, unsubscribe_hash) = new_token();
    if let Some(user) = viewer.user.as_ref().filter(|u| u.is_verified()) {
        let new = NewInterest {
            course_id: course.course_id,
            user_id: Some(user.user_id),
            email: &user.email,
            confirm_token_hash: None,
            unsubscribe_token_hash: &unsubscribe_hash,
            confirmed_at: Some(now),
        };
        let mut tx = state.db.begin().await?;
        interests::upsert(&mut tx, &new, now).await?;
        tx.commit().await?;
        return Ok(back_to(&course, "interest-saved"));
    }
    let email = match Email::parse(&form.interest_email) {
        Ok(email) => email,
        Err(problem) => {
            let problem = InterestProblem {
                typed: form.interest_email.clone(),
                message: problem.to_string(),
            };
            return course_response(&state, &viewer, course, None, Some(problem)).await;
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
    let (confirm_token, confirm_hash) = new_token();
    let new = NewInterest {
        course_id: course.course_id,
        user_id: None,
        email: email.as_str(),
        confirm_token_hash: Some(&confirm_hash),
        unsubscribe_token_hash: &unsubscribe_hash,
        confirmed_at: None,
    };
    let mut tx = state.db.begin().await?;
    let interest = interests::upsert(&mut tx, &new, now).await?;
    if interest.confirmed_at.is_none() {
        let site = state.site();
        let mail = InterestConfirm {
            course_title: course.title.clone(),
            confirm_url: site.url(&format!("/interest/confirm/{confirm_token}")),
            unsubscribe_url: site.url(&format!("/interest/unsubscribe/{unsubscribe_token}")),
        };
        let key = format!("interest_confirm:{}:{confirm_hash}", interest.interest_id);
        queue(
            &mut tx,
            site,
            &Envelope {
                to: &email,
                user_id: None,
                idempotency_key: key,
            },
            &mail,
            now,
        )
        .await?;
    }
    tx.commit().await?;
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
    let action = Some((format!("/interest/confirm/{token}"), "Confirm"));
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
    let mut tx = state.db.begin().await?;
    if !interests::confirm(&mut tx, &hash_token(&token), state.clock.now()).await? {
        return action_page(
            &viewer,
            StatusCode::NOT_FOUND,
            LINK_USED,
            "If you have already confirmed, you are on the list.",
            None,
        );
    }
    tx.commit().await?;
    action_page(
        &viewer,
        StatusCode::OK,
        "You are on the list",
        "We will email you once, when a new cohort opens.",
        None,
    )
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
    let action = Some((format!("/interest/unsubscribe/{token}"), "Unsubscribe"));
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
    let mut tx = state.db.begin().await?;
    interests::unsubscribe(&mut tx, &hash_token(&token)).await?;
    tx.commit().await?;
    action_page(
        &viewer,
        StatusCode::OK,
        "You have unsubscribed",
        "You will not get emails about this course.",
        None,
    )
}
