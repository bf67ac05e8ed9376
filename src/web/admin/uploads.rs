//! `/admin/uploads`: images (with alt text) and PDFs for reports and posts. The type is
//! read from the file's bytes, the size is limited, and files live in the database.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::audit::audit_admin;
use crate::db::uploads::{self, NewUpload, UploadSummary};
use crate::domain::upload::{safe_filename, sniff};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};

#[derive(Template)]
#[template(path = "admin/uploads.html")]
struct UploadsPage<'a> {
    layout: Layout,
    uploads: Vec<UploadSummary>,
    alt_text: &'a str,
    max_size: String,
    errors: &'a FormErrors,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    alt_text: &str,
    errors: &FormErrors,
    banner: Option<String>,
) -> Result<Response, AppError> {
    let layout = Layout::new(
        "Images and PDFs",
        "Upload images and PDFs.",
        Section::Admin,
        viewer,
    )
    .with_errors(!errors.is_empty())
    .with_banner(banner);
    let page = UploadsPage {
        layout,
        uploads: uploads::list(&state.db, None).await?,
        alt_text,
        max_size: megabytes(state.config.max_upload_bytes),
        errors,
    };
    page_or_rejected(&page, errors)
}

fn megabytes(bytes: usize) -> String {
    format!("{:.0} MB", (bytes as f64 / (1024.0 * 1024.0)).max(1.0))
}

/// Any upload, published or not, for the education team (never cached by others).
pub async fn show(
    State(state): State<AppState>,
    _: AdminUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let upload = uploads::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::web::content::uploads::file_response(upload, &headers, "private, no-store")
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    page(&state, &viewer, "", &FormErrors::default(), notice.banner()).await
}

/// The file and alt text as sent.
#[derive(Default)]
struct Sent {
    filename: String,
    bytes: Vec<u8>,
    alt_text: String,
}

async fn read_form(
    mut multipart: Multipart,
    limit: usize,
) -> Result<Result<Sent, &'static str>, AppError> {
    let mut sent = Sent::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(Ok(sent)),
            Err(_) => return Ok(Err("The upload did not arrive complete. Try again")),
        };
        match field.name() {
            Some("file") => {
                sent.filename = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) if bytes.len() > limit => return Ok(Err("too big")),
                    Ok(bytes) => sent.bytes = bytes.to_vec(),
                    Err(_) => return Ok(Err("The upload did not arrive complete. Try again")),
                }
            }
            Some("alt_text") => sent.alt_text = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
}

pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let limit = state.config.max_upload_bytes;
    let mut errors = FormErrors::default();
    let sent = match read_form(multipart, limit).await? {
        Ok(sent) => sent,
        Err("too big") => {
            errors.add(
                "file",
                format!("The file must be {} or smaller", megabytes(limit)),
            );
            Sent::default()
        }
        Err(problem) => {
            errors.add("file", problem);
            Sent::default()
        }
    };
    let alt_text = errors.text("alt_text", &sent.alt_text, None, 250);
    let file_type = sniff(&sent.bytes);
    if errors.is_empty() {
        match file_type {
            _ if sent.bytes.is_empty() => errors.add("file", "Choose a file to upload"),
            None => errors.add(
                "file",
                "The file must be a PNG, JPEG, GIF or WebP image, or a PDF",
            ),
            Some(t) if t.kind == "image" && alt_text.is_empty() => errors.add(
                "alt_text",
                "Describe the image for people who cannot see it",
            ),
            Some(_) => {}
        }
    }
    let Some(file_type) = file_type.filter(|_| errors.is_empty()) else {
        return page(&state, &viewer, &alt_text, &errors, None).await;
    };
    let filename = safe_filename(&sent.filename);
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let new = NewUpload {
        kind: file_type.kind,
        content_type: file_type.content_type,
        filename: &filename,
        bytes: &sent.bytes,
        alt_text: if file_type.kind == "image" {
            &alt_text
        } else {
            ""
        },
    };
    let id = uploads::insert(&mut tx, &new, now).await?;
    audit_admin(
        &mut tx,
        admin.user_id,
        "upload_added",
        &format!("upload {id}: {filename}"),
        &client.to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/uploads?notice={}", Notice::Saved.name())).into_response())
}
