//! `/admin/posts`: news, events and blog posts: write, preview, schedule, publish and
//! unpublish (back to draft), with a changed address redirecting from the old one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::publishing::{Publication, check_image, check_slug, state_label};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::DbError;
use crate::db::audit::audit_admin;
use crate::db::posts::{self, Post, PostFields};
use crate::db::uploads::{self, UploadSummary};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::content::news::KINDS;
use crate::web::forms::{FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::markdown::to_safe_html;
use crate::web::notice::{Notice, NoticeQuery};

#[derive(Template)]
#[template(path = "admin/posts.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<(Post, String)>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let rows = posts::list_all(&state.db)
        .await?
        .into_iter()
        .map(|post| {
            let label = state_label(&post.publish_at, now);
            (post, label)
        })
        .collect();
    let layout = Layout::new(
        "News, events and blogs",
        "Every post.",
        Section::Admin,
        &viewer,
    )
    .with_banner(notice.banner());
    page_or_rejected(&ListPage { layout, rows }, &FormErrors::default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PostForm {
    kind: String,
    title: String,
    slug: String,
    summary: String,
    body: String,
    author: String,
    image: String,
    event_day: String,
    event_month: String,
    event_year: String,
    event_start: String,
    event_end: String,
    event_location: String,
    status: String,
    publish_day: String,
    publish_month: String,
    publish_year: String,
    publish_time: String,
    action: String,
}

impl PostForm {
    fn publication(&self) -> Publication {
        Publication {
            status: self.status.clone(),
            day: self.publish_day.clone(),
            month: self.publish_month.clone(),
            year: self.publish_year.clone(),
            time: self.publish_time.clone(),
        }
    }

    fn from_post(post: &Post, now: chrono::DateTime<chrono::Utc>) -> PostForm {
        use chrono::Datelike;
        let publication = Publication::from_stored(post.publish_at, now);
        let clock = |at: chrono::DateTime<chrono::Utc>| {
            at.with_timezone(&chrono_tz::Europe::London)
                .format("%H:%M")
                .to_string()
        };
        let event_day = post.event_starts_at.map(crate::domain::london::day_of);
        PostForm {
            kind: post.kind.clone(),
            title: post.title.clone(),
            slug: post.slug.clone(),
            summary: post.summary.clone(),
            body: post.body.clone(),
            author: post.author.clone(),
            image: post
                .image_upload_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            event_day: event_day.map(|d| d.day().to_string()).unwrap_or_default(),
            event_month: event_day.map(|d| d.month().to_string()).unwrap_or_default(),
            event_year: event_day.map(|d| d.year().to_string()).unwrap_or_default(),
            event_start: post.event_starts_at.map(clock).unwrap_or_default(),
            event_end: post.event_ends_at.map(clock).unwrap_or_default(),
            event_location: post.event_location.clone(),
            status: publication.status,
            publish_day: publication.day,
            publish_month: publication.month,
            publish_year: publication.year,
            publish_time: publication.time,
            action: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/post_form.html")]
struct FormPage<'a> {
    layout: Layout,
    post: Option<&'a Post>,
    form: &'a PostForm,
    errors: &'a FormErrors,
    preview: Option<String>,
    kinds: [(&'static str, &'static str); 3],
    images: Vec<UploadSummary>,
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    post: Option<&Post>,
    form: &PostForm,
    errors: &FormErrors,
    preview: Option<String>,
) -> Result<Response, AppError> {
    let title = if post.is_some() {
        "Edit a post"
    } else {
        "Write a post"
    };
    let page = FormPage {
        layout: Layout::new(title, title, Section::Admin, viewer).with_errors(!errors.is_empty()),
        post,
        form,
        errors,
        preview,
        kinds: KINDS,
        images: uploads::list(&state.db, Some("image")).await?,
    };
    page_or_rejected(&page, errors)
}

pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
) -> Result<Response, AppError> {
    let form = PostForm {
        kind: "news".into(),
        status: "draft".into(),
        ..PostForm::default()
    };
    form_page(&state, &viewer, None, &form, &FormErrors::default(), None).await
}

pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let post = posts::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = PostForm::from_post(&post, state.clock.now());
    form_page(
        &state,
        &viewer,
        Some(&post),
        &form,
        &FormErrors::default(),
        None,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    axum::Form(form): axum::Form<PostForm>,
) -> Result<Response, AppError> {
    save(&state, &viewer, admin.user_id, &client, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<PostForm>,
) -> Result<Response, AppError> {
    let post = posts::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    save(&state, &viewer, admin.user_id, &client, Some(post), form).await
}

/// The post as checked, ready to store.
struct Checked {
    slug: String,
    title: String,
    summary: String,
    body: String,
    author: String,
    image: Option<i64>,
    event: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
    location: String,
    publish_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn check(
    form: &PostForm,
    images: &[i64],
    stored: Option<&Post>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Checked, FormErrors> {
    let mut errors = FormErrors::default();
    if !KINDS.iter().any(|(k, _)| *k == form.kind) {
        errors.add("kind", "Choose news, event or blog");
    }
    let title = errors.text("title", &form.title, Some("Enter a title"), 200);
    let slug = check_slug(&mut errors, &form.slug, &title);
    let summary = errors.multiline(
        "summary",
        &form.summary,
        Some("Enter a summary for lists and search engines"),
        500,
    );
    let body = errors.multiline("body", &form.body, None, 50_000);
    let author = errors.text("author", &form.author, None, 120);
    if form.kind == "blog" && author.is_empty() {
        errors.add("author", "Enter who wrote the blog post");
    }
    let location = errors.text("event_location", &form.event_location, None, 200);
    let event = match form.kind.as_str() {
        "event" if form.event_start.trim().is_empty() || form.event_end.trim().is_empty() => {
            errors.add("event", "Enter the times the event starts and ends");
            None
        }
        "event" => {
            let date = [&form.event_day, &form.event_month, &form.event_year];
            let start = super::cohort_form::instant(
                &mut errors,
                "event",
                "event date",
                date,
                &form.event_start,
            );
            let end = start.and_then(|_| {
                super::cohort_form::instant(
                    &mut errors,
                    "event",
                    "event date",
                    date,
                    &form.event_end,
                )
            });
            match (start, end) {
                (Some(start), Some(end)) if end > start => Some((start, end)),
                (Some(_), Some(_)) => {
                    errors.add("event", "The event must end after it starts");
                    None
                }
                _ => None,
            }
        }
        _ => None,
    };
    let image = check_image(&mut errors, &form.image, images);
    let publish_at = form
        .publication()
        .check(&mut errors, stored.and_then(|p| p.publish_at), now);
    match publish_at {
        Some(publish_at) if errors.is_empty() => Ok(Checked {
            slug,
            title,
            summary,
            body,
            author,
            image,
            event,
            location,
            publish_at,
        }),
        _ => Err(errors.in_field_order(&[
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
        ])),
    }
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    admin_id: i64,
    client: &ClientAddress,
    post: Option<Post>,
    form: PostForm,
) -> Result<Response, AppError> {
    if form.action == "preview" {
        let preview = Some(to_safe_html(&form.body));
        return form_page(
            state,
            viewer,
            post.as_ref(),
            &form,
            &FormErrors::default(),
            preview,
        )
        .await;
    }
    let now = state.clock.now();
    let images: Vec<i64> = uploads::list(&state.db, Some("image"))
        .await?
        .iter()
        .map(|u| u.upload_id)
        .collect();
    let checked = match check(&form, &images, post.as_ref(), now) {
        Ok(checked) => checked,
        Err(errors) => return form_page(state, viewer, post.as_ref(), &form, &errors, None).await,
    };
    let mut tx = state.db.begin().await?;
    if posts::slug_taken(&mut tx, &checked.slug, post.as_ref().map(|p| p.post_id)).await? {
        let mut errors = FormErrors::default();
        errors.add(
            "slug",
            "Another post already uses that web address. Choose another",
        );
        return form_page(state, viewer, post.as_ref(), &form, &errors, None).await;
    }
    let fields = PostFields {
        kind: &form.kind,
        slug: &checked.slug,
        title: &checked.title,
        summary: &checked.summary,
        body: &checked.body,
        author: &checked.author,
        event_starts_at: checked.event.map(|(start, _)| start),
        event_ends_at: checked.event.map(|(_, end)| end),
        event_location: &checked.location,
        image_upload_id: checked.image,
        publish_at: checked.publish_at,
    };
    let (id, action) = match &post {
        Some(existing) => {
            posts::update(&mut tx, existing.post_id, &existing.slug, &fields, now).await?;
            (existing.post_id, "post_updated")
        }
        None => match posts::insert(&mut tx, &fields, now).await {
            Ok(id) => (id, "post_created"),
            Err(DbError::UniqueViolation(_)) => {
                return Err(AppError::BadRequest("Another post was saved with that web address just now. Go back and choose another.".into()));
            }
            Err(other) => return Err(other.into()),
        },
    };
    let detail = format!(
        "post {id}: {} ({})",
        checked.slug,
        state_label(&checked.publish_at, now)
    );
    audit_admin(&mut tx, admin_id, action, &detail, &client.to_string(), now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/posts?notice={}", Notice::Saved.name())).into_response())
}
