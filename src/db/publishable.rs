//! What reports and posts share in storage: an item is public once its `publish_at` has
//! passed; its old addresses redirect; a save starts from its stored address and time; the
//! deleting it takes its old addresses with it (the sitemap reads the published content in memory).

use crate::domain::audit::{Subject, SubjectKind};
use chrono::{DateTime, Utc};

use super::slugs::{self, Owner};
use super::{Db, DbError, Tx, run};

/// Which kind of publishable item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Report,
    Post,
}

impl Kind {
    /// "report" or "post": how pages and audit actions (`report_created`) name it.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Post => "post",
        }
    }

    /// Item `id` as an audit event's subject.
    pub fn subject(self, id: i64) -> Subject {
        let kind = match self {
            Kind::Report => SubjectKind::Report,
            Kind::Post => SubjectKind::Post,
        };
        Subject::new(kind, id)
    }

    /// (table, its old-addresses table, id column)
    fn tables(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::Report => ("reports", "report_slugs", "report_id"),
            Kind::Post => ("posts", "post_slugs", "post_id"),
        }
    }

    fn owner(self) -> Owner {
        match self {
            Kind::Report => Owner::Report,
            Kind::Post => Owner::Post,
        }
    }
}

/// What a save or a deletion needs to know about the stored item.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Stored {
    pub slug: String,
    pub title: String,
    pub publish_at: Option<DateTime<Utc>>,
}

/// The item as stored, read inside the transaction that changes it.
pub async fn stored(tx: &mut Tx, kind: Kind, id: i64) -> Result<Option<Stored>, DbError> {
    let (table, _, id_column) = kind.tables();
    let sql = format!("select slug, title, publish_at from {table} where {id_column} = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?)
}

/// The item's title, for the page that confirms a deletion.
pub async fn title(db: &Db, kind: Kind, id: i64) -> Result<Option<String>, DbError> {
    let (table, _, id_column) = kind.tables();
    let sql = format!("select title from {table} where {id_column} = $1");
    Ok(run!(read db, |c| sqlx::query_scalar(&sql).bind(id).fetch_optional(c).await)?)
}

/// Whether another item of this kind already has `slug`.
pub async fn slug_taken(
    tx: &mut Tx,
    kind: Kind,
    slug: &str,
    except: Option<i64>,
) -> Result<bool, DbError> {
    slugs::taken(tx, kind.owner(), slug, except).await
}

/// After a rename, the old address redirects to the new one.
pub async fn remember_rename(
    tx: &mut Tx,
    kind: Kind,
    id: i64,
    old_slug: &str,
    new_slug: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    slugs::remember_rename(tx, kind.owner(), id, old_slug, new_slug, now).await
}

/// The current slug of a published item that had `old_slug` before (nothing for a draft,
/// so an old address reveals no unpublished item).
pub async fn current_slug_for(
    db: &Db,
    kind: Kind,
    old_slug: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbError> {
    let (table, history, id_column) = kind.tables();
    let sql = format!(
        "select t.slug from {history} s join {table} t on t.{id_column} = s.{id_column} \
         where s.slug = $1 and t.publish_at is not null and t.publish_at <= $2"
    );
    Ok(
        run!(read db, |c| sqlx::query_scalar(&sql).bind(old_slug).bind(now).fetch_optional(c).await)?,
    )
}

/// Deletes an item with its old addresses (and a report's findings and course links);
/// false when there was none. Uploaded files stay for reuse.
pub async fn delete(tx: &mut Tx, kind: Kind, id: i64) -> Result<bool, DbError> {
    let (table, _, id_column) = kind.tables();
    let sql = format!("delete from {table} where {id_column} = $1");
    let deleted =
        run!(tx tx, |c| sqlx::query(&sql).bind(id).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(deleted == 1)
}
