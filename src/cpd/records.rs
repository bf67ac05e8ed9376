//! The NMC's own records as entries of their own kind: a piece of practice-related
//! feedback and a reflective discussion, added and edited by their learner.

use crate::context::Ctx;
use crate::db::cpd::history::HistoryAction;
use crate::db::cpd::{self as store, EntryFields};
use crate::domain::cpd::entry::EntryKind;
use crate::domain::cpd::validation::{Discussion, DiscussionDraft, Feedback, FeedbackDraft};
use crate::domain::london;

use super::entries::checked;
use super::{CpdError, Learner, record, written};

fn put_feedback(fields: &mut EntryFields, feedback: &Feedback) {
    fields.kind = Some(EntryKind::Feedback);
    let from = feedback
        .source_other
        .clone()
        .unwrap_or_else(|| feedback.source.label().to_lowercase());
    fields.title = format!("Feedback from {from}");
    fields.started_on = feedback.received_on;
    fields.ended_on = feedback.received_on;
    fields.feedback_source = Some(feedback.source);
    fields.source_other = feedback.source_other.clone().unwrap_or_default();
    fields.about = feedback.about.clone();
    fields.how_used = feedback.how_used.clone();
}

fn put_discussion(fields: &mut EntryFields, discussion: &Discussion) {
    fields.kind = Some(EntryKind::ReflectiveDiscussion);
    fields.title = format!("Reflective discussion with {}", discussion.partner_name);
    fields.started_on = discussion.held_on;
    fields.ended_on = discussion.held_on;
    fields.partner_name = discussion.partner_name.clone();
    fields.partner_pin = discussion.partner_pin.as_str().to_owned();
    fields.about = discussion.about.clone();
}

/// Adds a feedback record; returns its id.
pub async fn add_feedback(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    draft: &FeedbackDraft<'_>,
    raw_tags: &str,
) -> Result<i64, CpdError> {
    let now = ctx.now();
    let (feedback, tags) = checked(Feedback::from_draft(draft, london::day_of(now)), raw_tags)?;
    let mut fields = EntryFields {
        tags,
        ..EntryFields::default()
    };
    put_feedback(&mut fields, &feedback);
    add(ctx, by, &fields).await
}

/// Adds a reflective discussion record; returns its id.
pub async fn add_discussion(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    draft: &DiscussionDraft<'_>,
    raw_tags: &str,
) -> Result<i64, CpdError> {
    let now = ctx.now();
    let (discussion, tags) = checked(Discussion::from_draft(draft, london::day_of(now)), raw_tags)?;
    let mut fields = EntryFields {
        tags,
        ..EntryFields::default()
    };
    put_discussion(&mut fields, &discussion);
    add(ctx, by, &fields).await
}

/// Changes a feedback record.
pub async fn edit_feedback(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    entry_id: i64,
    draft: &FeedbackDraft<'_>,
    raw_tags: &str,
) -> Result<(), CpdError> {
    let today = london::day_of(ctx.now());
    let draft = *draft;
    edit(ctx, by, entry_id, EntryKind::Feedback, move |fields| {
        let (feedback, tags) = checked(Feedback::from_draft(&draft, today), raw_tags)?;
        put_feedback(fields, &feedback);
        fields.tags = tags;
        Ok(())
    })
    .await
}

/// Changes a reflective discussion record.
pub async fn edit_discussion(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    entry_id: i64,
    draft: &DiscussionDraft<'_>,
    raw_tags: &str,
) -> Result<(), CpdError> {
    let today = london::day_of(ctx.now());
    let draft = *draft;
    edit(
        ctx,
        by,
        entry_id,
        EntryKind::ReflectiveDiscussion,
        move |fields| {
            let (discussion, tags) = checked(Discussion::from_draft(&draft, today), raw_tags)?;
            put_discussion(fields, &discussion);
            fields.tags = tags;
            Ok(())
        },
    )
    .await
}

async fn add(ctx: Ctx<'_>, by: Learner<'_>, fields: &EntryFields) -> Result<i64, CpdError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let entry_id = store::insert(&mut tx, by.user_id, fields, now).await?;
    let entry = written(&mut tx, entry_id).await?;
    record(&mut tx, ctx, Some(by), &entry, HistoryAction::Created).await?;
    tx.commit().await?;
    Ok(entry_id)
}

/// Locks the learner's record of `kind`, applies `change` to its fields and writes it.
async fn edit(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    entry_id: i64,
    kind: EntryKind,
    change: impl FnOnce(&mut EntryFields) -> Result<(), CpdError>,
) -> Result<(), CpdError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let entry = store::lock(&mut tx, by.user_id, entry_id)
        .await?
        .filter(|e| e.kind == kind)
        .ok_or(CpdError::NotFound)?;
    let mut fields = EntryFields::of(&entry);
    change(&mut fields)?;
    store::update(&mut tx, entry_id, &fields, now).await?;
    let entry = written(&mut tx, entry_id).await?;
    record(&mut tx, ctx, Some(by), &entry, HistoryAction::Edited).await?;
    tx.commit().await?;
    Ok(())
}
