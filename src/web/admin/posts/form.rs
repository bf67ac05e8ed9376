//! The post form as typed, shown for a stored post, and checked into a [`PostInput`].

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::content::posts::PostInput;
use crate::db::posts::Post;
use crate::domain::content::PostKind;
use crate::domain::london;
use crate::web::admin::cohort_form::instant;
use crate::web::admin::publishable::{
    PublicationForm, check_image, check_slug, date_parts, london_clock,
};
use crate::web::forms::FormErrors;

/// The post form as typed: every field is always sent (see `web::forms::Form`); the
/// publishing radios always have one checked.
#[derive(Debug, Default, Deserialize)]
pub struct PostForm {
    pub kind: String,
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub body: String,
    pub author: String,
    pub image: String,
    pub event_day: String,
    pub event_month: String,
    pub event_year: String,
    pub event_start: String,
    pub event_end: String,
    pub event_location: String,
    pub status: String,
    pub publish_day: String,
    pub publish_month: String,
    pub publish_year: String,
    pub publish_time: String,
    /// "save" or "preview": the button pressed (none when a script submits the form).
    #[serde(default)]
    pub action: String,
}

/// The fields in page order, for the error summary.
const FIELD_ORDER: [&str; 11] = [
    "kind",
    "title",
    "slug",
    "summary",
    "body",
    "author",
    "event",
    "event_location",
    "image",
    "status",
    "publish",
];

impl PostForm {
    /// A new post's form: a news item, in draft.
    pub fn blank() -> PostForm {
        PostForm {
            kind: "news".into(),
            status: "draft".into(),
            ..PostForm::default()
        }
    }

    pub fn stored(post: &Post, now: DateTime<Utc>) -> PostForm {
        let publication = PublicationForm::from_stored(post.publish_at, now);
        let (event_day, event_month, event_year) =
            date_parts(post.event_starts_at.map(london::day_of));
        PostForm {
            kind: post.kind.as_str().to_owned(),
            title: post.title.clone(),
            slug: post.slug.clone(),
            summary: post.summary.clone(),
            body: post.body.clone(),
            author: post.author.clone(),
            image: post
                .image_upload_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            event_day,
            event_month,
            event_year,
            event_start: post.event_starts_at.map(london_clock).unwrap_or_default(),
            event_end: post.event_ends_at.map(london_clock).unwrap_or_default(),
            event_location: post.event_location.clone(),
            status: publication.status,
            publish_day: publication.day,
            publish_month: publication.month,
            publish_year: publication.year,
            publish_time: publication.time,
            action: String::new(),
        }
    }

    fn publication(&self) -> PublicationForm {
        PublicationForm {
            status: self.status.clone(),
            day: self.publish_day.clone(),
            month: self.publish_month.clone(),
            year: self.publish_year.clone(),
            time: self.publish_time.clone(),
        }
    }

    /// The post, checked, with `images` the uploaded images one may choose.
    pub fn check(&self, images: &[i64], now: DateTime<Utc>) -> Result<PostInput, FormErrors> {
        let mut errors = FormErrors::default();
        let kind = PostKind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "Choose news, event or blog");
        }
        let title = errors.text("title", &self.title, Some("Enter a title"), 200);
        let slug = check_slug(&mut errors, &self.slug, &title);
        let summary = errors.multiline(
            "summary",
            &self.summary,
            Some("Enter a summary for lists and search engines"),
            500,
        );
        let body = errors.multiline("body", &self.body, None, 50_000);
        let author = errors.text("author", &self.author, None, 120);
        if kind == Some(PostKind::Blog) && author.is_empty() {
            errors.add("author", "Enter who wrote the blog post");
        }
        let event_location = errors.text("event_location", &self.event_location, None, 200);
        let event = match kind {
            Some(PostKind::Event) => self.event(&mut errors),
            _ => None,
        };
        let image = check_image(&mut errors, &self.image, images);
        let publication = self.publication().check(&mut errors, now);
        match (kind, publication) {
            (Some(kind), Some(publication)) if errors.is_empty() => Ok(PostInput {
                kind,
                slug,
                title,
                summary,
                body,
                author,
                image_upload_id: image,
                event,
                event_location,
                publication,
            }),
            _ => Err(errors.in_field_order(&FIELD_ORDER)),
        }
    }

    /// An event's start and end, on one day in London; it must end after it starts.
    fn event(&self, errors: &mut FormErrors) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.event_start.trim().is_empty() || self.event_end.trim().is_empty() {
            errors.add("event", "Enter the times the event starts and ends");
            return None;
        }
        let date = [&self.event_day, &self.event_month, &self.event_year];
        let start = instant(errors, "event", "event date", date, &self.event_start);
        let end = start.and_then(|_| instant(errors, "event", "event date", date, &self.event_end));
        match (start, end) {
            (Some(start), Some(end)) if end > start => Some((start, end)),
            (Some(_), Some(_)) => {
                errors.add("event", "The event must end after it starts");
                None
            }
            _ => None,
        }
    }
}
