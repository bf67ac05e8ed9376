//! `/account/profile`: changing your name, organisation, job role and professional body.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use serde::Deserialize;

use super::saved;
use crate::accounts::profile::save_profile as save;
use crate::auth::{CurrentUser, Viewer};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;
use crate::web::sign_in::{PROFESSIONAL_BODIES, check_profile};

/// The profile form: every box is always sent.
#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    pub full_name: String,
    pub organisation: String,
    pub job_role: String,
    /// A radio group: absent when nothing is checked (a stored body no radio matches),
    /// which is the usual field error.
    #[serde(default)]
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
    let details = check_profile(
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
    save(state.ctx(), &user, &details).await?;
    Ok(saved(Notice::ProfileSaved))
}
