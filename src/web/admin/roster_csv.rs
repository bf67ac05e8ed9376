//! `/admin/cohorts/{id}/roster.csv`: every place of a cohort in roster order, as CSV for
//! Excel (UTF-8 with a byte-order mark; cells that could be formulas neutralised).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::roster::{Row, cohort_and_course, row};
use crate::auth::AdminUser;
use crate::db::enrolments;
use crate::domain::london;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::spreadsheet::neutralise;

/// Every place of the cohort in roster order (the spreadsheet).
async fn all_rows(state: &AppState, cohort_id: i64) -> Result<Vec<Row>, AppError> {
    let mut waiting = 0;
    let mut rows: Vec<(usize, Row)> = enrolments::roster(&state.db, cohort_id)
        .await?
        .into_iter()
        .filter_map(|entry| row(entry, &mut waiting))
        .collect();
    rows.sort_by_key(|(group, _)| *group);
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// The roster as CSV: UTF-8 with a byte-order mark, so Excel shows accents correctly.
pub async fn csv(
    State(state): State<AppState>,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, _) = cohort_and_course(&state, id).await?;
    let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    let header = [
        "Reference",
        "Name",
        "Email",
        "Organisation",
        "Learner type",
        "Status",
        "Funding",
        "Detail",
        "Enrolled on",
    ];
    let write_failed = |e: csv::Error| AppError::internal(e);
    writer.write_record(header).map_err(write_failed)?;
    for row in all_rows(&state, id).await? {
        let enrolled = london::date_time(row.entry.enrolment.created_at);
        let cells = [
            row.reference.as_str(),
            &row.entry.full_name,
            &row.entry.email,
            &row.entry.organisation,
            row.entry.learner_type.as_str(),
            row.status.label(),
            row.funding,
            &row.detail,
            &enrolled,
        ];
        writer
            .write_record(cells.iter().map(|cell| neutralise(cell)))
            .map_err(write_failed)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::internal(e.into_error()))?;
    let filename = format!(
        "attachment; filename=\"roster-cohort-{}.csv\"",
        cohort.cohort_id
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
