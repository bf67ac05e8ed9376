//! `/register`: a new learner account, answered the same way whether or not the address
//! already has one (its owner is told by email instead).

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::link_pages::check_email_page;
use super::{PROFESSIONAL_BODIES, check_profile, from_this_network};
use crate::accounts::register::{NewAccount, register};
use crate::auth::{ClientAddress, Viewer};
use crate::domain::email::Email;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, check_password_pair, rejected, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::render;

/// The registration form. No professional body is chosen at first, so the radios may be
/// absent (a field error then); the consent checkbox is sent only when ticked.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    pub full_name: String,
    pub email: String,
    pub password: String,
    pub confirm_password: String,
    pub organisation: String,
    pub job_role: String,
    #[serde(default)]
    pub professional_body: String,
    pub registration_number: String,
    #[serde(default)]
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
        return Ok(Redirect::to(paths::account()).into_response());
    }
    Ok(render(&page(
        &viewer,
        &RegisterForm::default(),
        &FormErrors::default(),
    ))?
    .into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    Form(mut form): Form<RegisterForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    if let Err(blocked) = from_this_network(&state, "register", &client).await? {
        let mut errors = FormErrors::default();
        errors.add(
            "email",
            format!(
                "Too many accounts have been created from your network. {}",
                blocked.advice(now)
            ),
        );
        return throttled(&page(&viewer, &form, &errors), blocked, now);
    }
    let account = match validate(&form) {
        Ok(account) => account,
        Err(errors) => {
            form.password.clear();
            form.confirm_password.clear();
            return rejected(&page(&viewer, &form, &errors));
        }
    };
    let client = client.to_string();
    register(
        state.ctx(),
        &state.passwords,
        &client,
        &account,
        &form.password,
    )
    .await?;
    Ok(Redirect::to(paths::register_check_email()).into_response())
}

fn validate(form: &RegisterForm) -> Result<NewAccount, FormErrors> {
    let mut errors = FormErrors::default();
    let profile = check_profile(
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

pub async fn check_email(viewer: Viewer) -> Result<Html<String>, AppError> {
    check_email_page(
        &viewer,
        "We have sent an email to the address you gave. Open the link in it to confirm your address \
         and finish creating your account. The link expires in 24 hours.",
    )
}
