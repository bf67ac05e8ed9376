//! `/cpd/record` and `/cpd/record.pdf`: the learner's CPD record laid out for a regulator
//! (`?regulator=nmc|hcpc|gmc|gphc|none`, their own by default) over the entries the list's
//! filters keep, as a printable page and as a PDF with the same content
//! (`crate::cpd::record`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::export::refuse_bad_dates;
use super::list::ListQuery;
use crate::auth::{CurrentUser, Viewer};
use crate::cpd::record::{self, RecordDocument};
use crate::db::users::User;
use crate::domain::cpd::record_layout::RecordLayout;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout as PageLayout, Section};
use crate::web::render;

/// The layout and the list's filters, as the address carries them.
#[derive(Debug, Deserialize)]
pub struct RecordQuery {
    #[serde(default)]
    regulator: String,
    #[serde(flatten)]
    filters: ListQuery,
}

/// The chosen layout (the learner's own when none is asked for) and the record.
async fn record_of(
    state: &AppState,
    user: &User,
    query: &RecordQuery,
) -> Result<RecordDocument, AppError> {
    let layout = match query.regulator.trim() {
        "" => RecordLayout::of_profile(user.professional_body.as_deref()),
        raw => RecordLayout::parse(raw).ok_or_else(|| {
            AppError::BadRequest(
                "Choose the layout of an NMC, HCPC, GMC or GPhC record, or a plain one.".to_owned(),
            )
        })?,
    };
    let (filter, errors) = query.filters.filter();
    refuse_bad_dates(&errors)?;
    Ok(record::gather(state.ctx(), user, &filter, layout).await?)
}

#[derive(Template)]
#[template(path = "cpd/record.html")]
struct RecordPage {
    layout: PageLayout,
    record: RecordDocument,
    pdf: String,
    back: String,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Query(query): Query<RecordQuery>,
) -> Result<Html<String>, AppError> {
    let record = record_of(&state, &user, &query).await?;
    let pairs = query.filters.pairs();
    render(&RecordPage {
        layout: PageLayout::new(
            record.title.clone(),
            "Your CPD record, to print or take to revalidation or appraisal.",
            Section::Account,
            &viewer,
        ),
        pdf: paths::cpd_record_pdf(record.layout.as_str(), &pairs),
        back: paths::cpd_filtered(&pairs),
        record,
    })
}

pub async fn pdf(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<RecordQuery>,
) -> Result<Response, AppError> {
    let record = record_of(&state, &user, &query).await?;
    let made = state.clock.now();
    let filename = format!("cpd-record-{}.pdf", record.layout.as_str());
    let bytes = tokio::task::spawn_blocking(move || record::pdf::render(&record, made))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .map_err(AppError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response())
}
