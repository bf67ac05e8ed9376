//! `/admin/cohorts/{id}/materials`: a cohort's materials in order, each with when it
//! becomes available and whether the cohort has been told, moved up or down by a button;
//! and what adding (`add`) and editing (`edit`) share: the "available from" date and time,
//! and how a refused save becomes a page.

mod add;
mod edit;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::cohort_form::instant;
use super::publishable::{date_parts, london_clock};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::catalogue::Admin;
use crate::db::cohorts::{self, Cohort};
use crate::db::courses::{self, Course};
use crate::db::materials::{self, Material};
use crate::domain::london;
use crate::domain::material::{MaterialKind, is_available};
use crate::error::AppError;
use crate::learning::MaterialError;
use crate::learning::announce::Announcement;
use crate::learning::materials::{Direction, move_material};
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::render;

pub use add::{add_file, add_link, add_note, file_page, link_page, note_page};
pub use edit::{confirm_delete, delete, edit_page, file, update};

/// The "available from" fields as typed: day, month, year and a UK time, all empty for
/// "straight away".
#[derive(Clone, Debug, Default)]
pub struct AvailableFrom {
    pub day: String,
    pub month: String,
    pub year: String,
    pub time: String,
}

impl AvailableFrom {
    fn of_stored(at: Option<DateTime<Utc>>) -> AvailableFrom {
        let Some(at) = at else {
            return AvailableFrom::default();
        };
        let (day, month, year) = date_parts(Some(london::day_of(at)));
        AvailableFrom {
            day,
            month,
            year,
            time: london_clock(at),
        }
    }

    /// None for "straight away"; a problem goes beside the `available` fields.
    fn check(&self, errors: &mut FormErrors) -> Result<Option<DateTime<Utc>>, ()> {
        let parts = [&self.day, &self.month, &self.year];
        if parts.iter().all(|part| part.trim().is_empty()) {
            if self.time.trim().is_empty() {
                return Ok(None);
            }
            errors.add(
                "available",
                "Enter the date it becomes available, or leave the time empty too",
            );
            return Err(());
        }
        instant(
            errors,
            "available",
            "date it becomes available",
            parts,
            &self.time,
        )
        .map(Some)
        .ok_or(())
    }
}

/// A title as every material form checks it.
fn check_title(errors: &mut FormErrors, typed: &str) -> String {
    errors.text(
        "title",
        typed,
        Some("Enter a title, like Week 1 slides"),
        200,
    )
}

/// The longest note: a short text, not a document (attach one as a file instead).
const NOTE_CHARS: usize = 10_000;

/// The notice after a save, saying what became of the announcement (a cohort without
/// confirmed learners yet has nobody to email).
fn saved_notice(announcement: Announcement) -> Notice {
    match announcement {
        Announcement::Sent(0) => Notice::MaterialAdded,
        Announcement::Sent(_) => Notice::MaterialAnnounced,
        Announcement::WhenAvailable => Notice::MaterialWillBeAnnounced,
        Announcement::NotAsked | Announcement::AlreadySent => Notice::MaterialAdded,
    }
}

fn to_list(cohort_id: i64, notice: Notice) -> Response {
    let list = paths::admin_cohort_materials(cohort_id);
    Redirect::to(&paths::with_notice(&list, notice.name())).into_response()
}

/// A refusal the forms do not show beside a field: a 404 for what is gone, a 400 saying
/// why, a 500 for storage.
impl From<MaterialError> for AppError {
    fn from(error: MaterialError) -> Self {
        match error {
            MaterialError::CohortNotFound | MaterialError::NotFound => AppError::NotFound,
            MaterialError::Db(error) => error.into(),
            MaterialError::Mail(error) => AppError::Internal(error),
            other => AppError::BadRequest(format!("{other}.")),
        }
    }
}

async fn cohort_and_course(state: &AppState, cohort_id: i64) -> Result<(Cohort, Course), AppError> {
    let cohort = cohorts::find(&state.db, cohort_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let course = courses::find(&state.db, cohort.course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((cohort, course))
}

/// One line of the list.
pub struct Row {
    pub material: Material,
    /// Where an admin opens it: the file, the link, or (a note) its edit page.
    pub href: String,
    /// "PDF, 120 KB", "Link", "Note".
    pub what: String,
    pub available: String,
    pub waiting: bool,
    pub announcement: String,
}

fn row(material: Material, now: DateTime<Utc>) -> Row {
    let waiting = !is_available(material.available_from, now);
    let available = match material.available_from {
        None => "Straight away".to_owned(),
        Some(at) if waiting => format!("Not yet: from {}", london::date_time(at)),
        Some(at) => format!("Since {}", london::date_time(at)),
    };
    let announcement = match (material.announce_requested, material.announced_at) {
        (_, Some(at)) => format!("Emailed {}", london::date_time(at)),
        (true, None) => "Will be emailed when available".to_owned(),
        (false, None) => "Not emailed".to_owned(),
    };
    let id = material.material_id;
    let (href, what) = match material.kind {
        MaterialKind::File => (
            paths::admin_material_file(id),
            crate::web::enrolment::file_detail(&material),
        ),
        MaterialKind::Link => (material.url.clone(), "Link".to_owned()),
        MaterialKind::Note => (paths::admin_material_edit(id), "Note".to_owned()),
    };
    Row {
        href,
        what,
        available,
        waiting,
        announcement,
        material,
    }
}

#[derive(Template)]
#[template(path = "admin/materials/list.html")]
struct ListPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    rows: Vec<Row>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let now = state.clock.now();
    let rows = materials::for_cohort(&state.db, id)
        .await?
        .into_iter()
        .map(|material| row(material, now))
        .collect();
    let page = ListPage {
        layout: Layout::new(
            format!("Materials: {}", cohort.name),
            "A cohort's materials.",
            Section::Admin,
            &viewer,
        )
        .with_banner(notice.banner()),
        cohort: &cohort,
        course: &course,
        rows,
    };
    Ok(render(&page)?.into_response())
}

/// "up" or "down", from the button's own form.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    direction: String,
}

pub async fn move_one(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let direction = match form.direction.as_str() {
        "up" => Direction::Up,
        "down" => Direction::Down,
        _ => return Err(AppError::BadRequest("Choose up or down.".to_owned())),
    };
    let address = client.to_string();
    let by = Admin::new(admin.user_id, &address);
    let cohort_id = move_material(state.ctx(), by, id, direction).await?;
    let list = paths::admin_cohort_materials(cohort_id);
    Ok(Redirect::to(&format!("{list}#material-{id}")).into_response())
}
