//! One-time sign-in links by email: the offer the sign-in form answers with past an
//! account's ceiling on attempts (the same page whether or not the account exists), asking
//! for a link, and `/login/link/{token}`, a page with a button (mail scanners follow links,
//! so only the POST spends the token).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::from_this_network;
use super::link_pages::{LINK_EXPIRED, check_email_page, link_problem};
use crate::accounts::links::{self, SIGN_IN_FOR};
use crate::accounts::sign_in_link::{SignInLinkError, request_sign_in_link, sign_in_with_link};
use crate::auth::device::KnownDevice;
use crate::auth::viewer::{SessionLifetime, begin_session};
use crate::auth::{ClientAddress, Viewer};
use crate::db::tokens::Purpose;
use crate::domain::email::Email;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::render;

#[derive(Template)]
#[template(path = "sign_in/link_offer.html")]
struct OfferPage<'a> {
    layout: Layout,
    email: &'a str,
    errors: &'a FormErrors,
    minutes: i64,
}

fn offer_page<'a>(viewer: &Viewer, email: &'a str, errors: &'a FormErrors) -> OfferPage<'a> {
    OfferPage {
        layout: Layout::new(
            "Sign in with a link by email",
            "Sign in to your Academy account with a link by email.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        email,
        errors,
        minutes: SIGN_IN_FOR.num_minutes(),
    }
}

/// The sign-in form's answer past the account's ceiling: an offer to email a link, with
/// the address as typed (nothing else differs between accounts, or for no account).
pub fn offer(viewer: &Viewer, email: &str) -> Result<Response, AppError> {
    Ok(render(&offer_page(viewer, email, &FormErrors::default()))?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct LinkRequestForm {
    pub email: String,
}

/// The offer's button: queues a link if there is an account (and its mail limit allows),
/// then the same "check your email" page either way.
pub async fn request(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    Form(form): Form<LinkRequestForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    if let Err(blocked) = from_this_network(&state, "sign_in_link", &client).await? {
        let mut errors = FormErrors::default();
        errors.add(
            "email",
            format!(
                "There have been too many requests from your network. {}",
                blocked.advice(now)
            ),
        );
        return throttled(&offer_page(&viewer, &form.email, &errors), blocked, now);
    }
    // The address comes from a hidden field the sign-in form filled in after checking it;
    // one that does not parse has no account, and gets the same answer.
    if let Ok(email) = Email::parse(&form.email) {
        request_sign_in_link(state.ctx(), &client.to_string(), &email).await?;
    }
    Ok(Redirect::to(paths::sign_in_link_sent()).into_response())
}

pub async fn sent(viewer: Viewer) -> Result<Html<String>, AppError> {
    check_email_page(
        &viewer,
        "If there is an account with the address you gave, we have sent it a link to sign in. \
         The link works once and expires in 30 minutes.",
    )
}

#[derive(Template)]
#[template(path = "sign_in/sign_in_link.html")]
struct LinkPage {
    layout: Layout,
    token: String,
}

const EXPIRED_LINK_ADVICE: &str =
    "Sign-in links work once and expire after 30 minutes. Sign in again to ask for a new one.";

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if links::usable(state.ctx(), Purpose::SignIn, &token)
        .await?
        .is_none()
    {
        return link_problem(&viewer, LINK_EXPIRED, EXPIRED_LINK_ADVICE);
    }
    let page = LinkPage {
        layout: Layout::new(
            "Sign in",
            "Sign in to your Academy account.",
            Section::Account,
            &viewer,
        ),
        token,
    };
    Ok(render(&page)?.into_response())
}

/// The link page's button: signs in (a new session, and this browser becomes known to the
/// account), or the "link no longer works" page, for a disabled account too.
pub async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    client: ClientAddress,
    device: KnownDevice,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let signed_in = match sign_in_with_link(state.ctx(), &client.to_string(), &token).await {
        Ok(signed_in) => signed_in,
        Err(SignInLinkError::LinkExpired | SignInLinkError::Disabled) => {
            return link_problem(&viewer, LINK_EXPIRED, EXPIRED_LINK_ADVICE);
        }
        Err(other) => return Err(other.into()),
    };
    let (lifetime, now) = (SessionLifetime::from(&*state.config), state.clock.now());
    let (user_id, epoch) = (signed_in.user_id, signed_in.session_epoch);
    begin_session(&session, user_id, epoch, false, lifetime, now).await?;
    let mut response = Redirect::to(paths::account()).into_response();
    let production = state.config.is_production();
    device
        .signed_in(user_id)
        .set_on(&mut response, &state.keys, production);
    Ok(response)
}
