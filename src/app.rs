//! The application: router assembly with its layers, and the server loop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::viewer::CookieNames;
use crate::error::ErrorPage;
use crate::state::AppState;
use crate::web::multipart::UploadRoutes;
use crate::web::recent_pages::RecentPages;
use crate::web::{caching, compress_once, error_pages, ops, security};

/// The whole site.
pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// The whole site plus `extra` routes, which get the same pages and layers (tests use it to
/// add a slow or failing route).
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    let pages = crate::web::site_routes()
        .merge(extra)
        .fallback(|| async { crate::error::AppError::NotFound });
    // Assets need no viewer: no session lookup, no cookie on a response cached for a year.
    let site = protected(with_page_csrf(pages, &state), &state)
        .merge(protected(crate::web::assets::router(), &state))
        .merge(protected(crate::web::content::uploads::router(), &state))
        .merge(protected_with_limit(
            with_upload_csrf(crate::web::upload_routes(), &state),
            &state,
            // Room for the file and the form's other fields.
            state.config.max_upload_bytes + 64 * 1024,
        ))
        .layer(middleware::from_fn(error_pages::render_error_pages));
    let routes = site
        .merge(protected(
            ops::router(ops::metrics_access(&state.config)),
            &state,
        ))
        .merge(protected(crate::web::payments::router(), &state));
    with_outer_layers(routes, &state).with_state(state)
}

/// The router for `ACADEMY_METRICS_BIND`.
pub fn metrics_router(state: AppState) -> Router {
    ops::metrics_only_router().with_state(state)
}

/// Page routes: a state-changing request must be a url-encoded form carrying the CSRF
/// token; anything else (multipart included) is refused before any handler.
fn with_page_csrf(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    with_viewer(
        routes.layer(middleware::from_fn(crate::auth::csrf::verify_csrf)),
        state,
    )
}

/// Upload routes: their POST handlers take `CheckedMultipart` (the type of `UploadRoutes`
/// insists), which checks the token in the body's first part before any file is read.
fn with_upload_csrf(routes: UploadRoutes, state: &AppState) -> Router<AppState> {
    with_viewer(routes.into_router(), state)
}

/// Sessions, then who is asking, then the cache headers that depend on who it is.
fn with_viewer(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name(CookieNames::for_production(state.config.is_production()).session)
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.is_production())
        .with_expiry(Expiry::OnSessionEnd);
    let recent_pages = Arc::new(RecentPages::new(
        state.clock.clone(),
        state.published.clone(),
    ));
    routes
        .layer(middleware::from_fn(caching::by_viewer))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::viewer::load_viewer,
        ))
        .layer(sessions)
        .layer(Extension(recent_pages))
}

/// Inside the error pages, so what they answer is rendered: timeout, panic capture, body limit.
fn protected(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    protected_with_limit(routes, state, state.config.max_body_bytes)
}

fn protected_with_limit(
    routes: Router<AppState>,
    state: &AppState,
    limit: usize,
) -> Router<AppState> {
    routes.layer(
        ServiceBuilder::new()
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                state.config.request_timeout,
            ))
            .layer(CatchPanicLayer::custom(panic_response))
            .layer(DefaultBodyLimit::max(limit))
            .layer(RequestBodyLimitLayer::new(limit)),
    )
}

/// Around everything, outermost first: request id, tracing, metrics, security headers,
/// compression (and inside it, keeping the gzip of what every visitor gets alike).
fn with_outer_layers(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let production = state.config.is_production();
    let bodies = compress_once::CompressedBodies::default();
    let policy = security::content_security_policy(
        state
            .config
            .card
            .as_ref()
            .map(|card| card.checkout_origin.as_str()),
    );
    routes.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(TraceLayer::new_for_http().make_span_with(request_span))
            .layer(middleware::from_fn(crate::metrics::track))
            .layer(middleware::from_fn(move |req, next| {
                security::add_headers(production, policy.clone(), req, next)
            }))
            // Per request, so the fastest level: about a tenth larger than the default level's
            // output in about half its time (what is kept is compressed at the best).
            .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
            .layer(middleware::from_fn(move |req, next| {
                compress_once::compress_once(bodies.clone(), req, next)
            })),
    )
}

/// Spans name the route pattern and request id, never the raw path (it may hold a token).
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str());
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!("request", method = %request.method(), route, request_id)
}

fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(panic = %message, "handler panicked");
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(ErrorPage::default());
    response
}

/// Serves until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
