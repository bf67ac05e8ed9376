//! `/admin/uploads`: images (with alt text) and PDFs for reports and posts. The type is
//! read from the file's bytes, the size is limited, and files live in the database.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::content::uploads::{self as service, NewFile, UploadError};
use crate::db::uploads::{self, UploadSummary};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::multipart::CheckedMultipart;
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::pagination::{PageLinks, PageQuery, Pager, page_address};

#[derive(Template)]
#[template(path = "admin/uploads.html")]
struct UploadsPage<'a> {
    layout: Layout,
    uploads: Vec<UploadSummary>,
    total: i64,
    pagination: PageLinks,
    alt_text: &'a str,
    max_size: String,
    errors: &'a FormErrors,
}

/// The form above page `page` of the uploads, newest first.
async fn page(
    state: &AppState,
    viewer: &Viewer,
    page: i64,
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
    let total = uploads::count_all(&state.db).await?;
    let pager = Pager::new(page, total);
    let page = UploadsPage {
        layout,
        uploads: uploads::page(&state.db, pager.window()).await?,
        total,
        pagination: pager.links(|n| page_address(paths::admin_uploads(), &[], n)),
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

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    notice: Option<String>,
    page: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let number = PageQuery { page: query.page }.number();
    let banner = NoticeQuery {
        notice: query.notice,
    }
    .banner();
    let no_errors = FormErrors::default();
    page(&state, &viewer, number, "", &no_errors, banner).await
}

/// The file and alt text as sent.
#[derive(Default)]
struct Sent {
    filename: String,
    bytes: Vec<u8>,
    alt_text: String,
}

/// Why the form could not be read.
enum NotRead {
    TooBig,
    Incomplete,
}

async fn read_form(mut multipart: CheckedMultipart, limit: usize) -> Result<Sent, NotRead> {
    let mut sent = Sent::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(sent),
            Err(_) => return Err(NotRead::Incomplete),
        };
        match field.name() {
            Some("file") => {
                sent.filename = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) if bytes.len() > limit => return Err(NotRead::TooBig),
                    Ok(bytes) => sent.bytes = bytes.to_vec(),
                    Err(_) => return Err(NotRead::Incomplete),
                }
            }
            Some("alt_text") => sent.alt_text = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
}

/// Reads the file and its alt text (after the CSRF token, which the extractor checked),
/// asks the content service to store it, and shows any problem beside its field.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    multipart: CheckedMultipart,
) -> Result<Response, AppError> {
    let limit = state.config.max_upload_bytes;
    let mut errors = FormErrors::default();
    let sent = match read_form(multipart, limit).await {
        Ok(sent) => sent,
        Err(NotRead::TooBig) => {
            errors.add(
                "file",
                format!("The file must be {} or smaller", megabytes(limit)),
            );
            Sent::default()
        }
        Err(NotRead::Incomplete) => {
            errors.add("file", "The upload did not arrive complete. Try again");
            Sent::default()
        }
    };
    let alt_text = errors.text("alt_text", &sent.alt_text, None, 250);
    if !errors.is_empty() {
        return page(&state, &viewer, 1, &alt_text, &errors, None).await;
    }
    let file = NewFile {
        filename: &sent.filename,
        bytes: &sent.bytes,
        alt_text: &alt_text,
    };
    let (field, problem) =
        match service::store(state.ctx(), admin.user_id, &client.to_string(), &file).await {
            Ok(_) => {
                let saved = paths::with_notice(paths::admin_uploads(), Notice::Saved.name());
                return Ok(Redirect::to(&saved).into_response());
            }
            Err(UploadError::Empty) => ("file", "Choose a file to upload"),
            Err(UploadError::UnsupportedType) => (
                "file",
                "The file must be a PNG, JPEG, GIF or WebP image, or a PDF",
            ),
            Err(UploadError::AltTextMissing) => (
                "alt_text",
                "Describe the image for people who cannot see it",
            ),
            Err(UploadError::Db(error)) => return Err(error.into()),
        };
    errors.add(field, problem);
    page(&state, &viewer, 1, &alt_text, &errors, None).await
}
