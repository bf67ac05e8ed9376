//! The NMC's records: `/cpd/feedback/new` (a piece of practice-related feedback) and
//! `/cpd/discussion/new` (a reflective discussion), and their edit pages.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use serde::Deserialize;

use super::{client_text, entry_id, form_errors, learner, saved};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::cpd::{self, CpdError, tags};
use crate::db::cpd::Entry;
use crate::domain::cpd::entry::FeedbackSource;
use crate::domain::cpd::fields::date_parts;
use crate::domain::cpd::nmc_records::{DISCUSSION_FIELDS, FEEDBACK_FIELDS};
use crate::domain::cpd::validation::{DateParts, DiscussionDraft, FeedbackDraft};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::render;

#[derive(Debug, Default, Deserialize)]
pub struct FeedbackForm {
    pub received_on_day: String,
    pub received_on_month: String,
    pub received_on_year: String,
    /// A radio group: absent when none is chosen (the usual field error).
    #[serde(default)]
    pub source: String,
    pub source_other: String,
    pub about: String,
    pub how_used: String,
    pub tags: String,
}

impl FeedbackForm {
    fn draft(&self) -> FeedbackDraft<'_> {
        FeedbackDraft {
            received_on: DateParts::new(
                &self.received_on_day,
                &self.received_on_month,
                &self.received_on_year,
            ),
            source: &self.source,
            source_other: &self.source_other,
            about: &self.about,
            how_used: &self.how_used,
        }
    }

    fn of(entry: &Entry) -> FeedbackForm {
        let (day, month, year) = date_parts(entry.started_on);
        FeedbackForm {
            received_on_day: day,
            received_on_month: month,
            received_on_year: year,
            source: entry
                .feedback_source
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            source_other: entry.source_other.clone(),
            about: entry.about.clone(),
            how_used: entry.how_used.clone(),
            tags: tags::typed(&entry.tags),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DiscussionForm {
    pub held_on_day: String,
    pub held_on_month: String,
    pub held_on_year: String,
    pub partner_name: String,
    pub partner_pin: String,
    pub about: String,
    pub tags: String,
}

impl DiscussionForm {
    fn draft(&self) -> DiscussionDraft<'_> {
        DiscussionDraft {
            held_on: DateParts::new(&self.held_on_day, &self.held_on_month, &self.held_on_year),
            partner_name: &self.partner_name,
            partner_pin: &self.partner_pin,
            about: &self.about,
        }
    }

    fn of(entry: &Entry) -> DiscussionForm {
        let (day, month, year) = date_parts(entry.started_on);
        DiscussionForm {
            held_on_day: day,
            held_on_month: month,
            held_on_year: year,
            partner_name: entry.partner_name.clone(),
            partner_pin: entry.partner_pin.clone(),
            about: entry.about.clone(),
            tags: tags::typed(&entry.tags),
        }
    }
}

/// The feedback or discussion form's fields in page order, tags last.
fn order(fields: &[&'static str]) -> Vec<&'static str> {
    fields.iter().copied().chain(["tags"]).collect()
}

#[derive(Template)]
#[template(path = "cpd/feedback_form.html")]
struct FeedbackPage<'a> {
    layout: Layout,
    heading: &'static str,
    action: String,
    back: String,
    form: &'a FeedbackForm,
    errors: &'a FormErrors,
    sources: &'static [FeedbackSource],
}

fn feedback_page<'a>(
    viewer: &Viewer,
    editing: Option<i64>,
    form: &'a FeedbackForm,
    errors: &'a FormErrors,
) -> FeedbackPage<'a> {
    let heading = match editing {
        Some(_) => "Change a feedback record",
        None => "Add practice-related feedback",
    };
    FeedbackPage {
        layout: Layout::new(
            heading,
            "A piece of practice-related feedback in your CPD log.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        heading,
        action: editing.map_or(
            paths::cpd_new_feedback().to_owned(),
            paths::cpd_entry_feedback,
        ),
        back: editing.map_or(paths::cpd().to_owned(), paths::cpd_entry),
        form,
        errors,
        sources: FeedbackSource::ALL,
    }
}

#[derive(Template)]
#[template(path = "cpd/discussion_form.html")]
struct DiscussionPage<'a> {
    layout: Layout,
    heading: &'static str,
    action: String,
    back: String,
    form: &'a DiscussionForm,
    errors: &'a FormErrors,
}

fn discussion_page<'a>(
    viewer: &Viewer,
    editing: Option<i64>,
    form: &'a DiscussionForm,
    errors: &'a FormErrors,
) -> DiscussionPage<'a> {
    let heading = match editing {
        Some(_) => "Change a reflective discussion",
        None => "Add a reflective discussion",
    };
    DiscussionPage {
        layout: Layout::new(
            heading,
            "A reflective discussion in your CPD log.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        heading,
        action: editing.map_or(
            paths::cpd_new_discussion().to_owned(),
            paths::cpd_entry_discussion,
        ),
        back: editing.map_or(paths::cpd().to_owned(), paths::cpd_entry),
        form,
        errors,
    }
}

/// The edit page of a feedback record (called by `entry::edit`).
pub(super) fn edit_feedback_page(viewer: &Viewer, entry: &Entry) -> Result<Html<String>, AppError> {
    let form = FeedbackForm::of(entry);
    render(&feedback_page(
        viewer,
        Some(entry.entry_id),
        &form,
        &FormErrors::default(),
    ))
}

/// The edit page of a reflective discussion (called by `entry::edit`).
pub(super) fn edit_discussion_page(
    viewer: &Viewer,
    entry: &Entry,
) -> Result<Html<String>, AppError> {
    let form = DiscussionForm::of(entry);
    render(&discussion_page(
        viewer,
        Some(entry.entry_id),
        &form,
        &FormErrors::default(),
    ))
}

pub async fn new_feedback(
    viewer: Viewer,
    CurrentUser(_): CurrentUser,
) -> Result<Html<String>, AppError> {
    let form = FeedbackForm::default();
    render(&feedback_page(&viewer, None, &form, &FormErrors::default()))
}

pub async fn new_discussion(
    viewer: Viewer,
    CurrentUser(_): CurrentUser,
) -> Result<Html<String>, AppError> {
    let form = DiscussionForm::default();
    render(&discussion_page(
        &viewer,
        None,
        &form,
        &FormErrors::default(),
    ))
}

pub async fn create_feedback(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    Form(form): Form<FeedbackForm>,
) -> Result<Response, AppError> {
    let client = client_text(&client);
    let by = learner(&user, &client);
    match cpd::add_feedback(state.ctx(), by, &form.draft(), &form.tags).await {
        Ok(id) => Ok(saved(id)),
        Err(CpdError::Invalid(problems)) => {
            let errors = form_errors(problems, &order(&FEEDBACK_FIELDS));
            rejected(&feedback_page(&viewer, None, &form, &errors))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn save_feedback(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<FeedbackForm>,
) -> Result<Response, AppError> {
    let id = entry_id(id)?;
    let client = client_text(&client);
    let by = learner(&user, &client);
    match cpd::edit_feedback(state.ctx(), by, id, &form.draft(), &form.tags).await {
        Ok(()) => Ok(saved(id)),
        Err(CpdError::Invalid(problems)) => {
            let errors = form_errors(problems, &order(&FEEDBACK_FIELDS));
            rejected(&feedback_page(&viewer, Some(id), &form, &errors))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn create_discussion(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    Form(form): Form<DiscussionForm>,
) -> Result<Response, AppError> {
    let client = client_text(&client);
    let by = learner(&user, &client);
    match cpd::add_discussion(state.ctx(), by, &form.draft(), &form.tags).await {
        Ok(id) => Ok(saved(id)),
        Err(CpdError::Invalid(problems)) => {
            let errors = form_errors(problems, &order(&DISCUSSION_FIELDS));
            rejected(&discussion_page(&viewer, None, &form, &errors))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn save_discussion(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<DiscussionForm>,
) -> Result<Response, AppError> {
    let id = entry_id(id)?;
    let client = client_text(&client);
    let by = learner(&user, &client);
    match cpd::edit_discussion(state.ctx(), by, id, &form.draft(), &form.tags).await {
        Ok(()) => Ok(saved(id)),
        Err(CpdError::Invalid(problems)) => {
            let errors = form_errors(problems, &order(&DISCUSSION_FIELDS));
            rejected(&discussion_page(&viewer, Some(id), &form, &errors))
        }
        Err(other) => Err(other.into()),
    }
}
