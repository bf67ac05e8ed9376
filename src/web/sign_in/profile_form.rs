//! The profile part of the registration and "change your details" forms, checked into
//! [`ProfileDetails`] with a message beside each field.

pub use crate::accounts::profile::PROFESSIONAL_BODIES;
use crate::accounts::profile::ProfileDetails;
use crate::web::forms::FormErrors;

/// Checks the profile fields, adding each problem to `errors`.
pub fn check_profile(
    errors: &mut FormErrors,
    full_name: &str,
    organisation: &str,
    job_role: &str,
    body: &str,
    number: &str,
) -> ProfileDetails {
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
    ProfileDetails {
        full_name,
        organisation,
        job_role,
        registration_number: Some(number).filter(|n| !n.is_empty() && professional_body.is_some()),
        professional_body,
    }
}
