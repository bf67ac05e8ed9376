//! `/register`: a new learner account, answered the same way whether or not the address
//! already has one (its owner is told by email instead).

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::ProfileFields;
use crate::accounts::send_verification;
use crate::auth::throttle::{self, address_key, per_address};
use crate::auth::{ClientAddress, Viewer};
use crate::db::DbError;
use crate::db::audit::{audit, audit_own};
use crate::db::users::{self, LearnerType, NewUser, Role};
use crate::domain::email::Email;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::RegistrationAttempt;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{FormErrors, check_password_pair, rejected, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::render;

/// The professional bodies offered, as (value, label).
pub const PROFESSIONAL_BODIES: [(&str, &str); 6] = [
    ("NMC", "Nursing and Midwifery Council (NMC)"),
    ("GMC", "General Medical Council (GMC)"),
    ("HCPC", "Health and Care Professions Council (HCPC)"),
    ("GPhC", "General Pharmaceutical Council (GPhC)"),
    ("other", "Another professional body"),
    ("none", "None"),
];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub full_name: String,
    pub email: String,
    pub password: String,
    pub confirm_password: String,
    pub organisation: String,
    pub job_role: String,
    pub professional_body: String,
    pub registration_number: String,
    pub consent: String,
}

#[derive(Template)]
#[template(path = "sign_in/register.html")]
struct RegisterPage<'a> {
    layout: Layout,
    form: &'a RegisterForm,
    errors: &'a FormErrors,
    bodies: &'static [(&'static str, &'static str)],
}

fn page<'a>(viewer: &Viewer, form: &'a RegisterForm, errors: &'a FormErrors) -> RegisterPage<'a> {
    RegisterPage {
        layout: Layout::new(
            "Create an account",
            "Create an Academy account to enrol on courses and keep your CPD record.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        form,
        errors,
        bodies: &PROFESSIONAL_BODIES,
    }
}

pub async fn show(viewer: Viewer) -> Result<Response, AppError> {
    if viewer.user.is_some() {
        return Ok(Redirect::to("/account").into_response());
    }
    Ok(render(&page(
        &viewer,
        &RegisterForm::default(),
        &FormErrors::default(),
    ))?
    .into_response())
}

/// What a valid form gives.
struct NewAccount {
    email: Email,
    profile: ProfileFields,
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    Form(mut form): Form<RegisterForm>,
) -> Result<Response, AppError> {
    if let Err(blocked) = throttle::hit(
        &state,
        &address_key("register", &client),
        per_address(&state),
    )
    .await?
    {
        let mut errors = FormErrors::default();
        errors.add(
            "email",
            format!(
                "Too many accounts have been created from your network. {}",
                blocked.advice(state.clock.now())
            ),
        );
        return throttled(&page(&viewer, &form, &errors), blocked, state.clock.now());
    }
    let account = match validate(&form) {
        Ok(account) => account,
        Err(errors) => {
            form.password.clear();
            form.confirm_password.clear();
            return rejected(&page(&viewer, &form, &errors));
        }
    };
    // Hash before looking the address up, so both outcomes take as long.
    let password_hash = state.passwords.hash(&form.password).await?;
    match create_or_notify(&state, &account, &password_hash, &client).await {
        Err(AppError::Internal(error)) if is_unique_violation(&error) => {
            // Someone registered the same address a moment ago: now it is an existing account.
            create_or_notify(&state, &account, &password_hash, &client).await?
        }
        other => other?,
    }
    Ok(Redirect::to("/register/check-email").into_response())
}

fn is_unique_violation(error: &anyhow::Error) -> bool {
    matches!(
        error.downcast_ref::<DbError>(),
        Some(DbError::UniqueViolation(_))
    )
}

fn validate(form: &RegisterForm) -> Result<NewAccount, FormErrors> {
    let mut errors = FormErrors::default();
    let profile = ProfileFields::check(
        &mut errors,
        &form.full_name,
        &form.organisation,
        &form.job_role,
        &form.professional_body,
        &form.registration_number,
    );
    let email = Email::parse(&form.email)
        .map_err(|e| errors.add("email", e.to_string()))
        .ok();
    check_password_pair(
        &mut errors,
        &form.password,
        &form.confirm_password,
        email.as_ref(),
        &[&profile.full_name],
    );
    if form.consent != "yes" {
        errors.add("consent", "Confirm that you have read the privacy notice");
    }
    match email {
        Some(email) if errors.is_empty() => Ok(NewAccount { email, profile }),
        _ => Err(errors.in_field_order(&FIELD_ORDER)),
    }
}

/// The register form's fields, top to bottom, for the error summary.
const FIELD_ORDER: [&str; 9] = [
    "full_name",
    "email",
    "password",
    "confirm_password",
    "organisation",
    "job_role",
    "professional_body",
    "registration_number",
    "consent",
];

/// A new account with its verification mail, or, for an address that has an account, a
/// mail telling its owner (at most one an hour).
async fn create_or_notify(
    state: &AppState,
    account: &NewAccount,
    password_hash: &str,
    client: &ClientAddress,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let client = client.to_string();
    let mut tx = state.db.begin().await?;
    if let Some(existing) = users::find_by_email_in(&mut tx, &account.email).await? {
        let site = state.site();
        let mail = RegistrationAttempt {
            name: existing.full_name.clone(),
            sign_in_url: site.url("/login"),
            reset_url: site.url("/forgot-password"),
        };
        let key = format!(
            "registration_attempt:{}:{}",
            existing.user_id,
            now.format("%Y-%m-%dT%H")
        );
        let envelope = Envelope {
            to: &account.email,
            user_id: Some(existing.user_id),
            idempotency_key: key,
        };
        queue(&mut tx, site, &envelope, &mail, now).await?;
        audit(
            &mut tx,
            None,
            Some(existing.user_id),
            "registration_attempt_existing",
            "",
            Some(&client),
            now,
        )
        .await?;
    } else {
        let profile = account.profile.as_profile();
        let new_user = NewUser {
            email: &account.email,
            password_hash,
            full_name: profile.full_name,
            role: Role::Learner,
            organisation: profile.organisation,
            job_role: profile.job_role,
            professional_body: profile.professional_body,
            registration_number: profile.registration_number,
            learner_type: LearnerType::External,
            learner_type_reason: "Decided when the email address is confirmed",
            email_verified_at: None,
        };
        let user_id = users::insert(&mut tx, &new_user, now).await?;
        send_verification(
            &mut tx,
            state,
            user_id,
            &account.profile.full_name,
            &account.email,
            false,
            now,
        )
        .await?;
        audit_own(&mut tx, user_id, "registered", Some(&client), now).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "sign_in/check_email.html")]
struct CheckEmailPage {
    layout: Layout,
    heading: &'static str,
    reason: &'static str,
}

pub async fn check_email(viewer: Viewer) -> Result<Html<String>, AppError> {
    check_email_page(
        &viewer,
        "We have sent an email to the address you gave. Open the link in it to confirm your address \
         and finish creating your account. The link expires in 24 hours.",
    )
}

pub(super) fn check_email_page(
    viewer: &Viewer,
    reason: &'static str,
) -> Result<Html<String>, AppError> {
    render(&CheckEmailPage {
        layout: Layout::new(
            "Check your email",
            "Check your email.",
            Section::Account,
            viewer,
        ),
        heading: "Check your email",
        reason,
    })
}
