//! Old web addresses of renamed courses, reports and posts (`course_slugs`, `report_slugs`,
//! `post_slugs`), answered with a permanent redirect; and whether an address is taken.

use chrono::{DateTime, Utc};

use super::{DbError, Tx, run};

/// Which kind of page a slug belongs to.
#[derive(Clone, Copy, Debug)]
pub enum Owner {
    Course,
    Report,
    Post,
}

impl Owner {
    /// (table, its old-slugs table, id column)
    fn tables(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Owner::Course => ("courses", "course_slugs", "course_id"),
            Owner::Report => ("reports", "report_slugs", "report_id"),
            Owner::Post => ("posts", "post_slugs", "post_id"),
        }
    }
}

/// After a rename from `old_slug` to `new_slug`: the old address now redirects here, and
/// the new one is no longer anybody's old address.
pub async fn remember_rename(
    tx: &mut Tx,
    owner: Owner,
    id: i64,
    old_slug: &str,
    new_slug: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    if old_slug == new_slug {
        return Ok(());
    }
    let (_, history, id_column) = owner.tables();
    let forget = format!("delete from {history} where slug = $1");
    run!(tx tx, |c| sqlx::query(&forget).bind(new_slug).execute(c).await.map(|_| ()))?;
    let remember = format!(
        "insert into {history} (slug, {id_column}, created_at) values ($1, $2, $3) \
         on conflict (slug) do update set {id_column} = excluded.{id_column}"
    );
    run!(tx tx, |c| sqlx::query(&remember).bind(old_slug).bind(id).bind(now).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Whether another page of this kind already has `slug`.
pub async fn taken(
    tx: &mut Tx,
    owner: Owner,
    slug: &str,
    except: Option<i64>,
) -> Result<bool, DbError> {
    let (table, _, id_column) = owner.tables();
    let sql =
        format!("select count(*) from {table} where slug = $1 and {id_column} <> coalesce($2, -1)");
    let count: i64 =
        run!(tx tx, |c| sqlx::query_scalar(&sql).bind(slug).bind(except).fetch_one(c).await)?;
    Ok(count > 0)
}
