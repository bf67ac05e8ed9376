//! Operations endpoints: liveness, readiness and Prometheus metrics.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::config::{Config, Secret};
use crate::state::AppState;

/// Who may read `/metrics` on the main address.
#[derive(Clone, Debug)]
pub enum MetricsAccess {
    /// Development without a token: anyone on this (local) address.
    Open,
    /// Only with `Authorization: Bearer <token>`.
    Token(Secret),
    /// Not on the main address (production without a token, or a separate metrics address).
    Hidden,
}

/// Who may read `/metrics` on the main address under this configuration.
pub fn metrics_access(config: &Config) -> MetricsAccess {
    match (&config.metrics_token, config.metrics_bind) {
        (_, Some(_)) => MetricsAccess::Hidden,
        (Some(token), None) => MetricsAccess::Token(token.clone()),
        (None, None) if config.is_production() => MetricsAccess::Hidden,
        (None, None) => MetricsAccess::Open,
    }
}

pub fn router(access: MetricsAccess) -> Router<AppState> {
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz));
    match access {
        MetricsAccess::Hidden => router,
        MetricsAccess::Open => router.route("/metrics", get(metrics_open)),
        MetricsAccess::Token(token) => router.route(
            "/metrics",
            get(move |state: State<AppState>, headers: HeaderMap| {
                metrics_with_token(state, headers, token)
            }),
        ),
    }
}

/// The router for a separate metrics address: nothing but `/metrics`.
pub fn metrics_only_router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics_open))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.check_ready().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(error) => {
            tracing::warn!(%error, "not ready");
            let reason = match error {
                crate::db::NotReady::Unreachable(_) => "database unreachable",
                crate::db::NotReady::PendingMigrations(_) => "migrations not applied",
            };
            // Details go to the log, not to whoever asks.
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {reason}\n"),
            )
                .into_response()
        }
    }
}

async fn metrics_open(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::metrics::render(&state.db),
    )
        .into_response()
}

async fn metrics_with_token(state: State<AppState>, headers: HeaderMap, token: Secret) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match presented {
        Some(presented) if constant_time_eq(presented.as_bytes(), token.expose().as_bytes()) => {
            metrics_open(state).await
        }
        _ => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a bearer token is required\n",
        )
            .into_response(),
    }
}

/// Compares without stopping at the first difference, so timing reveals nothing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
