//! `/account/data`: a download of everything held about you, as a JSON file.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::accounts::export::export;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;

pub async fn download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    let export = export(state.ctx(), user).await?;
    let json = serde_json::to_vec_pretty(&export).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"academy-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        json,
    )
        .into_response())
}
