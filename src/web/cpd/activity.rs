//! `/cpd/new` and the edit page of a self-declared activity: the activity form, checked by
//! `domain::cpd::validation` through `cpd::add_activity` and `cpd::edit_activity`.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use serde::Deserialize;

use super::reflection::{Choices, ReflectionFields};
use super::{client_text, entry_id, form_errors, learner, saved};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::cpd::{self, CpdError, tags};
use crate::db::cpd::Entry;
use crate::domain::cpd::entry::Method;
use crate::domain::cpd::fields::date_parts;
use crate::domain::cpd::hours::Hours;
use crate::domain::cpd::validation::{ACTIVITY_FIELDS, ActivityDraft, DateParts};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::render;

/// The activity form: every box always sent; radios and checkboxes may be left out.
#[derive(Debug, Default, Deserialize)]
pub struct ActivityForm {
    pub title: String,
    pub provider: String,
    #[serde(default)]
    pub method: String,
    pub started_on_day: String,
    pub started_on_month: String,
    pub started_on_year: String,
    pub ended_on_day: String,
    pub ended_on_month: String,
    pub ended_on_year: String,
    pub hours: String,
    pub participatory_hours: String,
    /// Radios with "Not said" checked at first: always sent.
    pub planning: String,
    pub topic: String,
    pub learning_outcomes: String,
    pub reflection_learned: String,
    pub reflection_practice: String,
    pub reflection_benefit: String,
    /// Radios with "None" checked at first: always sent.
    pub code_theme: String,
    #[serde(default)]
    pub hcpc_standards: Vec<String>,
    #[serde(default)]
    pub gmp_domains: Vec<String>,
    pub tags: String,
}

impl ActivityForm {
    fn draft(&self) -> ActivityDraft<'_> {
        ActivityDraft {
            title: &self.title,
            provider: &self.provider,
            method: &self.method,
            started_on: DateParts::new(
                &self.started_on_day,
                &self.started_on_month,
                &self.started_on_year,
            ),
            ended_on: DateParts::new(
                &self.ended_on_day,
                &self.ended_on_month,
                &self.ended_on_year,
            ),
            hours: &self.hours,
            participatory_hours: &self.participatory_hours,
            planning: &self.planning,
            topic: &self.topic,
            learning_outcomes: &self.learning_outcomes,
            reflection: self.reflection().draft(),
        }
    }

    /// The reflection's boxes, which the verified entry's form shares.
    pub fn reflection(&self) -> ReflectionFields<'_> {
        ReflectionFields {
            learned: &self.reflection_learned,
            practice: &self.reflection_practice,
            benefit: &self.reflection_benefit,
            code_theme: &self.code_theme,
            hcpc_standards: &self.hcpc_standards,
            gmp_domains: &self.gmp_domains,
            tags: &self.tags,
        }
    }

    /// A stored activity as its form shows it again.
    fn of(entry: &Entry) -> ActivityForm {
        let (sd, sm, sy) = date_parts(entry.started_on);
        let (ed, em, ey) = date_parts(entry.ended_on);
        ActivityForm {
            title: entry.title.clone(),
            provider: entry.provider.clone(),
            method: entry
                .method
                .map(|m| m.as_str().to_owned())
                .unwrap_or_default(),
            started_on_day: sd,
            started_on_month: sm,
            started_on_year: sy,
            ended_on_day: ed,
            ended_on_month: em,
            ended_on_year: ey,
            hours: Hours::from_minutes(entry.minutes).form_value(),
            participatory_hours: Hours::from_minutes(entry.participatory_minutes).form_value(),
            planning: entry
                .planning
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            topic: entry.topic.clone(),
            learning_outcomes: entry.learning_outcomes.clone(),
            reflection_learned: entry.reflection_learned.clone(),
            reflection_practice: entry.reflection_practice.clone(),
            reflection_benefit: entry.reflection_benefit.clone(),
            code_theme: entry
                .code_theme
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            hcpc_standards: entry.hcpc().iter().map(|s| s.as_str().to_owned()).collect(),
            gmp_domains: entry.gmp().iter().map(|d| d.as_str().to_owned()).collect(),
            tags: tags::typed(&entry.tags),
        }
    }
}

#[derive(Template)]
#[template(path = "cpd/activity_form.html")]
struct ActivityPage<'a> {
    layout: Layout,
    heading: &'static str,
    action: String,
    back: String,
    form: &'a ActivityForm,
    errors: &'a FormErrors,
    methods: &'static [Method],
    choices: Choices,
}

fn activity_page<'a>(
    viewer: &Viewer,
    editing: Option<i64>,
    form: &'a ActivityForm,
    errors: &'a FormErrors,
) -> ActivityPage<'a> {
    let heading = match editing {
        Some(_) => "Change a CPD activity",
        None => "Add a CPD activity",
    };
    ActivityPage {
        layout: Layout::new(
            heading,
            "A CPD activity in your learning log.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        heading,
        action: editing.map_or(paths::cpd_new_activity().to_owned(), paths::cpd_entry_edit),
        back: editing.map_or(paths::cpd().to_owned(), paths::cpd_entry),
        form,
        errors,
        methods: Method::ALL,
        choices: Choices::default(),
    }
}

/// The edit page of a self-declared activity (called by `entry::edit`).
pub(super) fn edit_page(viewer: &Viewer, entry: &Entry) -> Result<Html<String>, AppError> {
    let form = ActivityForm::of(entry);
    render(&activity_page(
        viewer,
        Some(entry.entry_id),
        &form,
        &FormErrors::default(),
    ))
}

pub async fn new(viewer: Viewer, CurrentUser(_): CurrentUser) -> Result<Html<String>, AppError> {
    let form = ActivityForm {
        participatory_hours: "0".to_owned(),
        ..ActivityForm::default()
    };
    render(&activity_page(&viewer, None, &form, &FormErrors::default()))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    Form(form): Form<ActivityForm>,
) -> Result<Response, AppError> {
    let client = client_text(&client);
    match cpd::add_activity(
        state.ctx(),
        learner(&user, &client),
        &form.draft(),
        &form.tags,
    )
    .await
    {
        Ok(id) => Ok(saved(id)),
        Err(CpdError::Invalid(problems)) => {
            let errors = form_errors(problems, &ACTIVITY_FIELDS_AND_TAGS);
            rejected(&activity_page(&viewer, None, &form, &errors))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<ActivityForm>,
) -> Result<Response, AppError> {
    let id = entry_id(id)?;
    let client = client_text(&client);
    let by = learner(&user, &client);
    match cpd::edit_activity(state.ctx(), by, id, &form.draft(), &form.tags).await {
        Ok(()) => Ok(saved(id)),
        Err(CpdError::Invalid(problems)) => {
            let errors = form_errors(problems, &ACTIVITY_FIELDS_AND_TAGS);
            rejected(&activity_page(&viewer, Some(id), &form, &errors))
        }
        Err(other) => Err(other.into()),
    }
}

/// The activity form's fields in page order, tags last.
pub(super) const ACTIVITY_FIELDS_AND_TAGS: [&str; 18] = {
    let mut fields = [""; 18];
    let mut i = 0;
    while i < ACTIVITY_FIELDS.len() {
        fields[i] = ACTIVITY_FIELDS[i];
        i += 1;
    }
    fields[17] = "tags";
    fields
};
