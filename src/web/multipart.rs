//! The only way into a multipart body: `UploadRoutes`, the only routes that accept one, and
//! `CheckedMultipart`, the one extractor that reads it, CSRF token first.
//!
//! Page routes refuse every state-changing request that is not a url-encoded form
//! (`auth::csrf::verify_csrf`). Upload routes skip that middleware, so the check has to be
//! in the handler: `UploadRoutes` accepts a POST handler only if its last argument is
//! `CheckedMultipart` (the `UploadHandler` bound), and `tests/it/architecture.rs` refuses
//! axum's own multipart extractor anywhere but here.

use axum::Router;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::auth::Viewer;
use crate::auth::csrf::{self, FIELD};
use crate::error::AppError;
use crate::state::AppState;

/// A token is 64 hex characters; anything much longer is not one.
const MAX_TOKEN_BYTES: usize = 256;

/// A multipart body whose first part was the viewer's CSRF token: a plain field (not a
/// file) named `csrf_token`. The handler reads the parts after it. Anything else (no
/// token, a wrong one, a file first, the token after a file) is refused before any file
/// is read.
pub struct CheckedMultipart(Multipart);

impl CheckedMultipart {
    /// The next part after the token.
    pub async fn next_field(&mut self) -> Result<Option<Field<'_>>, MultipartError> {
        self.0.next_field().await
    }
}

impl<S: Send + Sync> FromRequest<S> for CheckedMultipart {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Some(viewer) = request.extensions().get::<Viewer>().cloned() else {
            return Err(AppError::internal(anyhow::anyhow!(
                "an upload route ran without the viewer"
            ))
            .into_response());
        };
        let refused = || AppError::CsrfRejected.into_response();
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|_| refused())?;
        let presented = match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some(FIELD) && field.file_name().is_none() => {
                read_token(field).await?
            }
            Ok(_) => return Err(refused()),
            Err(error) => return Err(unreadable(&error)),
        };
        if !csrf::accepts(&viewer, &presented) {
            return Err(refused());
        }
        Ok(CheckedMultipart(multipart))
    }
}

async fn read_token(mut field: Field<'_>) -> Result<Vec<u8>, Response> {
    let mut token = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) if token.len() + chunk.len() <= MAX_TOKEN_BYTES => {
                token.extend_from_slice(&chunk);
            }
            Ok(Some(_)) => return Err(AppError::CsrfRejected.into_response()),
            Ok(None) => return Ok(token),
            Err(error) => return Err(unreadable(&error)),
        }
    }
}

/// A body past the size limit says so; any other broken body has no token to check.
fn unreadable(error: &MultipartError) -> Response {
    match error.status() {
        StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        _ => AppError::CsrfRejected.into_response(),
    }
}

/// A handler whose last argument is `CheckedMultipart`: the only kind `UploadRoutes`
/// takes for a POST, so no upload route changes state before the token is checked.
pub trait UploadHandler<T>: Handler<T, AppState> {}

macro_rules! upload_handler {
    ($($ty:ident),*) => {
        impl<F, M, $($ty,)*> UploadHandler<(M, $($ty,)* CheckedMultipart,)> for F where
            F: Handler<(M, $($ty,)* CheckedMultipart,), AppState>
        {
        }
    };
}

upload_handler!();
upload_handler!(T1);
upload_handler!(T1, T2);
upload_handler!(T1, T2, T3);
upload_handler!(T1, T2, T3, T4);
upload_handler!(T1, T2, T3, T4, T5);
upload_handler!(T1, T2, T3, T4, T5, T6);
upload_handler!(T1, T2, T3, T4, T5, T6, T7);
upload_handler!(T1, T2, T3, T4, T5, T6, T7, T8);

/// The routes that take a multipart upload, mounted by `app.rs` with the upload size limit
/// and without the form-body CSRF middleware. Only a POST through `UploadHandler` and a
/// GET can be added, and an upload path cannot also be a page route's path.
#[derive(Default)]
pub struct UploadRoutes(Router<AppState>);

impl UploadRoutes {
    pub fn new() -> Self {
        UploadRoutes::default()
    }

    /// `path` takes an upload by POST.
    pub fn upload<H, T>(self, path: &str, take: H) -> Self
    where
        H: UploadHandler<T>,
        T: 'static,
    {
        UploadRoutes(self.0.route(path, post(take)))
    }

    /// `path` shows its form by GET and takes the upload by POST.
    pub fn upload_with_page<P, TP, H, T>(self, path: &str, page: P, take: H) -> Self
    where
        P: Handler<TP, AppState>,
        TP: 'static,
        H: UploadHandler<T>,
        T: 'static,
    {
        UploadRoutes(self.0.route(path, get(page).post(take)))
    }

    pub fn merge(self, other: UploadRoutes) -> Self {
        UploadRoutes(self.0.merge(other.0))
    }

    /// For `app.rs`, which adds the layers.
    pub fn into_router(self) -> Router<AppState> {
        self.0
    }
}
