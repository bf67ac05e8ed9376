//! Evidence files on an entry: the upload page (`/cpd/{id}/evidence`, a multipart form
//! whose first part is the CSRF token, read by `CheckedMultipart`), each file served only
//! to its learner (never through the public uploads), and removing one.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{client_text, entry_id, form_errors, learner, own_entry};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::cpd::{self, CpdError};
use crate::db::cpd::Entry;
use crate::db::cpd::evidence;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, missing, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::multipart::CheckedMultipart;
use crate::web::notice::Notice;

#[derive(Template)]
#[template(path = "cpd/evidence.html")]
struct EvidencePage<'a> {
    layout: Layout,
    entry: &'a Entry,
    errors: &'a FormErrors,
    max_size: String,
}

fn page(
    state: &AppState,
    viewer: &Viewer,
    entry: &Entry,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    page_or_rejected(
        &EvidencePage {
            layout: Layout::new(
                "Add evidence",
                "Add a file to an entry in your CPD log.",
                Section::Account,
                viewer,
            )
            .with_errors(!errors.is_empty()),
            entry,
            errors,
            max_size: crate::web::enrolment::size(state.config.max_upload_bytes as i64),
        },
        errors,
    )
}

pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, AppError> {
    let entry = own_entry(&state, &user, entry_id(id)?).await?;
    page(&state, &viewer, &entry, &FormErrors::default())
}

pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    id: Result<Path<i64>, PathRejection>,
    mut multipart: CheckedMultipart,
) -> Result<Response, AppError> {
    let entry = own_entry(&state, &user, entry_id(id)?).await?;
    let limit = state.config.max_upload_bytes;
    let mut errors = FormErrors::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("evidence") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) if bytes.len() > limit => {
                        errors.add("evidence", too_big(limit));
                        break;
                    }
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(error) => {
                        errors.add("evidence", broken(&error, limit));
                        break;
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(error) => {
                errors.add("evidence", broken(&error, limit));
                break;
            }
        }
    }
    if !errors.is_empty() {
        return page(&state, &viewer, &entry, &errors);
    }
    let (name, bytes) = file.ok_or_else(|| missing("evidence"))?;
    let client = client_text(&client);
    let by = learner(&user, &client);
    match cpd::add_evidence(state.ctx(), by, entry.entry_id, &name, &bytes).await {
        Ok(_) => {
            let to = paths::with_notice(&paths::cpd_entry(entry.entry_id), Notice::Saved.name());
            Ok(Redirect::to(&to).into_response())
        }
        Err(CpdError::Invalid(problems)) => {
            let errors = form_errors(problems, &["evidence"]);
            page(&state, &viewer, &entry, &errors)
        }
        Err(other) => Err(other.into()),
    }
}

fn too_big(limit: usize) -> String {
    format!(
        "The file must be {} or smaller",
        crate::web::enrolment::size(limit as i64)
    )
}

fn broken(error: &axum::extract::multipart::MultipartError, limit: usize) -> String {
    match error.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_big(limit),
        _ => "The upload did not arrive complete. Try again".to_owned(),
    }
}

/// The file, for its learner only: its own type, never sniffed by the browser,
/// downloaded, sandboxed and never kept in any cache.
pub async fn download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Response, AppError> {
    let Ok(Path((entry_id, evidence_id))) = ids else {
        return Err(AppError::NotFound);
    };
    let file = evidence::file(&state.db, user.user_id, entry_id, evidence_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = file.filename.replace(['"', '\\'], "");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                file.file_format.content_type().to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        file.bytes,
    )
        .into_response())
}

/// The remove button sends nothing but its token.
#[derive(Debug, Deserialize)]
pub struct RemoveForm {}

pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    Form(_): Form<RemoveForm>,
) -> Result<Response, AppError> {
    let Ok(Path((entry_id, evidence_id))) = ids else {
        return Err(AppError::NotFound);
    };
    let client = client_text(&client);
    cpd::remove_evidence(state.ctx(), learner(&user, &client), entry_id, evidence_id).await?;
    let to = paths::with_notice(&paths::cpd_entry(entry_id), Notice::Saved.name());
    Ok(Redirect::to(&to).into_response())
}
