//! `/uploads/{id}`: images and PDFs of published reports and posts, from the database, with
//! their own content type, a year-long cache (an upload never changes; a new file gets a new
//! id) and an ETag. Admins see any upload at `/admin/uploads/{id}`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::db::uploads;
use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/uploads/{id}", get(serve))
}

async fn serve(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if !uploads::is_public(&state.db, id, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    let upload = uploads::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    file_response(upload, &headers, "public, max-age=31536000, immutable")
}

/// The file with its type, ETag (answering 304 when it matches) and caching.
pub fn file_response(
    upload: uploads::Upload,
    headers: &HeaderMap,
    cache: &str,
) -> Result<Response, AppError> {
    let etag = format!("\"{}\"", upload.sha256);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CACHE_CONTROL, cache.to_owned()),
            ],
        )
            .into_response());
    }
    // PDFs download with their name; images show inline. The stored type was checked on
    // upload against the file's own bytes.
    let disposition = match upload.kind.as_str() {
        "pdf" => format!(
            "attachment; filename=\"{}\"",
            upload.filename.replace(['"', '\\'], "")
        ),
        _ => "inline".to_owned(),
    };
    Ok((
        [
            (header::CONTENT_TYPE, upload.content_type),
            (header::CACHE_CONTROL, cache.to_owned()),
            (header::ETAG, etag),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        upload.bytes,
    )
        .into_response())
}
