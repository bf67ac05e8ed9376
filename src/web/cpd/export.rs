//! `/cpd/export.csv`: the log's entries the list's filters keep, as a spreadsheet that
//! opens correctly in Excel (UTF-8 with a byte-order mark, every cell neutralised against
//! formulas), streamed from the database row by row however many there are.

use axum::extract::{Query, State};
use axum::response::Response;
use futures_util::StreamExt;

use super::list::ListQuery;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::db::cpd::{Entry, Selection};
use crate::domain::cpd::entry::FeedbackSource;
use crate::domain::cpd::hours::Hours;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::spreadsheet::{self, Rows};

/// One column per field of an entry, in the forms' order.
const HEADER: &[&str] = &[
    "Kind",
    "Title",
    "Provider",
    "Type of activity",
    "Started on",
    "Ended on",
    "Hours",
    "Participatory hours",
    "Planned or unplanned",
    "Topic and how it relates to practice",
    "Learning outcomes",
    "What I learned",
    "How my practice changed or will change",
    "How it benefits patients and service users",
    "NMC Code theme",
    "HCPC standards",
    "Good Medical Practice domains",
    "Feedback from",
    "What the feedback was about",
    "How I used the feedback",
    "Discussed with",
    "Their NMC PIN",
    "Tags",
    "Verified by",
    "Certificate check address",
    "Certificate revoked",
];

/// A filter the address got wrong is said plainly rather than ignored: a download that
/// quietly held every entry would look like the filtered one.
pub(super) fn refuse_bad_dates(errors: &FormErrors) -> Result<(), AppError> {
    match errors.list().first() {
        Some((_, message)) => Err(AppError::BadRequest(format!(
            "{message}. Go back to your CPD log and correct the dates."
        ))),
        None => Ok(()),
    }
}

pub async fn csv(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (filter, errors) = query.filter();
    refuse_bad_dates(&errors)?;
    let selection = Selection::of(user.user_id, &filter);
    let db = state.db.clone();
    // Absolute addresses from the site's base (a certificate's public check).
    let base = state.site().url("");
    Ok(spreadsheet::streamed("cpd-log.csv", HEADER, move |rows| {
        write_rows(db, base, selection, rows)
    }))
}

async fn write_rows(db: Db, base: String, selection: Selection, out: Rows) {
    let mut entries = selection.rows(&db);
    while let Some(entry) = entries.next().await {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => return out.fail(error.into()).await,
        };
        if !out.send(cells(&entry, &base)).await {
            return;
        }
    }
}

/// An entry's cells: dates as 2026-03-02 and hours as a plain number, so a spreadsheet
/// sorts and adds them.
fn cells(entry: &Entry, base: &str) -> Vec<String> {
    let label = |l: Option<&'static str>| l.unwrap_or_default().to_owned();
    let hours = |minutes: i64| Hours::from_minutes(minutes).form_value();
    let feedback_from = match entry.feedback_source {
        Some(FeedbackSource::Other) => entry.source_other.clone(),
        source => label(source.map(|s| s.label())),
    };
    let (verified_by, check, revoked) = match &entry.certificate_code {
        Some(code) => (
            entry.provider.clone(),
            format!("{base}{}", paths::certificate(code)),
            if entry.is_revoked() { "Yes" } else { "No" }.to_owned(),
        ),
        None => ("Self-declared".to_owned(), String::new(), String::new()),
    };
    vec![
        entry.kind.label().to_owned(),
        entry.title.clone(),
        entry.provider.clone(),
        label(entry.method.map(|m| m.label())),
        entry.started_on.to_string(),
        entry.ended_on.to_string(),
        hours(entry.minutes),
        hours(entry.participatory_minutes),
        label(entry.planning.map(|p| p.label())),
        entry.topic.clone(),
        entry.learning_outcomes.clone(),
        entry.reflection_learned.clone(),
        entry.reflection_practice.clone(),
        entry.reflection_benefit.clone(),
        label(entry.code_theme.map(|t| t.label())),
        entry
            .hcpc()
            .iter()
            .map(|s| s.label())
            .collect::<Vec<_>>()
            .join("; "),
        entry
            .gmp()
            .iter()
            .map(|d| d.label())
            .collect::<Vec<_>>()
            .join("; "),
        feedback_from,
        entry.about.clone(),
        entry.how_used.clone(),
        entry.partner_name.clone(),
        entry.partner_pin.clone(),
        entry.tag_list().join(", "),
        verified_by,
        check,
        revoked,
    ]
}
