//! Static files embedded in the binary, served under versioned URLs with long caching.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use rust_embed::RustEmbed;
use serde::Deserialize;

use crate::auth::viewer::SameForEveryVisitor;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Static;

/// A short content hash per file: it versions URLs and doubles as the ETag.
static VERSIONS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    Static::iter()
        .filter_map(|name| {
            let file = Static::get(&name)?;
            Some((
                name.to_string(),
                hex::encode(&file.metadata.sha256_hash()[..8]),
            ))
        })
        .collect()
});

/// `/static/app.css?v=<hash>`: the hash changes whenever the file does, so the URL can be
/// cached for a year.
pub fn versioned_url(name: &str) -> String {
    match VERSIONS.get(name) {
        Some(version) => format!("{}?v={version}", paths::asset(name)),
        None => paths::asset(name),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/static/{*path}", get(serve_asset))
}

#[derive(Deserialize)]
struct VersionQuery {
    v: Option<String>,
}

async fn serve_asset(
    Path(path): Path<String>,
    Query(query): Query<VersionQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (Some(file), Some(version)) = (Static::get(&path), VERSIONS.get(&path)) else {
        return Err(AppError::NotFound);
    };
    let etag = HeaderValue::from_str(&format!("\"{version}\"")).map_err(AppError::internal)?;
    // Only the current version may be cached for good; an old or missing version revalidates.
    let cache_control = if query.v.as_deref() == Some(version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=0, must-revalidate"
    };
    let cache_headers = [
        (header::ETAG, etag.clone()),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag == etag)
    {
        return Ok((StatusCode::NOT_MODIFIED, cache_headers).into_response());
    }
    let content_type =
        HeaderValue::from_str(file.metadata.mimetype()).map_err(AppError::internal)?;
    Ok((
        cache_headers,
        [(header::CONTENT_TYPE, content_type)],
        Extension(SameForEveryVisitor),
        file.data,
    )
        .into_response())
}
