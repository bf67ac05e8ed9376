//! The pages around emailed links: "check your email", and a link that no longer works.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::web::layout::{Layout, Section};
use crate::web::render;

/// The heading for any account link that no longer works.
pub const LINK_EXPIRED: &str = "This link has expired or has already been used";

#[derive(Template)]
#[template(path = "sign_in/link_problem.html")]
struct LinkProblemPage {
    layout: Layout,
    heading: &'static str,
    advice: &'static str,
}

/// A link that does not work (any more): 404 with what to do instead.
pub fn link_problem(
    viewer: &Viewer,
    heading: &'static str,
    advice: &'static str,
) -> Result<Response, AppError> {
    let page = LinkProblemPage {
        layout: Layout::new(heading, heading, Section::Account, viewer),
        heading,
        advice,
    };
    Ok((StatusCode::NOT_FOUND, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "sign_in/check_email.html")]
struct CheckEmailPage {
    layout: Layout,
    heading: &'static str,
    reason: &'static str,
}

/// "Check your email", saying why.
pub fn check_email_page(viewer: &Viewer, reason: &'static str) -> Result<Html<String>, AppError> {
    render(&CheckEmailPage {
        layout: Layout::new(
            "Check your email",
            "Check your email.",
            Section::Account,
            viewer,
        ),
        heading: "Check your email",
        reason,
    })
}
