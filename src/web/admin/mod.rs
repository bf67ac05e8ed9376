//! `/admin`: the education team's pages. Every handler takes `AdminUser`.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};

use crate::auth::{AdminUser, Viewer};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::multipart::UploadRoutes;
use crate::web::render;

mod attendance;
mod audit;
mod cohort_form;
mod cohorts;
mod completion;
mod courses;
mod deleting;
mod emails;
mod enrolment;
mod evaluations;
mod home;
mod materials;
mod posts;
mod publishable;
mod reports;
mod roster;
mod roster_csv;
mod uploads;
mod users;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/audit", get(audit::page))
        .route("/admin/audit.csv", get(audit::csv))
        .route("/admin/users", get(users::list))
        .route("/admin/users/{id}", get(users::detail))
        .route("/admin/users/{id}/role", post(users::change_role))
        .route(
            "/admin/users/{id}/learner-type",
            post(users::override_learner_type),
        )
        .route("/admin/users/{id}/disable", post(users::disable))
        .route("/admin/users/{id}/enable", post(users::enable))
        .route("/admin/courses", get(courses::list).post(courses::create))
        .route("/admin/courses/new", get(courses::new))
        .route("/admin/courses/{id}", post(courses::update))
        .route("/admin/courses/{id}/edit", get(courses::edit))
        .route("/admin/courses/{id}/publish", post(courses::publish))
        .route("/admin/courses/{id}/unpublish", post(courses::unpublish))
        .route("/admin/cohorts", get(cohorts::overview))
        .route("/admin/courses/{id}/cohorts/new", get(cohorts::new))
        .route("/admin/courses/{id}/cohorts", post(cohorts::create))
        .route(
            "/admin/cohorts/{id}",
            get(roster::page).post(cohorts::update),
        )
        .route("/admin/cohorts/{id}/learners", post(roster::add))
        .route("/admin/cohorts/{id}/roster.csv", get(roster_csv::csv))
        .route("/admin/enrolments/{id}", get(enrolment::page))
        .route("/admin/enrolments/{id}/cancel", post(enrolment::cancel))
        .route("/admin/enrolments/{id}/move", post(enrolment::move_place))
        .route(
            "/admin/enrolments/{id}/confirm-invoice",
            post(enrolment::confirm_invoice),
        )
        .route(
            "/admin/enrolments/{id}/invoice-paid",
            post(enrolment::invoice_paid),
        )
        .route(
            "/admin/enrolments/{id}/documents/{kind}",
            get(enrolment::document),
        )
        .route("/admin/cohorts/{id}/edit", get(cohorts::edit))
        .route("/admin/cohorts/{id}/open", post(cohorts::open))
        .route("/admin/cohorts/{id}/launch-next", get(cohorts::launch_next))
        .route(
            "/admin/cohorts/{id}/cancel",
            get(cohorts::confirm_cancel).post(cohorts::cancel),
        )
        .route("/admin/cohorts/{id}/close", post(cohorts::close))
        .route(
            "/admin/cohorts/{id}/complete",
            post(completion::complete_cohort),
        )
        .route("/admin/cohorts/{id}/attendance", get(attendance::cohort))
        .route(
            "/admin/sessions/{id}/attendance",
            get(attendance::register).post(attendance::save),
        )
        .route(
            "/admin/cohorts/{id}/completion",
            get(completion::page).post(completion::complete_all),
        )
        .route(
            "/admin/enrolments/{id}/complete",
            post(completion::complete_one),
        )
        .route(
            "/admin/enrolments/{id}/not-completed",
            get(completion::confirm_not_completed).post(completion::not_completed),
        )
        .route("/admin/cohorts/{id}/evaluations", get(evaluations::page))
        .route("/admin/cohorts/{id}/evaluations.csv", get(evaluations::csv))
        .route("/admin/home", get(home::edit).post(home::save))
        .route("/admin/reports", get(reports::list).post(reports::create))
        .route("/admin/reports/new", get(reports::new))
        .route("/admin/reports/{id}", post(reports::update))
        .route("/admin/reports/{id}/edit", get(reports::edit))
        .route(
            "/admin/reports/{id}/delete",
            get(deleting::confirm_report).post(deleting::delete_report),
        )
        .route("/admin/posts", get(posts::list).post(posts::create))
        .route("/admin/posts/new", get(posts::new))
        .route("/admin/posts/{id}", post(posts::update))
        .route("/admin/posts/{id}/edit", get(posts::edit))
        .route(
            "/admin/posts/{id}/delete",
            get(deleting::confirm_post).post(deleting::delete_post),
        )
        .route("/admin/emails", get(emails::list))
        .route("/admin/emails/{id}/retry", post(emails::retry))
        .route("/admin/uploads/{id}", get(uploads::show))
        .route("/admin/cohorts/{id}/materials", get(materials::list))
        .route(
            "/admin/cohorts/{id}/materials/link",
            get(materials::link_page).post(materials::add_link),
        )
        .route(
            "/admin/cohorts/{id}/materials/note",
            get(materials::note_page).post(materials::add_note),
        )
        .route("/admin/materials/{id}", post(materials::update))
        .route("/admin/materials/{id}/edit", get(materials::edit_page))
        .route("/admin/materials/{id}/move", post(materials::move_one))
        .route(
            "/admin/materials/{id}/delete",
            get(materials::confirm_delete).post(materials::delete),
        )
        .route("/admin/materials/{id}/file", get(materials::file))
}

pub use reports::finding_field;

/// The upload forms, kept apart: their bodies are multipart (CSRF checked by the
/// extractor) and their limit is the upload size, not the site's.
pub fn upload_routes() -> UploadRoutes {
    UploadRoutes::new()
        .upload_with_page("/admin/uploads", uploads::list, uploads::upload)
        .upload_with_page(
            "/admin/cohorts/{id}/materials/file",
            materials::file_page,
            materials::add_file,
        )
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    layout: Layout,
}

async fn dashboard(viewer: Viewer, _: AdminUser) -> Result<Html<String>, AppError> {
    render(&DashboardPage {
        layout: Layout::new("Admin", "Academy administration.", Section::Admin, &viewer),
    })
}

pub use crate::web::pagination::{PAGE_SIZE, PageQuery, Pager};

pub use cohort_form::session_field;

/// For templates: a cohort's dates in words.
pub fn cohort_dates(cohort: &crate::db::cohorts::Cohort) -> String {
    cohorts::dates(cohort)
}
