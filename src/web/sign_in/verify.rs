//! `/verify-email/{token}`: a page with a button (mail scanners follow links, so only the
//! POST spends the token), and resending a link.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::accounts::send_verification;
use crate::auth::keys::hash_token;
use crate::auth::throttle::{self, ACCOUNT_MAILS, account_key};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::db::audit::audit;
use crate::db::tokens::{self, Purpose};
use crate::db::users::{self, User};
use crate::domain::email::Email;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::{EmailChanged, Welcome};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

#[derive(Template)]
#[template(path = "sign_in/verify.html")]
struct VerifyPage {
    layout: Layout,
    token: String,
    email: String,
}

#[derive(Template)]
#[template(path = "sign_in/link_problem.html")]
pub(super) struct LinkProblemPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub advice: &'static str,
}

pub(super) fn link_problem(
    viewer: &Viewer,
    heading: &'static str,
    advice: &'static str,
) -> Result<Response, AppError> {
    let page = LinkProblemPage {
        layout: Layout::new(heading, heading, Section::Account, viewer),
        heading,
        advice,
    };
    Ok((axum::http::StatusCode::NOT_FOUND, render(&page)?).into_response())
}

/// The heading for any account link that no longer works.
pub(super) const LINK_EXPIRED: &str = "This link has expired or has already been used";
const EXPIRED_VERIFY_ADVICE: &str =
    "If your address is not confirmed yet, sign in and ask for a new link from your account page.";

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    match tokens::find(&state.db, Purpose::VerifyEmail, &hash_token(&token)).await? {
        Some(found) if found.is_usable(now) => {
            let page = VerifyPage {
                layout: Layout::new(
                    "Confirm your email address",
                    "Confirm your email address.",
                    Section::Account,
                    &viewer,
                ),
                token,
                email: found.email,
            };
            Ok(render(&page)?.into_response())
        }
        _ => link_problem(&viewer, LINK_EXPIRED, EXPIRED_VERIFY_ADVICE),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(found) = tokens::find_in(&mut tx, Purpose::VerifyEmail, &hash_token(&token)).await?
    else {
        return link_problem(&viewer, LINK_EXPIRED, EXPIRED_VERIFY_ADVICE);
    };
    let user = users::find_in(&mut tx, found.user_id).await?;
    let (true, Some(user)) = (
        tokens::spend(&mut tx, found.account_token_id, now).await?,
        user,
    ) else {
        return link_problem(&viewer, LINK_EXPIRED, EXPIRED_VERIFY_ADVICE);
    };
    let email = Email::parse(&found.email).map_err(AppError::internal)?;
    let changing = email.as_str() != user.email;
    // A change link only counts while that change is still the one asked for: a later
    // request, a password change or a reset cancels it.
    if changing && user.pending_email.as_deref() != Some(email.as_str()) {
        return link_problem(&viewer, LINK_EXPIRED, EXPIRED_VERIFY_ADVICE);
    }
    if changing && users::find_by_email_in(&mut tx, &email).await?.is_some() {
        return link_problem(
            &viewer,
            "This email address is already used by another account",
            "Your email address has not changed. Choose another address from your account page.",
        );
    }
    let (learner_type, reason) = state.config.nhs_domains.decide(&email);
    users::verify_email(
        &mut tx,
        user.user_id,
        &email,
        &user.full_name,
        learner_type,
        &reason,
        now,
    )
    .await?;
    if changing {
        notify_old_address(&mut tx, &state, &user, &email, now).await?;
    } else if !user.is_verified() {
        welcome(&mut tx, &state, &user, &email, now).await?;
    }
    let action = if changing {
        "email_changed"
    } else {
        "email_verified"
    };
    audit(
        &mut tx,
        Some(user.user_id),
        Some(user.user_id),
        action,
        learner_type.as_str(),
        Some(&client.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    let notice = Notice::EmailConfirmed.name();
    let target = match viewer.user_id() {
        Some(id) if id == user.user_id => format!("/account?notice={notice}"),
        _ => format!("/login?notice={notice}"),
    };
    Ok(Redirect::to(&target).into_response())
}

async fn welcome(
    tx: &mut crate::db::Tx,
    state: &AppState,
    user: &User,
    email: &Email,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let site = state.site();
    let (learner_type, _) = state.config.nhs_domains.decide(email);
    let mail = Welcome {
        name: user.full_name.clone(),
        nhs: learner_type == users::LearnerType::Nhs,
        courses_url: site.url("/courses"),
        account_url: site.url("/account"),
    };
    let envelope = Envelope {
        to: email,
        user_id: Some(user.user_id),
        idempotency_key: format!("welcome:{}", user.user_id),
    };
    queue(tx, site, &envelope, &mail, now).await?;
    Ok(())
}

async fn notify_old_address(
    tx: &mut crate::db::Tx,
    state: &AppState,
    user: &User,
    new: &Email,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let site = state.site();
    let old = Email::parse(&user.email).map_err(AppError::internal)?;
    let mail = EmailChanged {
        name: user.full_name.clone(),
        new_address: new.to_string(),
    };
    let key = format!("email_changed:{}:{}", user.user_id, now.timestamp_micros());
    let envelope = Envelope {
        to: &old,
        user_id: Some(user.user_id),
        idempotency_key: key,
    };
    queue(tx, site, &envelope, &mail, now).await?;
    Ok(())
}

/// A new verification link for a signed-in learner whose address is not confirmed yet.
pub async fn resend(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    if user.is_verified() {
        return Ok(Redirect::to("/account").into_response());
    }
    if throttle::hit(
        &state,
        &account_key("verify_mail", &user.email),
        ACCOUNT_MAILS,
    )
    .await?
    .is_err()
    {
        return Ok(
            Redirect::to(&format!("/account?notice={}", Notice::TooManyEmails.name()))
                .into_response(),
        );
    }
    let now = state.clock.now();
    let email = Email::parse(&user.email).map_err(AppError::internal)?;
    let mut tx = state.db.begin().await?;
    send_verification(
        &mut tx,
        &state,
        user.user_id,
        &user.full_name,
        &email,
        false,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/account?notice={}",
        Notice::VerificationSent.name()
    ))
    .into_response())
}
