//! Signing up and in: register, verify an address, sign in and out, reset a password.

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

mod login;
mod register;
mod reset;
mod verify;

pub use register::PROFESSIONAL_BODIES;

use crate::db::users::Profile;
use crate::web::forms::FormErrors;

/// The profile part of the registration and "change your details" forms, checked.
pub struct ProfileFields {
    pub full_name: String,
    pub organisation: String,
    pub job_role: String,
    pub professional_body: Option<&'static str>,
    pub registration_number: Option<String>,
}

impl ProfileFields {
    pub fn check(
        errors: &mut FormErrors,
        full_name: &str,
        organisation: &str,
        job_role: &str,
        body: &str,
        number: &str,
    ) -> ProfileFields {
        let full_name = errors.text("full_name", full_name, Some("Enter your full name"), 200);
        let organisation = errors.text(
            "organisation",
            organisation,
            Some("Enter your organisation, or Student or None"),
            200,
        );
        let job_role = errors.text("job_role", job_role, Some("Enter your job role"), 200);
        let body = PROFESSIONAL_BODIES
            .iter()
            .map(|(value, _)| *value)
            .find(|value| *value == body);
        if body.is_none() {
            errors.add(
                "professional_body",
                "Select your professional body, or None",
            );
        }
        let number = errors.text("registration_number", number, None, 50);
        let professional_body = body.filter(|b| *b != "none");
        ProfileFields {
            full_name,
            organisation,
            job_role,
            registration_number: Some(number)
                .filter(|n| !n.is_empty() && professional_body.is_some()),
            professional_body,
        }
    }

    pub fn as_profile(&self) -> Profile<'_> {
        Profile {
            full_name: &self.full_name,
            organisation: &self.organisation,
            job_role: &self.job_role,
            professional_body: self.professional_body,
            registration_number: self.registration_number.as_deref(),
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", get(register::show).post(register::submit))
        .route("/register/check-email", get(register::check_email))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/verify-email/resend", post(verify::resend))
        .route(
            "/verify-email/{token}",
            get(verify::show).post(verify::confirm),
        )
        .route(
            "/forgot-password",
            get(reset::show_request).post(reset::request),
        )
        .route("/forgot-password/check-email", get(reset::check_email))
        .route(
            "/reset-password/{token}",
            get(reset::show_reset).post(reset::reset),
        )
}
