//! A learner's own CPD activities: adding and editing one (checked by
//! `domain::cpd::validation`), deleting a self-declared entry, and the reflection and
//! tags on a verified one, whose facts stay its certificate's.

use crate::context::Ctx;
use crate::db::cpd::history::HistoryAction;
use crate::db::cpd::{self as store, EntryFields};
use crate::domain::cpd::entry::EntryKind;
use crate::domain::cpd::validation::{
    Activity, ActivityDraft, FieldProblem, Reflection, ReflectionDraft,
};
use crate::domain::london;

use super::{CpdError, Learner, record, tags, written};

/// Checks the draft and the tags together: every problem, or the values.
pub(super) fn checked<T>(
    value: Result<T, Vec<FieldProblem>>,
    raw_tags: &str,
) -> Result<(T, String), CpdError> {
    match (value, tags::parse(raw_tags)) {
        (Ok(value), Ok(tags)) => Ok((value, tags)),
        (value, tags) => {
            let mut problems = value.err().unwrap_or_default();
            problems.extend(tags.err());
            Err(CpdError::Invalid(problems))
        }
    }
}

fn put_reflection(fields: &mut EntryFields, reflection: &Reflection) {
    let text = |part: &Option<String>| part.clone().unwrap_or_default();
    fields.reflection_learned = text(&reflection.learned);
    fields.reflection_practice = text(&reflection.practice);
    fields.reflection_benefit = text(&reflection.benefit);
    fields.code_theme = reflection.code_theme;
    fields.hcpc_standards = reflection.hcpc_standards.stored();
    fields.gmp_domains = reflection.gmp_domains.stored();
}

fn put_activity(fields: &mut EntryFields, activity: &Activity) {
    fields.kind = Some(EntryKind::Activity);
    fields.title = activity.title.clone();
    fields.provider = activity.provider.clone();
    fields.method = Some(activity.method);
    fields.started_on = activity.started_on;
    fields.ended_on = activity.ended_on;
    fields.minutes = activity.hours.minutes();
    fields.participatory_minutes = activity.participatory_hours.minutes();
    fields.planning = activity.planning;
    fields.topic = activity.topic.clone().unwrap_or_default();
    fields.learning_outcomes = activity.learning_outcomes.clone().unwrap_or_default();
    put_reflection(fields, &activity.reflection);
}

/// Adds a self-declared activity; returns its id.
pub async fn add_activity(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    draft: &ActivityDraft<'_>,
    raw_tags: &str,
) -> Result<i64, CpdError> {
    let now = ctx.now();
    let (activity, tags) = checked(Activity::from_draft(draft, london::day_of(now)), raw_tags)?;
    let mut fields = EntryFields {
        tags,
        ..EntryFields::default()
    };
    put_activity(&mut fields, &activity);
    let mut tx = ctx.db.begin().await?;
    let entry_id = store::insert(&mut tx, by.user_id, &fields, now).await?;
    let entry = written(&mut tx, entry_id).await?;
    record(&mut tx, ctx, Some(by), &entry, HistoryAction::Created).await?;
    tx.commit().await?;
    Ok(entry_id)
}

/// Changes a self-declared activity; a verified one is [`CpdError::Verified`].
pub async fn edit_activity(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    entry_id: i64,
    draft: &ActivityDraft<'_>,
    raw_tags: &str,
) -> Result<(), CpdError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let entry = store::lock(&mut tx, by.user_id, entry_id)
        .await?
        .filter(|e| e.kind == EntryKind::Activity)
        .ok_or(CpdError::NotFound)?;
    if entry.is_verified() {
        return Err(CpdError::Verified);
    }
    let (activity, tags) = checked(Activity::from_draft(draft, london::day_of(now)), raw_tags)?;
    let mut fields = EntryFields::of(&entry);
    fields.tags = tags;
    put_activity(&mut fields, &activity);
    store::update(&mut tx, entry_id, &fields, now).await?;
    let entry = written(&mut tx, entry_id).await?;
    record(&mut tx, ctx, Some(by), &entry, HistoryAction::Edited).await?;
    tx.commit().await?;
    Ok(())
}

/// The reflection, the NMC theme, the HCPC standards, the GMP domains and the tags of a
/// verified entry: nothing else of it changes.
pub async fn reflect_on_verified(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    entry_id: i64,
    draft: &ReflectionDraft<'_>,
    raw_tags: &str,
) -> Result<(), CpdError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let entry = store::lock(&mut tx, by.user_id, entry_id)
        .await?
        .filter(|e| e.is_verified())
        .ok_or(CpdError::NotFound)?;
    let (reflection, tags) = checked(Reflection::from_draft(draft), raw_tags)?;
    let mut fields = EntryFields::of(&entry);
    fields.tags = tags;
    put_reflection(&mut fields, &reflection);
    store::update(&mut tx, entry_id, &fields, now).await?;
    let entry = written(&mut tx, entry_id).await?;
    record(&mut tx, ctx, Some(by), &entry, HistoryAction::Reflected).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a self-declared entry (any kind); its history stays, ending in 'deleted'.
pub async fn delete_entry(ctx: Ctx<'_>, by: Learner<'_>, entry_id: i64) -> Result<(), CpdError> {
    let mut tx = ctx.db.begin().await?;
    let entry = store::lock(&mut tx, by.user_id, entry_id)
        .await?
        .ok_or(CpdError::NotFound)?;
    if entry.is_verified() {
        return Err(CpdError::Verified);
    }
    record(&mut tx, ctx, Some(by), &entry, HistoryAction::Deleted).await?;
    store::delete(&mut tx, entry_id).await?;
    tx.commit().await?;
    Ok(())
}
