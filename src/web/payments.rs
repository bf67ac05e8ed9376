//! `/payments/webhook`: the card provider's signed events. Verified on the raw body, small,
//! outside sessions and CSRF (the signature is the proof), and idempotent on the event id.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::enrolment::card::handle_event;
use crate::state::AppState;

/// Provider events are a few kilobytes; anything larger is not one.
const MAX_EVENT_BYTES: usize = 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/payments/webhook", post(webhook))
        .layer(DefaultBodyLimit::max(MAX_EVENT_BYTES))
}

async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(provider) = state.card.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let signature = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let event = match provider.verify_webhook(&body, signature, state.clock.now()) {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(%error, "webhook refused");
            return (StatusCode::BAD_REQUEST, error.to_string()).into_response();
        }
    };
    match handle_event(state.enrolment(), &event).await {
        Ok(outcome) => {
            tracing::info!(event = %event.id, ?outcome, "webhook handled");
            (StatusCode::OK, "ok").into_response()
        }
        Err(error) => {
            // The provider retries on a 5xx, and the event id makes the retry safe.
            tracing::error!(event = %event.id, error = ?error, "webhook failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
