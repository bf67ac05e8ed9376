//! The `posts` table: news, events and blog posts. What posts share with reports (old
//! addresses, the sitemap, deletion) is in [`super::publishable`].

use chrono::{DateTime, Utc};

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

const LIST_CONDITIONS: &str =
    "p.publish_at is not null and p.publish_at <= $1 and ($2 is null or p.kind = $2)";

pub async fn count_published(
    db: &Db,
    kind: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = format!("select count(*) from posts p where {LIST_CONDITIONS}");
    Ok(run!(read db, |c| sqlx::query_scalar(&sql).bind(now).bind(kind).fetch_one(c).await)?)
}

/// A page of published posts (of one kind, or all), newest first.
pub async fn list_published(
    db: &Db,
    kind: Option<&str>,
    now: DateTime<Utc>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Post>, DbError> {
    let sql = format!(
        "{POST_SELECT} where {LIST_CONDITIONS} order by p.publish_at desc, p.post_id desc \
         limit $3 offset $4"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql)
        .bind(now)
        .bind(kind)
        .bind(limit)
        .bind(offset)
        .fetch_all(c)
        .await)?)
}

pub async fn find_published_by_slug(
    db: &Db,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Option<Post>, DbError> {
    let sql = format!(
        "{POST_SELECT} where p.slug = $1 and p.publish_at is not null and p.publish_at <= $2"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(slug).bind(now).fetch_optional(c).await)?)
}

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

/// Every post, drafts and scheduled ones included, newest first (the admin list).
pub async fn list_all(db: &Db) -> Result<Vec<Post>, DbError> {
    let sql = format!(
        "{POST_SELECT} order by p.publish_at is null desc, p.publish_at desc, p.post_id desc"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).fetch_all(c).await)?)
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
