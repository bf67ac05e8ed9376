//! `/cohorts/{id}/calendar.ics`: a published cohort's live sessions as an iCalendar file.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::db::cohorts;
use crate::error::AppError;
use crate::state::AppState;

/// Every live session of a cohort as iCalendar, in UTC, with stable UIDs and a sequence
/// that grows with each change so calendars update. Joining details are not published.
pub(super) async fn calendar(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, title) = cohorts::find_published(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessions = cohorts::sessions_for(&state.db, &[cohort.cohort_id]).await?;
    if sessions.is_empty() {
        // A calendar must hold at least one event; the page offers no link in this case.
        return Err(AppError::NotFound);
    }
    let ics = crate::calendar::cohort_calendar(state.site(), &title, &cohort, &sessions);
    let filename = format!(
        "attachment; filename=\"academy-cohort-{}.ics\"",
        cohort.cohort_id
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, filename),
        ],
        ics,
    )
        .into_response())
}
