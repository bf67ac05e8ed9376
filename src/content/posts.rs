//! Saving a news item, event or blog post: its text, author, picture and, for an event,
//! when and where it happens.

use chrono::{DateTime, Utc};

use super::publishable::{self, ItemWrite, Kind, Publication, PublishableError, Saving};
use crate::context::Ctx;
use crate::db::posts::{self, PostFields};
use crate::db::{DbError, Tx};
use crate::domain::content::PostKind;

/// A post as checked, ready to store.
#[derive(Clone, Debug)]
pub struct PostInput {
    pub kind: PostKind,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub author: String,
    pub image_upload_id: Option<i64>,
    /// An event's start and end.
    pub event: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub event_location: String,
    pub publication: Publication,
}

/// Adds a post (`id` none) or saves an edit, audited as `post_created` or `post_updated`.
/// The post's id.
pub async fn save(
    ctx: Ctx<'_>,
    admin: i64,
    client: &str,
    id: Option<i64>,
    input: &PostInput,
) -> Result<i64, PublishableError> {
    let saving = Saving {
        kind: Kind::Post,
        id,
        slug: &input.slug,
        publication: input.publication,
        item: input,
    };
    publishable::save(ctx, admin, client, saving).await
}

impl PostInput {
    fn fields(&self, publish_at: Option<DateTime<Utc>>) -> PostFields<'_> {
        PostFields {
            kind: self.kind,
            slug: &self.slug,
            title: &self.title,
            summary: &self.summary,
            body: &self.body,
            author: &self.author,
            event_starts_at: self.event.map(|(start, _)| start),
            event_ends_at: self.event.map(|(_, end)| end),
            event_location: &self.event_location,
            image_upload_id: self.image_upload_id,
            publish_at,
        }
    }
}

impl ItemWrite for PostInput {
    async fn insert(
        &self,
        tx: &mut Tx,
        publish_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        posts::insert(tx, &self.fields(publish_at), now).await
    }

    async fn update(
        &self,
        tx: &mut Tx,
        id: i64,
        publish_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        posts::update(tx, id, &self.fields(publish_at), now).await
    }
}
