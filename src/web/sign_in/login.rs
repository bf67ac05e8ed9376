//! `/login` and `/logout`: one generic message for any wrong email or password, the same
//! timing for unknown addresses, and refusals after repeated failures.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::throttle::{self, SIGN_IN_FAILURES, account_key, address_key, per_address};
use crate::auth::viewer::begin_session;
use crate::auth::{ClientAddress, Viewer};
use crate::db::audit::audit_own;
use crate::db::audit::{AuditEvent, record_now};
use crate::db::users;
use crate::domain::email::Email;
use crate::domain::redirect::safe_next;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{FormErrors, rejected, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::notice::NoticeQuery;
use crate::web::render;

pub const WRONG_CREDENTIALS: &str = "Your email address or password is wrong";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    pub remember_me: String,
    pub next: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "sign_in/login.html")]
struct LoginPage<'a> {
    layout: Layout,
    form: &'a LoginForm,
    errors: &'a FormErrors,
}

fn page<'a>(
    viewer: &Viewer,
    form: &'a LoginForm,
    errors: &'a FormErrors,
    banner: Option<String>,
) -> LoginPage<'a> {
    LoginPage {
        layout: Layout::new(
            "Sign in",
            "Sign in to your Academy account.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty())
        .with_banner(banner),
        form,
        errors,
    }
}

pub async fn show(viewer: Viewer, Query(query): Query<LoginQuery>) -> Result<Response, AppError> {
    let next = query
        .next
        .as_deref()
        .and_then(safe_next)
        .unwrap_or("")
        .to_owned();
    if viewer.user.is_some() {
        return Ok(Redirect::to(if next.is_empty() { "/account" } else { &next }).into_response());
    }
    let banner = NoticeQuery {
        notice: query.notice,
    }
    .banner();
    let form = LoginForm {
        next,
        ..LoginForm::default()
    };
    Ok(render(&page(&viewer, &form, &FormErrors::default(), banner))?.into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    client: ClientAddress,
    Form(mut form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let password = std::mem::take(&mut form.password);
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    if let Err(blocked) = throttle::hit(
        &state,
        &address_key("sign_in", &client),
        per_address(&state),
    )
    .await?
    {
        errors.add(
            "email",
            format!(
                "There have been too many attempts to sign in from your network. {}",
                blocked.advice(now)
            ),
        );
        return throttled(&page(&viewer, &form, &errors, None), blocked, now);
    }
    let Ok(email) = Email::parse(&form.email) else {
        errors.add(
            "email",
            "Enter your email address in the correct format, like name@example.com",
        );
        return rejected(&page(&viewer, &form, &errors, None));
    };
    let account_throttle = account_key("sign_in", email.as_str());
    let credentials = users::credentials(&state.db, &email).await?;
    let audit_event = |action| AuditEvent {
        actor_user_id: None,
        subject_user_id: credentials.as_ref().map(|c| c.user_id),
        action,
        detail: "",
        client_address: None,
    };
    let client_text = client.to_string();
    // Counted before the password is checked, so parallel guesses cannot all get through.
    if let Err(blocked) = throttle::hit(&state, &account_throttle, SIGN_IN_FAILURES).await? {
        let event = AuditEvent {
            client_address: Some(&client_text),
            ..audit_event("sign_in_locked")
        };
        record_now(&state.db, &event, now).await?;
        errors.add(
            "email",
            format!(
                "There have been too many failed attempts to sign in to this account. {}",
                blocked.advice(now)
            ),
        );
        return throttled(&page(&viewer, &form, &errors, None), blocked, now);
    }
    let stored_hash = credentials.as_ref().map(|c| c.password_hash.as_str());
    let matched = state
        .passwords
        .verify_or_dummy(&password, stored_hash)
        .await?;
    let Some(credentials) = credentials.clone().filter(|_| matched) else {
        let event = AuditEvent {
            client_address: Some(&client_text),
            ..audit_event("sign_in_failed")
        };
        record_now(&state.db, &event, now).await?;
        errors.add("email", WRONG_CREDENTIALS);
        return rejected(&page(&viewer, &form, &errors, None));
    };
    if credentials.disabled_at.is_some() {
        errors.add("email", "This account has been disabled. Contact the education team if you think this is a mistake.");
        return rejected(&page(&viewer, &form, &errors, None));
    }
    throttle::clear(&state, &account_throttle).await?;
    let remember = form.remember_me == "yes";
    begin_session(
        &session,
        credentials.user_id,
        credentials.session_epoch,
        remember,
        state.config.remember_me_days,
        now,
    )
    .await?;
    users::record_sign_in(&state.db, credentials.user_id, now).await?;
    let mut tx = state.db.begin().await?;
    audit_own(
        &mut tx,
        credentials.user_id,
        "signed_in",
        Some(&client.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    let next = safe_next(&form.next).unwrap_or("/account");
    Ok(Redirect::to(next).into_response())
}

pub async fn logout(session: Session) -> Result<Response, AppError> {
    session.flush().await?;
    Ok(Redirect::to("/").into_response())
}
