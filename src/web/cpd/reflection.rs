//! The reflection a learner writes (the three parts, the NMC Code theme, the HCPC
//! standards, the GMP domains) and their tags: boxes the activity form shares, and the
//! whole edit page of a verified entry, whose facts are its certificate's
//! (`cpd::reflect_on_verified`).

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use serde::Deserialize;

use super::{client_text, date_span, entry_id, form_errors, learner, own_entry, saved};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::cpd::{self, CpdError, tags};
use crate::db::cpd::Entry;
use crate::domain::cpd::entry::{CodeTheme, GmpDomain, HcpcStandard};
use crate::domain::cpd::hours::hours_text;
use crate::domain::cpd::validation::ReflectionDraft;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::render;

/// The reflection's boxes as a form holds them.
pub struct ReflectionFields<'a> {
    pub learned: &'a str,
    pub practice: &'a str,
    pub benefit: &'a str,
    pub code_theme: &'a str,
    pub hcpc_standards: &'a [String],
    pub gmp_domains: &'a [String],
    pub tags: &'a str,
}

impl<'a> ReflectionFields<'a> {
    pub fn draft(&self) -> ReflectionDraft<'a> {
        ReflectionDraft {
            learned: self.learned,
            practice: self.practice,
            benefit: self.benefit,
            code_theme: self.code_theme,
            hcpc_standards: self.hcpc_standards,
            gmp_domains: self.gmp_domains,
        }
    }

    pub fn has_standard(&self, value: &str) -> bool {
        self.hcpc_standards.iter().any(|v| v == value)
    }

    pub fn has_domain(&self, value: &str) -> bool {
        self.gmp_domains.iter().any(|v| v == value)
    }
}

/// The choices the reflection's radios and checkboxes offer.
pub struct Choices {
    pub themes: &'static [CodeTheme],
    pub standards: &'static [HcpcStandard],
    pub domains: &'static [GmpDomain],
}

impl Default for Choices {
    fn default() -> Self {
        Choices {
            themes: CodeTheme::ALL,
            standards: HcpcStandard::ALL,
            domains: GmpDomain::ALL,
        }
    }
}

/// A verified entry's form: its reflection and tags only. Anything else a body carries
/// (a forged title or hours) is not read.
#[derive(Debug, Default, Deserialize)]
pub struct ReflectionForm {
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

impl ReflectionForm {
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

    fn of(entry: &Entry) -> ReflectionForm {
        ReflectionForm {
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

const FIELDS: [&str; 7] = [
    "reflection_learned",
    "reflection_practice",
    "reflection_benefit",
    "code_theme",
    "hcpc_standards",
    "gmp_domains",
    "tags",
];

#[derive(Template)]
#[template(path = "cpd/reflection_form.html")]
struct ReflectionPage<'a> {
    layout: Layout,
    entry: &'a Entry,
    dates: String,
    hours: String,
    form: &'a ReflectionForm,
    errors: &'a FormErrors,
    choices: Choices,
}

fn reflection_page<'a>(
    viewer: &Viewer,
    entry: &'a Entry,
    form: &'a ReflectionForm,
    errors: &'a FormErrors,
) -> ReflectionPage<'a> {
    ReflectionPage {
        layout: Layout::new(
            "Add your reflection",
            "Your reflection and tags on a verified CPD entry.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        entry,
        dates: date_span(entry),
        hours: hours_text(entry.minutes),
        form,
        errors,
        choices: Choices::default(),
    }
}

/// The edit page of a verified entry (called by `entry::edit`).
pub(super) fn edit_page(viewer: &Viewer, entry: &Entry) -> Result<Html<String>, AppError> {
    let form = ReflectionForm::of(entry);
    render(&reflection_page(
        viewer,
        entry,
        &form,
        &FormErrors::default(),
    ))
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<ReflectionForm>,
) -> Result<Response, AppError> {
    let id = entry_id(id)?;
    let client = client_text(&client);
    let by = learner(&user, &client);
    let draft = form.reflection().draft();
    match cpd::reflect_on_verified(state.ctx(), by, id, &draft, &form.tags).await {
        Ok(()) => Ok(saved(id)),
        Err(CpdError::Invalid(problems)) => {
            let entry = own_entry(&state, &user, id).await?;
            let errors = form_errors(problems, &FIELDS);
            rejected(&reflection_page(&viewer, &entry, &form, &errors))
        }
        Err(other) => Err(other.into()),
    }
}
