//! The application: shared state, router assembly with its layers, and the server loop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::keys::Keys;
use crate::auth::password::PasswordHasher;
use crate::auth::session_store::Sessions;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::email::{Mailer, Site};
use crate::error::ErrorPage;
use crate::web::ops::MetricsAccess;
use crate::web::{error_pages, ops, security};

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Clock,
    pub passwords: PasswordHasher,
    pub mailer: Mailer,
    pub keys: Arc<Keys>,
    pub sessions: Sessions,
    /// The card checkout provider, when one is configured.
    pub card: Option<crate::payments::CardProvider>,
}

impl AppState {
    /// Connects to the database and applies migrations, so a started state is ready to serve.
    pub async fn start(config: Config, clock: Clock) -> anyhow::Result<AppState> {
        let db = Db::connect(&config.database_url, config.db_max_connections)
            .await
            .with_context(|| format!("cannot open the database {:?}", config.database_url))?;
        db.migrate()
            .await
            .context("cannot apply database migrations")?;
        let passwords = PasswordHasher::new(config.password_hashing)?;
        let mailer = Mailer::from_config(&config)?;
        let secret = config
            .secret
            .as_ref()
            .context("the secret was not resolved")?;
        let keys = Arc::new(Keys::derive(secret));
        let sessions = Sessions::open(&db)
            .await
            .context("cannot prepare the session store")?;
        crate::db::users::backfill_search_text(&db).await?;
        // Installed before the first request, so nothing is counted into the void.
        crate::metrics::handle();
        let card = config.card.as_ref().map(|card| {
            crate::payments::CardProvider::new(
                card.api_base.clone(),
                card.secret_key.expose().to_owned(),
                card.webhook_secret.expose().to_owned(),
            )
        });
        Ok(AppState {
            config: Arc::new(config),
            db,
            clock,
            passwords,
            mailer,
            keys,
            sessions,
            card,
        })
    }

    /// Absolute links for emails.
    pub fn site(&self) -> Site {
        Site::new(&self.config.base_url, &self.config.contact_email)
    }

    fn metrics_access(&self) -> MetricsAccess {
        match (&self.config.metrics_token, self.config.metrics_bind) {
            (_, Some(_)) => MetricsAccess::Hidden,
            (Some(token), None) => MetricsAccess::Token(token.clone()),
            (None, None) if self.config.is_production() => MetricsAccess::Hidden,
            (None, None) => MetricsAccess::Open,
        }
    }
}

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
    let site = protected(with_viewer(pages, &state), &state)
        .merge(protected(crate::web::assets::router(), &state))
        .merge(protected(crate::web::content::uploads::router(), &state))
        .merge(protected_with_limit(
            with_viewer(crate::web::admin::uploads_router(), &state),
            &state,
            // Room for the file and the form's other fields.
            state.config.max_upload_bytes + 64 * 1024,
        ))
        .layer(middleware::from_fn(error_pages::render_error_pages));
    let routes = site
        .merge(protected(ops::router(state.metrics_access()), &state))
        .merge(protected(crate::web::payments::router(), &state));
    with_outer_layers(routes, &state).with_state(state)
}

/// The router for `ACADEMY_METRICS_BIND`.
pub fn metrics_router(state: AppState) -> Router {
    ops::metrics_only_router().with_state(state)
}

/// Sessions, then who is asking, then the CSRF check on anything that changes state.
fn with_viewer(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name("academy_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.is_production())
        .with_expiry(Expiry::OnSessionEnd);
    routes
        .layer(middleware::from_fn(crate::auth::csrf::verify_csrf))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::viewer::load_viewer,
        ))
        .layer(sessions)
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
/// compression.
fn with_outer_layers(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let production = state.config.is_production();
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
            .layer(CompressionLayer::new()),
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
