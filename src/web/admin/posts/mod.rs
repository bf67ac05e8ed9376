//! `/admin/posts`: news, events and blog posts: write, preview, schedule, publish and
//! unpublish (back to draft), with a changed address redirecting from the old one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::publishable::{self, with_states};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::content::posts as service;
use crate::content::{Kind, PublishableError};
use crate::db::posts::{self, Post, PostListing};
use crate::db::uploads::{self, UploadSummary};
use crate::domain::content::PostKind;
use crate::error::AppError;
use crate::markdown::to_safe_html;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::pagination::{PageLinks, PageQuery, Pager, page_address};

mod form;

use form::PostForm;

#[derive(Template)]
#[template(path = "admin/posts.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<(PostListing, String)>,
    total: i64,
    pagination: PageLinks,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    notice: Option<String>,
    page: Option<String>,
}

/// A page of every post, drafts first, then by publication time, latest first.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (total, drafts) = state.counts.posts(&state.db).await?;
    let pager = Pager::new(PageQuery { page: query.page }.number(), total);
    let listed = posts::admin_page(&state.db, drafts, pager.window()).await?;
    let rows = with_states(listed, |r| r.publish_at, state.clock.now());
    let banner = NoticeQuery {
        notice: query.notice,
    }
    .banner();
    let layout = Layout::new(
        "News, events and blogs",
        "Every post.",
        Section::Admin,
        &viewer,
    )
    .with_banner(banner);
    let pagination = pager.links(|n| page_address(paths::admin_posts(), &[], n));
    let page = ListPage {
        layout,
        rows,
        total,
        pagination,
    };
    page_or_rejected(&page, &FormErrors::default())
}

#[derive(Template)]
#[template(path = "admin/post_form.html")]
struct FormPage<'a> {
    layout: Layout,
    post: Option<&'a Post>,
    form: &'a PostForm,
    errors: &'a FormErrors,
    preview: Option<String>,
    kinds: &'static [PostKind],
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
        kinds: PostKind::ALL,
        images: uploads::of_kind(&state.db, "image").await?,
    };
    page_or_rejected(&page, errors)
}

pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
) -> Result<Response, AppError> {
    let form = PostForm::blank();
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
    let form = PostForm::stored(&post, state.clock.now());
    let no_errors = FormErrors::default();
    form_page(&state, &viewer, Some(&post), &form, &no_errors, None).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Form(form): Form<PostForm>,
) -> Result<Response, AppError> {
    save(&state, &viewer, admin.user_id, &client, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<PostForm>,
) -> Result<Response, AppError> {
    let post = posts::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    save(&state, &viewer, admin.user_id, &client, Some(post), form).await
}

/// Previewing shows the form again unsaved; saving checks it, stores it and goes back to
/// the list.
async fn save(
    state: &AppState,
    viewer: &Viewer,
    admin_id: i64,
    client: &ClientAddress,
    post: Option<Post>,
    form: PostForm,
) -> Result<Response, AppError> {
    let post = post.as_ref();
    if form.action == "preview" {
        let preview = Some(to_safe_html(&form.body));
        let no_errors = FormErrors::default();
        return form_page(state, viewer, post, &form, &no_errors, preview).await;
    }
    let images = uploads::ids(&state.db, "image").await?;
    let input = match form.check(&images, state.clock.now()) {
        Ok(input) => input,
        Err(errors) => return form_page(state, viewer, post, &form, &errors, None).await,
    };
    let id = post.map(|p| p.post_id);
    let client = client.to_string();
    match service::save(state.ctx(), admin_id, &client, id, &input).await {
        Ok(_) => Ok(Redirect::to(&paths::with_notice(
            paths::admin_posts(),
            Notice::Saved.name(),
        ))
        .into_response()),
        Err(PublishableError::SlugTaken(_)) => {
            let errors = publishable::slug_taken(Kind::Post);
            form_page(state, viewer, post, &form, &errors, None).await
        }
        Err(other) => Err(other.into()),
    }
}
