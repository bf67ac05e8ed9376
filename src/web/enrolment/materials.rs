//! A cohort's materials as its confirmed learners see them: the list on their enrolment
//! page and dashboard, and `/enrolments/{id}/materials/{material}`, the file itself.
//!
//! Nobody else learns anything from a material's address: another learner, a place that
//! is waiting, held, offered or cancelled, a material not yet available, and a visitor
//! who is not signed in all get the same 404 (no sign-in redirect).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::auth::Viewer;
use crate::db::enrolments::{self, EnrolmentView};
use crate::db::materials::{self, Material, MaterialFile};
use crate::domain::material::{MaterialKind, learner_may_see};
use crate::error::AppError;
use crate::markdown::to_safe_html_under_h2;
use crate::paths;
use crate::state::AppState;

/// One material in a learner's list.
pub struct LearnerMaterial {
    pub material_id: i64,
    pub title: String,
    /// The file's or link's address; a note's place on the enrolment page.
    pub href: String,
    /// "PDF, 120 KB", "Link to another website", or empty for a note.
    pub detail: String,
    pub is_link: bool,
    /// A note's text, rendered and sanitised (empty for files and links).
    pub note_html: String,
}

impl LearnerMaterial {
    fn of(material: Material, enrolment_id: i64) -> LearnerMaterial {
        let id = material.material_id;
        let (href, detail, note_html) = match material.kind {
            MaterialKind::File => (
                paths::enrolment_material(enrolment_id, id),
                file_detail(&material),
                String::new(),
            ),
            MaterialKind::Link => (
                material.url.clone(),
                "Link to another website".to_owned(),
                String::new(),
            ),
            MaterialKind::Note => (
                format!("{}#material-{id}", paths::enrolment(enrolment_id)),
                String::new(),
                to_safe_html_under_h2(&material.body),
            ),
        };
        LearnerMaterial {
            material_id: id,
            is_link: material.kind == MaterialKind::Link,
            title: material.title,
            href,
            detail,
            note_html,
        }
    }
}

/// "PDF, 120 KB".
pub fn file_detail(material: &Material) -> String {
    let format = material.file_format.map_or("File", |f| f.label());
    format!("{format}, {}", size(material.size_bytes))
}

/// "120 KB", "2.4 MB".
pub fn size(bytes: i64) -> String {
    match bytes {
        ..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{} KB", (bytes + 512) / 1024),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// The materials a place may see now (none unless it is confirmed).
pub async fn for_place(
    state: &AppState,
    view: &EnrolmentView,
) -> Result<Vec<LearnerMaterial>, AppError> {
    let mut by_place = for_places(state, std::slice::from_ref(view)).await?;
    Ok(by_place.pop().unwrap_or_default())
}

/// The materials each place may see now, in the order of `views`.
pub async fn for_places(
    state: &AppState,
    views: &[EnrolmentView],
) -> Result<Vec<Vec<LearnerMaterial>>, AppError> {
    let now = state.clock.now();
    let cohorts: Vec<i64> = views
        .iter()
        .filter(|view| learner_may_see(view.enrolment.status(), None, now))
        .map(|view| view.enrolment.cohort_id)
        .collect();
    let available = materials::available_for_cohorts(&state.db, &cohorts, now).await?;
    Ok(views
        .iter()
        .map(|view| {
            available
                .iter()
                .filter(|m| sees(view, m, now))
                .map(|m| LearnerMaterial::of(m.clone(), view.enrolment.enrolment_id))
                .collect()
        })
        .collect())
}

fn sees(view: &EnrolmentView, material: &Material, now: DateTime<Utc>) -> bool {
    material.cohort_id == view.enrolment.cohort_id
        && learner_may_see(view.enrolment.status(), material.available_from, now)
}

/// A file material for its cohort's confirmed learner; 404 for anyone else.
pub async fn file(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, material_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let user_id = viewer.user_id().ok_or(AppError::NotFound)?;
    let view = enrolments::view(&state.db, id)
        .await?
        .filter(|view| view.enrolment.user_id == user_id)
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    materials::find(&state.db, material_id)
        .await?
        .filter(|material| sees(&view, material, now))
        .ok_or(AppError::NotFound)?;
    let file = materials::file(&state.db, material_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(file_response(file))
}

/// A material's file, for a learner or an admin: its own type, never sniffed by the
/// browser, downloaded under its safe name (images open in the browser), sandboxed, and
/// never kept in any cache.
pub fn file_response(file: MaterialFile) -> Response {
    let disposition = if file.file_format.is_image() {
        "inline"
    } else {
        "attachment"
    };
    let name = file.filename.replace(['"', '\\'], "");
    (
        [
            (
                header::CONTENT_TYPE,
                file.file_format.content_type().to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        file.bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(900), "900 bytes");
        assert_eq!(size(120 * 1024), "120 KB");
        assert_eq!(size(2_516_582), "2.4 MB");
    }
}
