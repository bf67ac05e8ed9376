//! `/admin/reports`: investigation reports with their findings as rows (added and removed
//! without JavaScript), picture, PDF, related courses, preview, and draft/publish/schedule.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::publishable::{self, with_states};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::content::reports as service;
use crate::content::{Kind, PublishableError};
use crate::db::courses::{self, CourseChoice};
use crate::db::reports::{self, Report, ReportListing};
use crate::db::uploads::{self, UploadSummary};
use crate::domain::content::FindingKind;
use crate::error::AppError;
use crate::markdown::to_safe_html;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::pagination::{PageLinks, PageQuery, Pager, page_address};

mod check;
mod form;

pub use check::finding_field;
use check::{Choices, check};
use form::{FindingRow, ReportForm};

#[derive(Template)]
#[template(path = "admin/reports.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<(ReportListing, String)>,
    total: i64,
    pagination: PageLinks,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    notice: Option<String>,
    page: Option<String>,
}

/// A page of every report, drafts first, then by publication time, latest first.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (total, drafts) = state.counts.reports(&state.db).await?;
    let pager = Pager::new(PageQuery { page: query.page }.number(), total);
    let listed = reports::admin_page(&state.db, drafts, pager.window()).await?;
    let rows = with_states(listed, |r| r.publish_at, state.clock.now());
    let banner = NoticeQuery {
        notice: query.notice,
    }
    .banner();
    let layout = Layout::new(
        "Investigation reports",
        "Every report.",
        Section::Admin,
        &viewer,
    )
    .with_banner(banner);
    let pagination = pager.links(|n| page_address(paths::admin_reports(), &[], n));
    let page = ListPage {
        layout,
        rows,
        total,
        pagination,
    };
    page_or_rejected(&page, &FormErrors::default())
}

#[derive(Template)]
#[template(path = "admin/report_form.html")]
struct FormPage<'a> {
    layout: Layout,
    report: Option<&'a Report>,
    form: &'a ReportForm,
    rows: Vec<FindingRow>,
    errors: &'a FormErrors,
    preview: Option<String>,
    kinds: &'static [FindingKind],
    images: Vec<UploadSummary>,
    pdfs: Vec<UploadSummary>,
    courses: Vec<CourseChoice>,
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    report: Option<&Report>,
    form: &ReportForm,
    errors: &FormErrors,
    preview: Option<String>,
) -> Result<Response, AppError> {
    let title = if report.is_some() {
        "Edit a report"
    } else {
        "Add a report"
    };
    let page = FormPage {
        layout: Layout::new(title, title, Section::Admin, viewer).with_errors(!errors.is_empty()),
        report,
        rows: form.rows(),
        form,
        errors,
        preview,
        kinds: FindingKind::ALL,
        images: uploads::of_kind(&state.db, "image").await?,
        pdfs: uploads::of_kind(&state.db, "pdf").await?,
        courses: courses::choices(&state.db).await?,
    };
    page_or_rejected(&page, errors)
}

pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
) -> Result<Response, AppError> {
    let form = ReportForm::blank();
    form_page(&state, &viewer, None, &form, &FormErrors::default(), None).await
}

pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let report = reports::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let findings = reports::findings(&state.db, id).await?;
    let course_ids = reports::course_ids(&state.db, id).await?;
    let form = ReportForm::stored(&report, findings, &course_ids, state.clock.now());
    let no_errors = FormErrors::default();
    form_page(&state, &viewer, Some(&report), &form, &no_errors, None).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Form(form): Form<ReportForm>,
) -> Result<Response, AppError> {
    save(&state, &viewer, admin.user_id, &client, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<ReportForm>,
) -> Result<Response, AppError> {
    let report = reports::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    save(&state, &viewer, admin.user_id, &client, Some(report), form).await
}

/// What may be chosen on the form now.
async fn choices(state: &AppState) -> Result<Choices, AppError> {
    Ok(Choices {
        images: uploads::ids(&state.db, "image").await?,
        pdfs: uploads::ids(&state.db, "pdf").await?,
        courses: courses::choices(&state.db)
            .await?
            .iter()
            .map(|c| c.course_id)
            .collect(),
    })
}

/// Adding or removing a finding row, or previewing, shows the form again unsaved; saving
/// checks it, stores it and goes back to the list.
async fn save(
    state: &AppState,
    viewer: &Viewer,
    admin_id: i64,
    client: &ClientAddress,
    report: Option<Report>,
    mut form: ReportForm,
) -> Result<Response, AppError> {
    let report = report.as_ref();
    form.rows_complete()?;
    let no_errors = FormErrors::default();
    if let Some(rows) = form.edited_rows() {
        form.set_rows(rows);
        return form_page(state, viewer, report, &form, &no_errors, None).await;
    }
    if form.action == "preview" {
        let preview = Some(to_safe_html(&form.body));
        return form_page(state, viewer, report, &form, &no_errors, preview).await;
    }
    let input = match check(&form, &choices(state).await?, state.clock.now()) {
        Ok(input) => input,
        Err(errors) => return form_page(state, viewer, report, &form, &errors, None).await,
    };
    let id = report.map(|r| r.report_id);
    let client = client.to_string();
    match service::save(state.ctx(), admin_id, &client, id, &input).await {
        Ok(_) => Ok(Redirect::to(&paths::with_notice(
            paths::admin_reports(),
            Notice::Saved.name(),
        ))
        .into_response()),
        Err(PublishableError::SlugTaken(_)) => {
            let errors = publishable::slug_taken(Kind::Report);
            form_page(state, viewer, report, &form, &errors, None).await
        }
        Err(other) => Err(other.into()),
    }
}
