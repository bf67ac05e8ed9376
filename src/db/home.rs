//! The `home_blocks` table: the home page's editable text.

use chrono::{DateTime, Utc};

use super::{Db, DbError, Tx, run};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HomeBlock {
    pub block: String,
    pub title: String,
    pub body: String,
    pub link_label: String,
    pub link_href: String,
}

impl HomeBlock {
    /// A block with neither a heading nor text is left off the home page.
    pub fn is_hidden(&self) -> bool {
        self.title.trim().is_empty() && self.body.trim().is_empty()
    }
}

pub async fn all(db: &Db) -> Result<Vec<HomeBlock>, DbError> {
    let sql = "select block, title, body, link_label, link_href from home_blocks";
    Ok(run!(read db, |c| sqlx::query_as(sql).fetch_all(c).await)?)
}

pub async fn save(tx: &mut Tx, block: &HomeBlock, now: DateTime<Utc>) -> Result<(), DbError> {
    let sql = "insert into home_blocks (block, title, body, link_label, link_href, updated_at) \
               values ($1, $2, $3, $4, $5, $6) on conflict (block) do update set \
               title = excluded.title, body = excluded.body, link_label = excluded.link_label, \
               link_href = excluded.link_href, updated_at = excluded.updated_at";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(&block.block)
        .bind(&block.title)
        .bind(&block.body)
        .bind(&block.link_label)
        .bind(&block.link_href)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}
