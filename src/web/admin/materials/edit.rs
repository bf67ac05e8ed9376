//! One material for admins: editing its title, "available from" and (a link's) address or
//! (a note's) text, asking for an announcement not asked for before, deleting it after a
//! confirmation page, and opening its file whether or not learners can yet.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{AvailableFrom, NOTE_CHARS, check_title, cohort_and_course, saved_notice, to_list};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::catalogue::Admin;
use crate::db::cohorts::Cohort;
use crate::db::courses::Course;
use crate::db::materials::{self, Material};
use crate::domain::london;
use crate::domain::material::{MaterialKind, parse_link};
use crate::error::AppError;
use crate::learning::materials::{self as service, Edit, MaterialEdit};
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, Sent, page_or_rejected, required};
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

use super::add::Shown;

#[derive(Template)]
#[template(path = "admin/materials/edit.html")]
struct EditPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    material: &'a Material,
    /// "PDF, 120 KB" for a file.
    file_detail: String,
    /// Where the announcement stands, when one was asked for.
    announcement: String,
    shown: &'a Shown,
    errors: &'a FormErrors,
}

async fn found(state: &AppState, id: i64) -> Result<Material, AppError> {
    materials::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    material: &Material,
    shown: &Shown,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(state, material.cohort_id).await?;
    let announcement = match (material.announce_requested, material.announced_at) {
        (_, Some(at)) => format!(
            "The cohort's confirmed learners were emailed about it on {}.",
            london::date_time(at)
        ),
        (true, None) => {
            "The cohort's confirmed learners will be emailed when it becomes available.".to_owned()
        }
        (false, None) => String::new(),
    };
    let page = EditPage {
        layout: Layout::new(
            format!("Edit: {}", material.title),
            "Edit a material.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        cohort: &cohort,
        course: &course,
        material,
        file_detail: crate::web::enrolment::file_detail(material),
        announcement,
        shown,
        errors,
    };
    page_or_rejected(&page, errors)
}

pub async fn edit_page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let material = found(&state, id).await?;
    let shown = Shown {
        title: material.title.clone(),
        url: material.url.clone(),
        body: material.body.clone(),
        available: AvailableFrom::of_stored(material.available_from),
        announce: false,
    };
    page(&state, &viewer, &material, &shown, &FormErrors::default()).await
}

/// The edit form: a link's page sends `url`, a note's `body`; the box only when ticked
/// (and only while no announcement was asked for).
#[derive(Debug, Deserialize)]
pub struct EditForm {
    title: String,
    #[serde(default)]
    url: Sent,
    #[serde(default)]
    body: Sent,
    available_day: String,
    available_month: String,
    available_year: String,
    available_time: String,
    #[serde(default)]
    announce: String,
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Result<Response, AppError> {
    let material = found(&state, id).await?;
    let mut errors = FormErrors::default();
    let title = check_title(&mut errors, &form.title);
    let mut shown = Shown {
        title: title.clone(),
        announce: form.announce == "yes",
        ..Shown::default()
    };
    let mut link = None;
    match material.kind {
        MaterialKind::File => {}
        MaterialKind::Link => {
            let url = required(form.url, "url")?;
            link = parse_link(&url)
                .map_err(|problem| errors.add("url", problem.to_string()))
                .ok();
            shown.url = url.trim().to_owned();
        }
        MaterialKind::Note => {
            let body = required(form.body, "body")?;
            shown.body = errors.multiline("body", &body, Some("Enter the note"), NOTE_CHARS);
        }
    }
    shown.available = AvailableFrom {
        day: form.available_day,
        month: form.available_month,
        year: form.available_year,
        time: form.available_time,
    };
    let available_from = shown.available.check(&mut errors);
    let (Ok(available_from), true) = (available_from, errors.is_empty()) else {
        return page(&state, &viewer, &material, &shown, &errors).await;
    };
    let content = match (&material.kind, &link) {
        (MaterialKind::Link, Some(link)) => Edit::Link(link),
        (MaterialKind::Note, _) => Edit::Note(&shown.body),
        _ => Edit::File,
    };
    let edit = MaterialEdit {
        title: &title,
        available_from,
        content,
        announce: shown.announce,
    };
    let address = client.to_string();
    let by = Admin::new(admin.user_id, &address);
    let announcement = service::update(state.ctx(), by, id, &edit).await?;
    Ok(to_list(material.cohort_id, saved_notice(announcement)))
}

#[derive(Template)]
#[template(path = "admin/materials/delete.html")]
struct DeletePage<'a> {
    layout: Layout,
    material: &'a Material,
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let material = found(&state, id).await?;
    Ok(render(&DeletePage {
        layout: Layout::new(
            "Delete this material",
            "Delete a material.",
            Section::Admin,
            &viewer,
        ),
        material: &material,
    })?
    .into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let address = client.to_string();
    let by = Admin::new(admin.user_id, &address);
    let cohort_id = service::delete(state.ctx(), by, id).await?;
    Ok(to_list(cohort_id, Notice::MaterialDeleted))
}

/// The file, for the education team, available to learners or not yet.
pub async fn file(
    State(state): State<AppState>,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let file = materials::file(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(crate::web::enrolment::material_file_response(file))
}
