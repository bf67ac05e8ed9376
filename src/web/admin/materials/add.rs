//! Adding a material to a cohort: a file (`/materials/file`, a multipart form whose CSRF
//! token is its first part, read by `CheckedMultipart`), a link or a note (url-encoded
//! forms). Each may ask for the cohort to be told by email.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{AvailableFrom, NOTE_CHARS, check_title, cohort_and_course, saved_notice, to_list};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::catalogue::Admin;
use crate::db::cohorts::Cohort;
use crate::db::courses::Course;
use crate::domain::material::{MaterialKind, Refused, parse_link, sniff};
use crate::error::AppError;
use crate::learning::materials::{Content, NewMaterial, add};
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, missing, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::multipart::CheckedMultipart;

/// The form as shown again: what was typed (a file cannot be shown again).
#[derive(Debug, Default)]
pub struct Shown {
    pub title: String,
    pub url: String,
    pub body: String,
    pub available: AvailableFrom,
    pub announce: bool,
}

#[derive(Template)]
#[template(path = "admin/materials/add.html")]
struct AddPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    kind: MaterialKind,
    heading: &'static str,
    action: String,
    shown: &'a Shown,
    errors: &'a FormErrors,
    max_size: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    cohort_id: i64,
    kind: MaterialKind,
    shown: &Shown,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(state, cohort_id).await?;
    let (heading, action) = match kind {
        MaterialKind::File => ("Add a file", paths::admin_material_new_file(cohort_id)),
        MaterialKind::Link => ("Add a link", paths::admin_material_new_link(cohort_id)),
        MaterialKind::Note => ("Add a note", paths::admin_material_new_note(cohort_id)),
    };
    let page = AddPage {
        layout: Layout::new(heading, heading, Section::Admin, viewer)
            .with_errors(!errors.is_empty()),
        cohort: &cohort,
        course: &course,
        kind,
        heading,
        action,
        shown,
        errors,
        max_size: crate::web::enrolment::size(state.config.max_upload_bytes as i64),
    };
    page_or_rejected(&page, errors)
}

pub async fn file_page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    page(
        &state,
        &viewer,
        id,
        MaterialKind::File,
        &Shown::default(),
        &FormErrors::default(),
    )
    .await
}

pub async fn link_page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    page(
        &state,
        &viewer,
        id,
        MaterialKind::Link,
        &Shown::default(),
        &FormErrors::default(),
    )
    .await
}

pub async fn note_page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    page(
        &state,
        &viewer,
        id,
        MaterialKind::Note,
        &Shown::default(),
        &FormErrors::default(),
    )
    .await
}

/// The link form: every field is always sent but the unticked box.
#[derive(Debug, Deserialize)]
pub struct LinkForm {
    title: String,
    url: String,
    available_day: String,
    available_month: String,
    available_year: String,
    available_time: String,
    #[serde(default)]
    announce: String,
}

/// The note form: every field is always sent but the unticked box.
#[derive(Debug, Deserialize)]
pub struct NoteForm {
    title: String,
    body: String,
    available_day: String,
    available_month: String,
    available_year: String,
    available_time: String,
    #[serde(default)]
    announce: String,
}

/// Saves the checked material and goes back to the list saying what happens next.
async fn save(
    state: &AppState,
    admin: i64,
    client: &ClientAddress,
    cohort_id: i64,
    new: &NewMaterial<'_>,
) -> Result<Response, AppError> {
    let address = client.to_string();
    let added = add(state.ctx(), Admin::new(admin, &address), cohort_id, new).await?;
    Ok(to_list(cohort_id, saved_notice(added.announcement)))
}

pub async fn add_link(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let title = check_title(&mut errors, &form.title);
    let link = parse_link(&form.url)
        .map_err(|problem| errors.add("url", problem.to_string()))
        .ok();
    let available = AvailableFrom {
        day: form.available_day,
        month: form.available_month,
        year: form.available_year,
        time: form.available_time,
    };
    let available_from = available.check(&mut errors);
    let shown = Shown {
        title: title.clone(),
        url: form.url.trim().to_owned(),
        available,
        announce: form.announce == "yes",
        ..Shown::default()
    };
    let (Some(link), Ok(available_from), true) = (link, available_from, errors.is_empty()) else {
        return page(&state, &viewer, id, MaterialKind::Link, &shown, &errors).await;
    };
    let new = NewMaterial {
        title: &title,
        available_from,
        content: Content::Link(&link),
        announce: shown.announce,
    };
    save(&state, admin.user_id, &client, id, &new).await
}

pub async fn add_note(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let title = check_title(&mut errors, &form.title);
    let body = errors.multiline("body", &form.body, Some("Enter the note"), NOTE_CHARS);
    let available = AvailableFrom {
        day: form.available_day,
        month: form.available_month,
        year: form.available_year,
        time: form.available_time,
    };
    let available_from = available.check(&mut errors);
    let shown = Shown {
        title: title.clone(),
        body: body.clone(),
        available,
        announce: form.announce == "yes",
        ..Shown::default()
    };
    let (Ok(available_from), true) = (available_from, errors.is_empty()) else {
        return page(&state, &viewer, id, MaterialKind::Note, &shown, &errors).await;
    };
    let new = NewMaterial {
        title: &title,
        available_from,
        content: Content::Note(&body),
        announce: shown.announce,
    };
    save(&state, admin.user_id, &client, id, &new).await
}

/// The file form as it arrived: each field the page always sends, if it came.
#[derive(Default)]
struct FileSent {
    title: Option<String>,
    filename: String,
    bytes: Option<Vec<u8>>,
    day: Option<String>,
    month: Option<String>,
    year: Option<String>,
    time: Option<String>,
    announce: bool,
}

/// Why the rest of the form could not be read.
enum Broken {
    TooBig,
    Incomplete,
}

/// Reads the parts after the CSRF token (which the extractor checked).
async fn read_file_form(
    mut multipart: CheckedMultipart,
    limit: usize,
) -> (FileSent, Option<Broken>) {
    let mut sent = FileSent::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (sent, None),
            Err(error) => return (sent, Some(broken(&error))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            sent.filename = field.file_name().unwrap_or_default().to_owned();
            match field.bytes().await {
                Ok(bytes) if bytes.len() > limit => return (sent, Some(Broken::TooBig)),
                Ok(bytes) => sent.bytes = Some(bytes.to_vec()),
                Err(error) => return (sent, Some(broken(&error))),
            }
            continue;
        }
        let text = match field.text().await {
            Ok(text) => text,
            Err(error) => return (sent, Some(broken(&error))),
        };
        match name.as_str() {
            "title" => sent.title = Some(text),
            "available_day" => sent.day = Some(text),
            "available_month" => sent.month = Some(text),
            "available_year" => sent.year = Some(text),
            "available_time" => sent.time = Some(text),
            "announce" => sent.announce = text == "yes",
            _ => {}
        }
    }
}

fn broken(error: &axum::extract::multipart::MultipartError) -> Broken {
    match error.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Broken::TooBig,
        _ => Broken::Incomplete,
    }
}

/// What a refused file's field says.
fn file_problem(refused: Refused) -> &'static str {
    match refused {
        Refused::Unrecognised => {
            "The file must be a PDF, a Word, Excel or PowerPoint document (.docx, .xlsx, .pptx), an OpenDocument file (.odt, .ods, .odp), a PNG, JPEG, GIF or WebP image, or plain text"
        }
        Refused::Macros => {
            "The file contains macros, which we do not accept. Save it without them (for example as .docx rather than .docm) and choose it again"
        }
    }
}

pub async fn add_file(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    multipart: CheckedMultipart,
) -> Result<Response, AppError> {
    let limit = state.config.max_upload_bytes;
    let (sent, broken) = read_file_form(multipart, limit).await;
    let mut errors = FormErrors::default();
    match broken {
        Some(Broken::TooBig) => errors.add(
            "file",
            format!(
                "The file must be {} or smaller",
                crate::web::enrolment::size(limit as i64)
            ),
        ),
        Some(Broken::Incomplete) => {
            errors.add("file", "The upload did not arrive complete. Try again")
        }
        // A whole body without a field the page always sends was not sent by the page.
        None => {
            let fields = [
                ("title", sent.title.is_some()),
                ("file", sent.bytes.is_some()),
                ("available_day", sent.day.is_some()),
                ("available_month", sent.month.is_some()),
                ("available_year", sent.year.is_some()),
                ("available_time", sent.time.is_some()),
            ];
            if let Some((field, _)) = fields.iter().find(|(_, arrived)| !arrived) {
                return Err(missing(field));
            }
        }
    }
    let title = check_title(&mut errors, sent.title.as_deref().unwrap_or_default());
    let bytes = sent.bytes.unwrap_or_default();
    if broken.is_none() {
        if bytes.is_empty() {
            errors.add("file", "Choose a file to upload");
        } else if let Err(refused) = sniff(&bytes) {
            errors.add("file", file_problem(refused));
        }
    }
    let available = AvailableFrom {
        day: sent.day.unwrap_or_default(),
        month: sent.month.unwrap_or_default(),
        year: sent.year.unwrap_or_default(),
        time: sent.time.unwrap_or_default(),
    };
    let available_from = available.check(&mut errors);
    let shown = Shown {
        title: title.clone(),
        available,
        announce: sent.announce,
        ..Shown::default()
    };
    let (Ok(available_from), true) = (available_from, errors.is_empty()) else {
        let errors = errors.in_field_order(&["title", "file", "available"]);
        return page(&state, &viewer, id, MaterialKind::File, &shown, &errors).await;
    };
    let new = NewMaterial {
        title: &title,
        available_from,
        content: Content::File {
            filename: &sent.filename,
            bytes: &bytes,
        },
        announce: shown.announce,
    };
    save(&state, admin.user_id, &client, id, &new).await
}
