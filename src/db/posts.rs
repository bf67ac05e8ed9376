//! The `posts` table: news, events and blog posts. What posts share with reports (old
//! addresses, the sitemap, deletion) is in [`super::publishable`].

use chrono::{DateTime, Utc};

use super::statement::{self, Statement, Window};
use super::{Db, DbError, Tx, run};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Post {
    pub post_id: i64,
    pub kind: crate::domain::content::PostKind,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub author: String,
    pub event_starts_at: Option<DateTime<Utc>>,
    pub event_ends_at: Option<DateTime<Utc>>,
    pub event_location: String,
    pub image_upload_id: Option<i64>,
    pub image_alt: Option<String>,
    pub publish_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

const POST_SELECT: &str = "select p.post_id, p.kind, p.slug, p.title, p.summary, p.body, p.author, \
     p.event_starts_at, p.event_ends_at, p.event_location, p.image_upload_id, \
     i.alt_text as image_alt, p.publish_at, p.updated_at from posts p \
     left join uploads i on i.upload_id = p.image_upload_id";

/// A post as an admin (or the demo seed) writes it.
pub struct PostFields<'a> {
    pub kind: crate::domain::content::PostKind,
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub author: &'a str,
    pub event_starts_at: Option<DateTime<Utc>>,
    pub event_ends_at: Option<DateTime<Utc>>,
    pub event_location: &'a str,
    pub image_upload_id: Option<i64>,
    pub publish_at: Option<DateTime<Utc>>,
}

pub async fn insert(
    tx: &mut Tx,
    post: &PostFields<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into posts (kind, slug, title, summary, body, author, event_starts_at, \
               event_ends_at, event_location, image_upload_id, publish_at, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) returning post_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(post.kind)
        .bind(post.slug)
        .bind(post.title)
        .bind(post.summary)
        .bind(post.body)
        .bind(post.author)
        .bind(post.event_starts_at)
        .bind(post.event_ends_at)
        .bind(post.event_location)
        .bind(post.image_upload_id)
        .bind(post.publish_at)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

pub async fn find(db: &Db, post_id: i64) -> Result<Option<Post>, DbError> {
    let sql = format!("{POST_SELECT} where p.post_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(post_id).fetch_optional(c).await)?)
}

/// A post as the admin list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PostListing {
    pub post_id: i64,
    pub kind: crate::domain::content::PostKind,
    pub title: String,
    pub publish_at: Option<DateTime<Utc>>,
}

const LISTING: &str = "select post_id, kind, title, publish_at from posts";

/// The admin list's drafts, newest first (ordered by the null `publish_at` too, so that
/// `posts_publish_at_idx` gives the order on both databases).
pub fn drafts_statement(window: Window) -> Statement {
    Statement::new(format!(
        "{LISTING} where publish_at is null order by publish_at desc, post_id desc"
    ))
    .page(window)
}

/// The admin list's posts with a publication time (scheduled ones first), latest first.
pub fn dated_statement(window: Window) -> Statement {
    Statement::new(format!(
        "{LISTING} where publish_at is not null order by publish_at desc, post_id desc"
    ))
    .page(window)
}

pub const COUNT_ALL: &str = "select count(*) from posts";
pub const COUNT_DRAFTS: &str = "select count(*) from posts where publish_at is null";

/// How many posts there are, and how many of them are drafts.
pub async fn admin_counts(db: &Db) -> Result<(i64, i64), DbError> {
    let all = statement::fetch_count(db, &Statement::new(COUNT_ALL)).await?;
    let drafts = statement::fetch_count(db, &Statement::new(COUNT_DRAFTS)).await?;
    Ok((all, drafts))
}

/// A page of every post, drafts first (`drafts` of them, from [`admin_counts`]).
pub async fn admin_page(db: &Db, drafts: i64, window: Window) -> Result<Vec<PostListing>, DbError> {
    statement::drafts_first(db, drafts, window, drafts_statement, dated_statement).await
}

/// Saves an edit (the caller keeps a changed slug's old one as a redirect).
pub async fn update(
    tx: &mut Tx,
    post_id: i64,
    post: &PostFields<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update posts set kind = $2, slug = $3, title = $4, summary = $5, body = $6, \
               author = $7, event_starts_at = $8, event_ends_at = $9, event_location = $10, \
               image_upload_id = $11, publish_at = $12, updated_at = $13 where post_id = $1";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(post_id)
        .bind(post.kind)
        .bind(post.slug)
        .bind(post.title)
        .bind(post.summary)
        .bind(post.body)
        .bind(post.author)
        .bind(post.event_starts_at)
        .bind(post.event_ends_at)
        .bind(post.event_location)
        .bind(post.image_upload_id)
        .bind(post.publish_at)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}
