//! The public pages every visitor can read: accessibility, privacy and contact.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::middleware::from_fn;
use axum::response::Html;
use axum::routing::get;

use super::layout::{Layout, Section};
use super::recent_pages::kept;
use super::render;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(super::home::page).layer(from_fn(kept)))
        .route("/accessibility", get(accessibility))
        .route("/privacy", get(privacy))
        .route("/contact", get(contact))
}

#[derive(Template)]
#[template(path = "public/accessibility.html")]
struct AccessibilityPage {
    layout: Layout,
    contact_email: String,
}

async fn accessibility(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    render(&AccessibilityPage {
        layout: Layout::new(
            "Accessibility statement",
            "How accessible Academy is, and how to tell us about a problem.",
            Section::Other,
            &viewer,
        ),
        contact_email: state.config.contact_email.clone(),
    })
}

#[derive(Template)]
#[template(path = "public/privacy.html")]
struct PrivacyPage {
    layout: Layout,
    contact_email: String,
}

async fn privacy(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    render(&PrivacyPage {
        layout: Layout::new(
            "Privacy notice",
            "What personal information Academy keeps, why, for how long, and your rights.",
            Section::Other,
            &viewer,
        ),
        contact_email: state.config.contact_email.clone(),
    })
}

#[derive(Template)]
#[template(path = "public/contact.html")]
struct ContactPage {
    layout: Layout,
    contact_email: String,
}

async fn contact(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    render(&ContactPage {
        layout: Layout::new(
            "Contact us",
            "How to contact the education team about courses, enrolment or your account.",
            Section::Other,
            &viewer,
        ),
        contact_email: state.config.contact_email.clone(),
    })
}
