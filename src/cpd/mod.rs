//! The CPD record's write paths: a learner's own entries (activities, NMC feedback and
//! reflective-discussion records) added, edited and deleted, the reflection and tags on a
//! verified entry, and the verified entries made from certificates ([`verified`]); the
//! share links an appraiser reads ([`share`], with their views counted in memory by
//! [`view_counts`]).
//!
//! Each action owns its transaction, writes the entry's history row (a JSON snapshot of
//! the entry after the change) and an audit event that names the entry but never its
//! text, and returns [`CpdError`].

pub mod entries;
pub mod evidence;
pub mod mails;
pub mod record;
pub mod records;
pub mod reminders;
pub mod share;
pub mod tags;
pub mod verified;
pub mod view_counts;

pub use entries::{add_activity, delete_entry, edit_activity, reflect_on_verified};
pub use evidence::{add_evidence, remove_evidence};
pub use records::{add_discussion, add_feedback, edit_discussion, edit_feedback};

use crate::context::Ctx;
use crate::db::audit::{self, AuditEvent};
use crate::db::cpd::history::{self, HistoryAction};
use crate::db::cpd::{self as store, Entry};
use crate::db::{DbError, Tx};
use crate::domain::audit::SubjectKind;
use crate::domain::cpd::fields::FieldProblem;

/// The learner changing their own record, and the client address it came from.
#[derive(Clone, Copy, Debug)]
pub struct Learner<'a> {
    pub user_id: i64,
    pub client: &'a str,
}

/// Why an entry was not saved or deleted.
#[derive(Debug, thiserror::Error)]
pub enum CpdError {
    /// No such entry, or another learner's (never "forbidden": that would confirm it).
    #[error("no such CPD entry")]
    NotFound,
    /// The form's problems, each beside its field.
    #[error("the entry has problems")]
    Invalid(Vec<FieldProblem>),
    /// A verified entry's facts are its certificate's: they cannot be changed or deleted.
    #[error("a verified entry's facts cannot be changed or deleted")]
    Verified,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The history row and audit event of a change to `entry_id`, with the entry as it now
/// is (or, for a deletion, as it was) in the snapshot.
async fn record(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    by: Option<Learner<'_>>,
    entry: &Entry,
    action: HistoryAction,
) -> Result<(), DbError> {
    let now = ctx.now();
    let snapshot = snapshot(entry);
    history::record(tx, entry.entry_id, entry.user_id, action, &snapshot, now).await?;
    // The detail names the entry and what happened: never its title or reflection.
    let detail = format!("cpd entry {}", entry.entry_id);
    let action = format!("cpd_entry_{}", action.as_str());
    let event = AuditEvent::new(&action)
        .by(by.map(|l| l.user_id), by.map(|l| l.client))
        .about(Some(entry.user_id))
        .on(SubjectKind::CpdEntry, entry.entry_id)
        .detail(&detail);
    audit::record(tx, &event, now).await
}

/// The entry as JSON for its history.
fn snapshot(entry: &Entry) -> String {
    serde_json::to_string(entry).unwrap_or_else(|_| "{}".to_owned())
}

/// The entry just written, for its snapshot.
async fn written(tx: &mut Tx, entry_id: i64) -> Result<Entry, CpdError> {
    store::find_in(tx, entry_id)
        .await?
        .ok_or(CpdError::NotFound)
}
