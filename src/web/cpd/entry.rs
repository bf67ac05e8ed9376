//! One entry of the learner's log: its page (`/cpd/{id}`), the edit page fitting its kind
//! (an activity's facts, a record's fields, or only the reflection and tags of a verified
//! entry), deleting a self-declared one (asked first) and its history.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{activity, client_text, date_span, entry_id, learner, own_entry, records, reflection};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::cpd;
use crate::db::cpd::Entry;
use crate::db::cpd::evidence::{self, Evidence};
use crate::db::cpd::history::{self, HistoryAction};
use crate::domain::cpd::entry::EntryKind;
use crate::domain::cpd::hours::hours_text;
use crate::domain::london;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::Form;
use crate::web::layout::{Layout, Section};
use crate::web::notice::NoticeQuery;
use crate::web::render;

/// An entry in words, for its page and the list.
pub struct EntryView {
    pub entry: Entry,
    pub dates: String,
    pub hours: String,
    pub participatory: String,
    /// "Verified by <provider>" or "Self-declared".
    pub source: String,
    /// The certificate's page (verified entries).
    pub certificate_link: Option<String>,
    pub revoked: bool,
    pub tags: Vec<String>,
}

impl EntryView {
    pub fn of(entry: Entry) -> EntryView {
        let source = match entry.is_verified() {
            true => format!("Verified by {}", entry.provider),
            false => "Self-declared".to_owned(),
        };
        EntryView {
            dates: date_span(&entry),
            hours: hours_text(entry.minutes),
            participatory: hours_text(entry.participatory_minutes),
            source,
            certificate_link: entry
                .certificate_code
                .as_deref()
                .map(paths::certificate_view),
            revoked: entry.is_revoked(),
            tags: entry.tag_list().into_iter().map(str::to_owned).collect(),
            entry,
        }
    }

    pub fn is_activity(&self) -> bool {
        self.entry.kind == EntryKind::Activity
    }

    pub fn is_feedback(&self) -> bool {
        self.entry.kind == EntryKind::Feedback
    }

    pub fn kind(&self) -> &'static str {
        self.entry.kind.label()
    }

    pub fn method(&self) -> &'static str {
        self.entry.method.map_or("", |m| m.label())
    }

    pub fn planning(&self) -> &'static str {
        self.entry.planning.map_or("Not said", |p| p.label())
    }

    pub fn feedback_from(&self) -> String {
        match self.entry.feedback_source {
            Some(crate::domain::cpd::entry::FeedbackSource::Other) => {
                self.entry.source_other.clone()
            }
            Some(source) => source.label().to_owned(),
            None => String::new(),
        }
    }

    pub fn theme(&self) -> &'static str {
        self.entry.code_theme.map_or("", |t| t.label())
    }

    pub fn standards(&self) -> Vec<&'static str> {
        self.entry.hcpc().iter().map(|s| s.label()).collect()
    }

    pub fn domains(&self) -> Vec<&'static str> {
        self.entry.gmp().iter().map(|d| d.label()).collect()
    }

    pub fn has_reflection(&self) -> bool {
        !(self.entry.reflection_learned.is_empty()
            && self.entry.reflection_practice.is_empty()
            && self.entry.reflection_benefit.is_empty())
    }
}

#[derive(Template)]
#[template(path = "cpd/entry.html")]
struct EntryPage {
    layout: Layout,
    view: EntryView,
    files: Vec<Evidence>,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    id: Result<Path<i64>, PathRejection>,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let entry = own_entry(&state, &user, entry_id(id)?).await?;
    let files = evidence::for_entry(&state.db, entry.entry_id).await?;
    render(&EntryPage {
        layout: Layout::new(
            entry.title.clone(),
            "An entry in your CPD log.",
            Section::Account,
            &viewer,
        )
        .with_banner(query.banner()),
        view: EntryView::of(entry),
        files,
    })
}

/// The edit page its kind has.
pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, AppError> {
    let entry = own_entry(&state, &user, entry_id(id)?).await?;
    match entry.kind {
        _ if entry.is_verified() => reflection::edit_page(&viewer, &entry),
        EntryKind::Activity => activity::edit_page(&viewer, &entry),
        EntryKind::Feedback => records::edit_feedback_page(&viewer, &entry),
        EntryKind::ReflectiveDiscussion => records::edit_discussion_page(&viewer, &entry),
    }
}

#[derive(Template)]
#[template(path = "cpd/delete.html")]
struct DeletePage {
    layout: Layout,
    view: EntryView,
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, AppError> {
    let entry = own_entry(&state, &user, entry_id(id)?).await?;
    render(&DeletePage {
        layout: Layout::new(
            "Delete this entry",
            "Delete an entry from your CPD log.",
            Section::Account,
            &viewer,
        ),
        view: EntryView::of(entry),
    })
}

/// The delete form sends nothing but its token.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    id: Result<Path<i64>, PathRejection>,
    Form(_): Form<DeleteForm>,
) -> Result<Response, AppError> {
    let id = entry_id(id)?;
    let client = client_text(&client);
    cpd::delete_entry(state.ctx(), learner(&user, &client), id).await?;
    let done = paths::with_notice(paths::cpd(), crate::web::notice::Notice::Saved.name());
    Ok(Redirect::to(&done).into_response())
}

/// One change, as its history shows it.
pub struct Change {
    pub label: &'static str,
    pub when: String,
    /// The entry after it: (what, value) for each field written in.
    pub details: Vec<(&'static str, String)>,
}

/// The snapshot's fields people read, with their names.
const SNAPSHOT_FIELDS: [(&str, &str); 22] = [
    ("title", "Title"),
    ("provider", "Provider"),
    ("method", "Type of activity"),
    ("started_on", "Start date"),
    ("ended_on", "End date"),
    ("minutes", "Hours"),
    ("participatory_minutes", "Participatory hours"),
    ("planning", "Planned or unplanned"),
    ("topic", "Topic and how it relates to practice"),
    ("learning_outcomes", "Learning outcomes"),
    ("reflection_learned", "What I learned"),
    (
        "reflection_practice",
        "How my practice changed or will change",
    ),
    (
        "reflection_benefit",
        "How it benefits patients and service users",
    ),
    ("code_theme", "NMC Code theme"),
    ("hcpc_standards", "HCPC standards"),
    ("gmp_domains", "Good Medical Practice domains"),
    ("feedback_source", "Feedback from"),
    ("source_other", "Who it came from"),
    ("about", "About"),
    ("how_used", "How I used it"),
    ("partner_pin", "Their NMC PIN"),
    ("tags", "Tags"),
];

/// One snapshot value in words: enums by their labels, minutes as hours, dates in full.
fn in_words(key: &str, value: &serde_json::Value) -> Option<String> {
    use crate::domain::cpd::entry::{CodeTheme, FeedbackSource, Flags, GmpDomain, HcpcStandard};
    use crate::domain::cpd::entry::{Method, Planning};
    let labels = |names: Vec<&'static str>| names.join("; ");
    match value {
        serde_json::Value::Number(n) => n.as_i64().map(hours_text),
        serde_json::Value::String(s) => Some(match key {
            "method" => Method::parse(s)?.label().to_owned(),
            "planning" => Planning::parse(s)?.label().to_owned(),
            "code_theme" => CodeTheme::parse(s)?.label().to_owned(),
            "feedback_source" => FeedbackSource::parse(s)?.label().to_owned(),
            "hcpc_standards" => labels(
                Flags::<HcpcStandard>::from_stored(s)?
                    .iter()
                    .map(|v| v.label())
                    .collect(),
            ),
            "gmp_domains" => labels(
                Flags::<GmpDomain>::from_stored(s)?
                    .iter()
                    .map(|v| v.label())
                    .collect(),
            ),
            "started_on" | "ended_on" => s
                .parse::<chrono::NaiveDate>()
                .map(london::date)
                .unwrap_or_else(|_| s.clone()),
            "tags" => crate::cpd::tags::typed(s),
            _ => s.clone(),
        }),
        _ => None,
    }
}

fn details(snapshot: &str) -> Vec<(&'static str, String)> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(snapshot) else {
        return Vec::new();
    };
    SNAPSHOT_FIELDS
        .iter()
        .filter_map(|(key, label)| {
            let text = in_words(key, fields.get(*key)?)?;
            (!text.is_empty()).then_some((*label, text))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "cpd/history.html")]
struct HistoryPage {
    layout: Layout,
    view: EntryView,
    changes: Vec<Change>,
}

pub async fn history(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, AppError> {
    let entry = own_entry(&state, &user, entry_id(id)?).await?;
    let changes = history::for_entry(&state.db, user.user_id, entry.entry_id)
        .await?
        .into_iter()
        .rev()
        .map(|row| Change {
            label: HistoryAction::label(row.action),
            when: london::date_time(row.at),
            details: details(&row.snapshot),
        })
        .collect();
    render(&HistoryPage {
        layout: Layout::new(
            format!("History: {}", entry.title),
            "Every change to an entry in your CPD log.",
            Section::Account,
            &viewer,
        ),
        view: EntryView::of(entry),
        changes,
    })
}
