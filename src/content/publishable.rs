//! What reports and posts share as services: when an item appears (draft, now or at a
//! scheduled time), saving it under a free address with its old one kept as a redirect and
//! an audit event named `{kind}_created` or `{kind}_updated` (and `{kind}_published`,
//! `_unpublished` or `_scheduled` when that changed, as courses are audited), and deleting it.

use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::db::audit::audit_admin;
use crate::db::publishable;
use crate::db::{DbError, Tx};
use crate::domain::london;

pub use crate::db::publishable::Kind;

/// When an item appears, as the editor chose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publication {
    /// Nobody but admins sees it.
    Draft,
    /// Published now, or kept published with its original date.
    Now,
    /// Appears by itself at this instant (in the future when chosen).
    At(DateTime<Utc>),
}

impl Publication {
    /// The choice a stored publication time stands for.
    pub fn of_stored(publish_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Publication {
        match publish_at {
            None => Publication::Draft,
            Some(at) if at <= now => Publication::Now,
            Some(at) => Publication::At(at),
        }
    }

    /// The `publish_at` to store: none for a draft; publishing an already published item
    /// keeps its original date.
    pub fn publish_at(
        self,
        stored: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        match self {
            Publication::Draft => None,
            Publication::Now => Some(stored.filter(|at| *at <= now).unwrap_or(now)),
            Publication::At(at) => Some(at),
        }
    }
}

/// How a save changed when an item appears, named as courses name theirs (`published`,
/// `unpublished`), plus `scheduled` for a future time set or moved. None when unchanged.
pub fn publication_change(
    before: Option<DateTime<Utc>>,
    after: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<&'static str> {
    if before == after {
        return None;
    }
    match Publication::of_stored(after, now) {
        Publication::Draft => Some("unpublished"),
        Publication::Now => Some("published"),
        Publication::At(_) => Some("scheduled"),
    }
}

/// "Draft", "Published 3 March 2026" or "Scheduled for 3 March 2026 at 9am".
pub fn state_label(publish_at: &Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match publish_at {
        None => "Draft".into(),
        Some(at) if *at <= now => format!("Published {}", london::date(london::day_of(*at))),
        Some(at) => format!("Scheduled for {}", london::date_time(*at)),
    }
}

/// Why a report or post was not saved or deleted.
#[derive(Debug, thiserror::Error)]
pub enum PublishableError {
    #[error("no such {}", .0.noun())]
    NotFound(Kind),
    #[error("another {} already uses that web address", .0.noun())]
    SlugTaken(Kind),
    /// Another save took the address between the check and the write.
    #[error("another {} was saved with that web address at the same moment", .0.noun())]
    SlugTakenJustNow(Kind),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The part of a save that differs by kind: writing the item's own rows.
pub(super) trait ItemWrite {
    /// Adds the item; its id.
    async fn insert(
        &self,
        tx: &mut Tx,
        publish_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<i64, DbError>;

    /// Replaces the stored item's fields (and rows that belong to it).
    async fn update(
        &self,
        tx: &mut Tx,
        id: i64,
        publish_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), DbError>;
}

/// An item to save: a new one (`id` none) or an edit, under `slug`, published as chosen.
pub(super) struct Saving<'a, W> {
    pub kind: Kind,
    pub id: Option<i64>,
    pub slug: &'a str,
    pub publication: Publication,
    pub item: &'a W,
}

/// Saves an item in one transaction: it must still exist (for an edit) and its address be
/// free; a rename keeps the old address as a redirect; the audit event says what and how
/// it is published. Its id.
pub(super) async fn save<W: ItemWrite>(
    ctx: Ctx<'_>,
    admin: i64,
    client: &str,
    saving: Saving<'_, W>,
) -> Result<i64, PublishableError> {
    let Saving {
        kind,
        id,
        slug,
        publication,
        item,
    } = saving;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let stored = match id {
        Some(id) => Some(
            publishable::stored(&mut tx, kind, id)
                .await?
                .ok_or(PublishableError::NotFound(kind))?,
        ),
        None => None,
    };
    if publishable::slug_taken(&mut tx, kind, slug, id).await? {
        return Err(PublishableError::SlugTaken(kind));
    }
    let before = stored.as_ref().and_then(|s| s.publish_at);
    let publish_at = publication.publish_at(before, now);
    let raced = |error| match error {
        DbError::UniqueViolation(_) => PublishableError::SlugTakenJustNow(kind),
        other => PublishableError::Db(other),
    };
    let (id, done) = match (id, stored) {
        (Some(id), Some(stored)) => {
            item.update(&mut tx, id, publish_at, now)
                .await
                .map_err(raced)?;
            publishable::remember_rename(&mut tx, kind, id, &stored.slug, slug, now).await?;
            (id, "updated")
        }
        _ => (
            item.insert(&mut tx, publish_at, now).await.map_err(raced)?,
            "created",
        ),
    };
    let noun = kind.noun();
    let detail = format!("{noun} {id}: {slug} ({})", state_label(&publish_at, now));
    audit_admin(
        &mut tx,
        admin,
        Some(kind.subject(id)),
        &format!("{noun}_{done}"),
        &detail,
        client,
        now,
    )
    .await?;
    // Publishing is audited under one vocabulary for courses, reports and posts.
    if let Some(change) = publication_change(before, publish_at, now) {
        let action = format!("{noun}_{change}");
        let subject = Some(kind.subject(id));
        audit_admin(&mut tx, admin, subject, &action, &detail, client, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Deletes a report (with its findings and course links) or a post, with its old
/// addresses, audited as `{kind}_deleted`. Uploaded files stay for reuse.
pub async fn delete(
    ctx: Ctx<'_>,
    admin: i64,
    client: &str,
    kind: Kind,
    id: i64,
) -> Result<(), PublishableError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let stored = publishable::stored(&mut tx, kind, id)
        .await?
        .ok_or(PublishableError::NotFound(kind))?;
    if !publishable::delete(&mut tx, kind, id).await? {
        return Err(PublishableError::NotFound(kind));
    }
    let noun = kind.noun();
    audit_admin(
        &mut tx,
        admin,
        Some(kind.subject(id)),
        &format!("{noun}_deleted"),
        &format!("{noun} {id}: {}", stored.title),
        client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn publishing_again_keeps_the_first_date_and_a_draft_has_none() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap();
        let earlier = now - Duration::days(3);
        let later = now + Duration::days(1);
        assert_eq!(
            Publication::Now.publish_at(Some(earlier), now),
            Some(earlier)
        );
        assert_eq!(
            Publication::Now.publish_at(Some(later), now),
            Some(now),
            "a schedule brought forward"
        );
        assert_eq!(Publication::Now.publish_at(None, now), Some(now));
        assert_eq!(Publication::Draft.publish_at(Some(earlier), now), None);
        assert_eq!(
            Publication::At(later).publish_at(Some(earlier), now),
            Some(later)
        );
        for (stored, choice) in [
            (None, Publication::Draft),
            (Some(earlier), Publication::Now),
            (Some(later), Publication::At(later)),
        ] {
            assert_eq!(Publication::of_stored(stored, now), choice);
        }
        assert_eq!(state_label(&None, now), "Draft");
        assert_eq!(
            state_label(&Some(earlier), now),
            "Published 27 February 2026"
        );
    }

    #[test]
    fn publishing_changes_are_named_as_for_courses() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap();
        let earlier = Some(now - Duration::days(3));
        let later = Some(now + Duration::days(1));
        assert_eq!(publication_change(None, Some(now), now), Some("published"));
        assert_eq!(publication_change(earlier, None, now), Some("unpublished"));
        assert_eq!(publication_change(None, later, now), Some("scheduled"));
        assert_eq!(publication_change(later, Some(now), now), Some("published"));
        assert_eq!(
            publication_change(earlier, earlier, now),
            None,
            "kept as it was"
        );
        assert_eq!(publication_change(None, None, now), None);
    }
}
