//! Changing profile details, password and email address.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::accounts::send_verification;
use crate::auth::throttle::{self, ACCOUNT_MAILS, SIGN_IN_FAILURES, account_key};
use crate::auth::viewer::follow_epoch;
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::db::audit::audit_own;
use crate::db::users::{self, User};
use crate::domain::email::Email;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::PasswordChanged;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{FormErrors, check_password_pair, rejected, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;
use crate::web::sign_in::{PROFESSIONAL_BODIES, ProfileFields};

fn saved(notice: Notice) -> Response {
    Redirect::to(&format!("/account?notice={}", notice.name())).into_response()
}

/// Checks the current password, counting guesses like sign-in attempts.
pub(super) async fn current_password_ok(
    state: &AppState,
    user: &User,
    password: &str,
) -> Result<Result<(), Option<throttle::Blocked>>, AppError> {
    let key = account_key("sign_in", &user.email);
    if let Err(blocked) = throttle::hit(state, &key, SIGN_IN_FAILURES).await? {
        return Ok(Err(Some(blocked)));
    }
    let hash = users::password_hash(&state.db, user.user_id).await?;
    if !state.passwords.verify(password, &hash).await? {
        return Ok(Err(None));
    }
    throttle::clear(state, &key).await?;
    Ok(Ok(()))
}

// ----- profile

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub full_name: String,
    pub organisation: String,
    pub job_role: String,
    pub professional_body: String,
    pub registration_number: String,
}

#[derive(Template)]
#[template(path = "your_account/profile.html")]
struct ProfilePage<'a> {
    layout: Layout,
    form: &'a ProfileForm,
    errors: &'a FormErrors,
    bodies: &'static [(&'static str, &'static str)],
}

fn profile_page<'a>(
    viewer: &Viewer,
    form: &'a ProfileForm,
    errors: &'a FormErrors,
) -> ProfilePage<'a> {
    ProfilePage {
        layout: Layout::new(
            "Change your details",
            "Change your details.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        form,
        errors,
        bodies: &PROFESSIONAL_BODIES,
    }
}

pub async fn show_profile(
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
) -> Result<Html<String>, AppError> {
    let form = ProfileForm {
        full_name: user.full_name,
        organisation: user.organisation,
        job_role: user.job_role,
        professional_body: user.professional_body.unwrap_or_else(|| "none".into()),
        registration_number: user.registration_number.unwrap_or_default(),
    };
    render(&profile_page(&viewer, &form, &FormErrors::default()))
}

pub async fn save_profile(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let fields = ProfileFields::check(
        &mut errors,
        &form.full_name,
        &form.organisation,
        &form.job_role,
        &form.professional_body,
        &form.registration_number,
    );
    if !errors.is_empty() {
        return rejected(&profile_page(&viewer, &form, &errors));
    }
    let profile = fields.as_profile();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    users::update_profile(&mut tx, user.user_id, &user.email, &profile, now).await?;
    audit_own(&mut tx, user.user_id, "profile_changed", None, now).await?;
    tx.commit().await?;
    Ok(saved(Notice::ProfileSaved))
}

// ----- password

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
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
    match current_password_ok(&state, &user, &form.current_password).await? {
        Ok(()) => {}
        Err(Some(blocked)) => {
            errors.add(
                "current_password",
                format!("Too many wrong passwords. {}", blocked.advice(now)),
            );
            return throttled(&password_page(&viewer, &errors), blocked, now);
        }
        Err(None) => errors.add("current_password", "Your current password is wrong"),
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
    let password_hash = state.passwords.hash(&form.password).await?;
    let mut tx = state.db.begin().await?;
    users::set_password(&mut tx, user.user_id, &password_hash, now).await?;
    let site = state.site();
    let mail = PasswordChanged {
        name: user.full_name.clone(),
        reset_url: site.url("/forgot-password"),
    };
    let key = format!(
        "password_changed:{}:{}",
        user.user_id,
        now.timestamp_micros()
    );
    queue(
        &mut tx,
        site,
        &Envelope {
            to: &email,
            user_id: Some(user.user_id),
            idempotency_key: key,
        },
        &mail,
        now,
    )
    .await?;
    audit_own(
        &mut tx,
        user.user_id,
        "password_changed",
        Some(&client.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    // Every other session ends with the old epoch; this one carries on under the new one.
    follow_epoch(
        &session,
        user.session_epoch + 1,
        state.config.remember_me_days,
    )
    .await?;
    Ok(saved(Notice::PasswordChanged))
}

// ----- email address

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    pub email: String,
    pub current_password: String,
}

#[derive(Template)]
#[template(path = "your_account/email.html")]
struct EmailPage<'a> {
    layout: Layout,
    current: &'a str,
    form: &'a EmailForm,
    errors: &'a FormErrors,
}

pub async fn show_email(
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
) -> Result<Html<String>, AppError> {
    render(&EmailPage {
        layout: Layout::new(
            "Change your email address",
            "Change your email address.",
            Section::Account,
            &viewer,
        ),
        current: &user.email,
        form: &EmailForm::default(),
        errors: &FormErrors::default(),
    })
}

pub async fn change_email(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    CurrentUser(user): CurrentUser,
    Form(mut form): Form<EmailForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.add("email", e.to_string()))
        .ok();
    if email.as_ref().is_some_and(|e| e.as_str() == user.email) {
        errors.add("email", "That is already your email address");
    }
    let mut blocked = None;
    match current_password_ok(&state, &user, &form.current_password).await? {
        Ok(()) => {}
        Err(Some(b)) => {
            errors.add(
                "current_password",
                format!("Too many wrong passwords. {}", b.advice(now)),
            );
            blocked = Some(b);
        }
        Err(None) => errors.add("current_password", "Your current password is wrong"),
    }
    form.current_password.clear();
    let page = |errors| EmailPage {
        layout: Layout::new(
            "Change your email address",
            "Change your email address.",
            Section::Account,
            &viewer,
        )
        .with_errors(true),
        current: &user.email,
        form: &form,
        errors,
    };
    if let Some(blocked) = blocked {
        return throttled(&page(&errors), blocked, now);
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return rejected(&page(&errors));
    };
    if throttle::hit(
        &state,
        &account_key("verify_mail", &user.email),
        ACCOUNT_MAILS,
    )
    .await?
    .is_err()
    {
        return Ok(saved(Notice::TooManyEmails));
    }
    // The old address stays in use until the new one is confirmed.
    let mut tx = state.db.begin().await?;
    users::set_pending_email(&mut tx, user.user_id, Some(&email), now).await?;
    send_verification(
        &mut tx,
        &state,
        user.user_id,
        &user.full_name,
        &email,
        true,
        now,
    )
    .await?;
    audit_own(
        &mut tx,
        user.user_id,
        "email_change_requested",
        Some(&client.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved(Notice::EmailChangeSent))
}
