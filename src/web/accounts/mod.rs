//! Signing up and in: register, verify an address, sign in and out, reset a password.

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

mod login;
mod register;
mod reset;
mod verify;

pub use register::PROFESSIONAL_BODIES;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", get(register::show).post(register::submit))
        .route("/register/check-email", get(register::check_email))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/verify-email/resend", post(verify::resend))
        .route(
            "/verify-email/{token}",
            get(verify::show).post(verify::confirm),
        )
        .route(
            "/forgot-password",
            get(reset::show_request).post(reset::request),
        )
        .route("/forgot-password/check-email", get(reset::check_email))
        .route(
            "/reset-password/{token}",
            get(reset::show_reset).post(reset::reset),
        )
}
