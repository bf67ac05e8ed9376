//! `/admin/reports`: investigation reports with their findings as rows (added and removed
//! without JavaScript), picture, PDF, related courses, preview, and draft/publish/schedule.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::cohort_form::parse_date;
use super::publishing::{Publication, check_image, check_slug, state_label};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::audit::audit_admin;
use crate::db::courses::{self, Course};
use crate::db::reports::{self, FindingFields, Report, ReportFields};
use crate::db::uploads::{self, UploadSummary};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::markdown::to_safe_html;
use crate::web::notice::{Notice, NoticeQuery};

const KINDS: [(&str, &str); 3] = [
    ("recommendation", "Safety recommendation"),
    ("observation", "Safety observation"),
    ("action", "Safety action"),
];
const MAX_FINDINGS: usize = 100;

#[derive(Template)]
#[template(path = "admin/reports.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<(Report, String)>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let rows = reports::list_all(&state.db)
        .await?
        .into_iter()
        .map(|r| {
            let label = state_label(&r.publish_at, now);
            (r, label)
        })
        .collect();
    let layout = Layout::new(
        "Investigation reports",
        "Every report.",
        Section::Admin,
        &viewer,
    )
    .with_banner(notice.banner());
    page_or_rejected(&ListPage { layout, rows }, &FormErrors::default())
}

/// The form as typed; findings arrive as parallel lists.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    title: String,
    slug: String,
    topic: String,
    summary: String,
    body: String,
    image: String,
    pdf: String,
    course: Vec<String>,
    finding_kind: Vec<String>,
    finding_reference: Vec<String>,
    finding_text: Vec<String>,
    finding_addressee: Vec<String>,
    finding_status: Vec<String>,
    finding_due_day: Vec<String>,
    finding_due_month: Vec<String>,
    finding_due_year: Vec<String>,
    finding_response: Vec<String>,
    status: String,
    publish_day: String,
    publish_month: String,
    publish_year: String,
    publish_time: String,
    /// "save", "preview" or "add_finding".
    action: String,
    /// The finding row whose "Remove" button was pressed.
    remove: Option<usize>,
}

/// One finding row as typed.
#[derive(Clone, Debug, Default)]
pub struct FindingRow {
    pub kind: String,
    pub reference: String,
    pub text: String,
    pub addressee: String,
    pub status: String,
    pub due_day: String,
    pub due_month: String,
    pub due_year: String,
    pub response: String,
}

impl ReportForm {
    fn rows(&self) -> Vec<FindingRow> {
        let at = |list: &Vec<String>, i: usize| list.get(i).cloned().unwrap_or_default();
        (0..self.finding_kind.len().min(MAX_FINDINGS + 1))
            .map(|i| FindingRow {
                kind: at(&self.finding_kind, i),
                reference: at(&self.finding_reference, i),
                text: at(&self.finding_text, i),
                addressee: at(&self.finding_addressee, i),
                status: at(&self.finding_status, i),
                due_day: at(&self.finding_due_day, i),
                due_month: at(&self.finding_due_month, i),
                due_year: at(&self.finding_due_year, i),
                response: at(&self.finding_response, i),
            })
            .collect()
    }

    fn set_rows(&mut self, rows: Vec<FindingRow>) {
        let pick = |f: fn(&FindingRow) -> &String| rows.iter().map(|r| f(r).clone()).collect();
        self.finding_kind = pick(|r| &r.kind);
        self.finding_reference = pick(|r| &r.reference);
        self.finding_text = pick(|r| &r.text);
        self.finding_addressee = pick(|r| &r.addressee);
        self.finding_status = pick(|r| &r.status);
        self.finding_due_day = pick(|r| &r.due_day);
        self.finding_due_month = pick(|r| &r.due_month);
        self.finding_due_year = pick(|r| &r.due_year);
        self.finding_response = pick(|r| &r.response);
    }

    fn publication(&self) -> Publication {
        Publication {
            status: self.status.clone(),
            day: self.publish_day.clone(),
            month: self.publish_month.clone(),
            year: self.publish_year.clone(),
            time: self.publish_time.clone(),
        }
    }
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
    kinds: [(&'static str, &'static str); 3],
    images: Vec<UploadSummary>,
    pdfs: Vec<UploadSummary>,
    courses: Vec<Course>,
}

/// Field names for the finding rows' errors ("finding-3"), made once.
static FINDING_FIELDS: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| (0..=MAX_FINDINGS).map(|i| format!("finding-{i}")).collect());

/// The field name of a finding row's error.
pub fn finding_field(index: &usize) -> &'static str {
    FINDING_FIELDS
        .get(*index)
        .map_or("findings", String::as_str)
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
        kinds: KINDS,
        images: uploads::list(&state.db, Some("image")).await?,
        pdfs: uploads::list(&state.db, Some("pdf")).await?,
        courses: courses::list_all(&state.db).await?,
    };
    page_or_rejected(&page, errors)
}

pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
) -> Result<Response, AppError> {
    let mut form = ReportForm {
        status: "draft".into(),
        ..ReportForm::default()
    };
    form.set_rows(vec![FindingRow {
        kind: "recommendation".into(),
        ..FindingRow::default()
    }]);
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
    let publication = Publication::from_stored(report.publish_at, state.clock.now());
    let mut form = ReportForm {
        title: report.title.clone(),
        slug: report.slug.clone(),
        topic: report.topic.clone(),
        summary: report.summary.clone(),
        body: report.body.clone(),
        image: report
            .image_upload_id
            .map(|i| i.to_string())
            .unwrap_or_default(),
        pdf: report
            .pdf_upload_id
            .map(|i| i.to_string())
            .unwrap_or_default(),
        course: reports::course_ids(&state.db, id)
            .await?
            .iter()
            .map(i64::to_string)
            .collect(),
        status: publication.status,
        publish_day: publication.day,
        publish_month: publication.month,
        publish_year: publication.year,
        publish_time: publication.time,
        ..ReportForm::default()
    };
    let rows = reports::findings(&state.db, id)
        .await?
        .into_iter()
        .map(|f| {
            use chrono::Datelike;
            FindingRow {
                kind: f.kind,
                reference: f.reference,
                text: f.text,
                addressee: f.addressee,
                status: f.response_status,
                due_day: f
                    .response_due_on
                    .map(|d| d.day().to_string())
                    .unwrap_or_default(),
                due_month: f
                    .response_due_on
                    .map(|d| d.month().to_string())
                    .unwrap_or_default(),
                due_year: f
                    .response_due_on
                    .map(|d| d.year().to_string())
                    .unwrap_or_default(),
                response: f.response,
            }
        })
        .collect();
    form.set_rows(rows);
    form_page(
        &state,
        &viewer,
        Some(&report),
        &form,
        &FormErrors::default(),
        None,
    )
    .await
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

/// A finding that passed its checks.
struct CheckedFinding {
    kind: &'static str,
    reference: String,
    text: String,
    addressee: String,
    status: String,
    due: Option<NaiveDate>,
    response: String,
}

struct Checked {
    slug: String,
    title: String,
    topic: String,
    summary: String,
    body: String,
    image: Option<i64>,
    pdf: Option<i64>,
    courses: Vec<i64>,
    findings: Vec<CheckedFinding>,
    publish_at: Option<DateTime<Utc>>,
}

fn check_findings(errors: &mut FormErrors, rows: &[FindingRow]) -> Vec<CheckedFinding> {
    if rows.len() > MAX_FINDINGS {
        errors.add(
            "findings",
            format!("A report can have at most {MAX_FINDINGS} findings"),
        );
        return Vec::new();
    }
    let mut checked = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let field = finding_field(&index);
        let blank = [
            &row.reference,
            &row.text,
            &row.addressee,
            &row.status,
            &row.response,
            &row.due_day,
            &row.due_month,
            &row.due_year,
        ]
        .iter()
        .all(|v| v.trim().is_empty());
        if blank {
            continue; // an empty row is simply not saved
        }
        let Some((kind, _)) = KINDS.iter().find(|(k, _)| *k == row.kind) else {
            errors.add(field, format!("Finding {}: choose its type", index + 1));
            continue;
        };
        let text = row.text.trim();
        let due_typed = [&row.due_day, &row.due_month, &row.due_year]
            .iter()
            .any(|v| !v.trim().is_empty());
        let due = due_typed
            .then(|| parse_date([&row.due_day, &row.due_month, &row.due_year]))
            .flatten();
        let problem = if text.is_empty() {
            Some("enter what it says")
        } else if [&row.reference, &row.addressee, &row.status]
            .iter()
            .any(|v| v.chars().count() > 300)
            || text.chars().count() > 5_000
            || row.response.chars().count() > 10_000
        {
            Some("one of its fields is too long")
        } else if due_typed && due.is_none() {
            Some("the response due date must be a real date, like 30 9 2026")
        } else if [
            &row.reference,
            &row.addressee,
            &row.status,
            &row.text,
            &row.response,
        ]
        .iter()
        .any(|v| v.contains('\0'))
        {
            Some("remove the unusual characters")
        } else {
            None
        };
        if let Some(problem) = problem {
            errors.add(field, format!("Finding {}: {problem}", index + 1));
            continue;
        }
        checked.push(CheckedFinding {
            kind,
            reference: row.reference.trim().to_owned(),
            text: text.to_owned(),
            addressee: row.addressee.trim().to_owned(),
            status: row.status.trim().to_owned(),
            due,
            response: row.response.trim().to_owned(),
        });
    }
    checked
}

fn check(
    form: &ReportForm,
    images: &[i64],
    pdfs: &[i64],
    course_ids: &[i64],
    stored: Option<&Report>,
    now: DateTime<Utc>,
) -> Result<Checked, FormErrors> {
    let mut errors = FormErrors::default();
    let title = errors.text("title", &form.title, Some("Enter a title"), 300);
    let slug = check_slug(&mut errors, &form.slug, &title);
    let topic = errors.text(
        "topic",
        &form.topic,
        Some("Enter a topic, like Medication safety"),
        100,
    );
    let summary = errors.multiline(
        "summary",
        &form.summary,
        Some("Enter a summary for lists, feeds and search engines"),
        1_000,
    );
    let body = errors.multiline("body", &form.body, None, 100_000);
    let image = check_image(&mut errors, &form.image, images);
    let pdf = match form.pdf.trim() {
        "" => None,
        typed => match typed.parse::<i64>() {
            Ok(id) if pdfs.contains(&id) => Some(id),
            _ => {
                errors.add("pdf", "Choose one of the uploaded PDFs");
                None
            }
        },
    };
    let mut courses = Vec::new();
    for typed in &form.course {
        match typed.trim().parse::<i64>() {
            Ok(id) if course_ids.contains(&id) => courses.push(id),
            _ => errors.add("courses", "Choose courses from the list"),
        }
    }
    courses.sort_unstable();
    courses.dedup();
    let findings = check_findings(&mut errors, &form.rows());
    let publish_at = form
        .publication()
        .check(&mut errors, stored.and_then(|r| r.publish_at), now);
    match publish_at {
        Some(publish_at) if errors.is_empty() => Ok(Checked {
            slug,
            title,
            topic,
            summary,
            body,
            image,
            pdf,
            courses,
            findings,
            publish_at,
        }),
        _ => Err(errors),
    }
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    admin_id: i64,
    client: &ClientAddress,
    report: Option<Report>,
    mut form: ReportForm,
) -> Result<Response, AppError> {
    // Adding or removing a finding row, or previewing, shows the form again unsaved.
    let mut rows = form.rows();
    let shown_again = match (form.action.as_str(), form.remove) {
        (_, Some(index)) => {
            if index < rows.len() {
                rows.remove(index);
            }
            Some(None)
        }
        ("add_finding", _) => {
            if rows.len() < MAX_FINDINGS {
                rows.push(FindingRow {
                    kind: "recommendation".into(),
                    ..FindingRow::default()
                });
            }
            Some(None)
        }
        ("preview", _) => Some(Some(to_safe_html(&form.body))),
        _ => None,
    };
    if let Some(preview) = shown_again {
        form.set_rows(rows);
        let no_errors = FormErrors::default();
        return form_page(state, viewer, report.as_ref(), &form, &no_errors, preview).await;
    }
    let now = state.clock.now();
    let ids = |list: Vec<UploadSummary>| list.iter().map(|u| u.upload_id).collect::<Vec<_>>();
    let images = ids(uploads::list(&state.db, Some("image")).await?);
    let pdfs = ids(uploads::list(&state.db, Some("pdf")).await?);
    let course_ids: Vec<i64> = courses::list_all(&state.db)
        .await?
        .iter()
        .map(|c| c.course_id)
        .collect();
    let checked = match check(&form, &images, &pdfs, &course_ids, report.as_ref(), now) {
        Ok(checked) => checked,
        Err(errors) => {
            return form_page(state, viewer, report.as_ref(), &form, &errors, None).await;
        }
    };
    let mut tx = state.db.begin().await?;
    if reports::slug_taken(&mut tx, &checked.slug, report.as_ref().map(|r| r.report_id)).await? {
        let mut errors = FormErrors::default();
        errors.add(
            "slug",
            "Another report already uses that web address. Choose another",
        );
        return form_page(state, viewer, report.as_ref(), &form, &errors, None).await;
    }
    let fields = ReportFields {
        slug: &checked.slug,
        title: &checked.title,
        summary: &checked.summary,
        body: &checked.body,
        topic: &checked.topic,
        publish_at: checked.publish_at,
        image_upload_id: checked.image,
        pdf_upload_id: checked.pdf,
    };
    let (id, action) = match &report {
        Some(existing) => {
            reports::update(&mut tx, existing.report_id, &existing.slug, &fields, now).await?;
            reports::clear_findings_and_courses(&mut tx, existing.report_id).await?;
            (existing.report_id, "report_updated")
        }
        None => (
            reports::insert(&mut tx, &fields, now).await?,
            "report_created",
        ),
    };
    for (position, finding) in checked.findings.iter().enumerate() {
        let stored = FindingFields {
            kind: finding.kind,
            reference: &finding.reference,
            text: &finding.text,
            addressee: &finding.addressee,
            response_status: &finding.status,
            response_due_on: finding.due,
            response: &finding.response,
        };
        reports::insert_finding(&mut tx, id, position as i64, &stored).await?;
    }
    for course in &checked.courses {
        reports::link_course(&mut tx, id, *course).await?;
    }
    let detail = format!(
        "report {id}: {} ({})",
        checked.slug,
        state_label(&checked.publish_at, now)
    );
    audit_admin(&mut tx, admin_id, action, &detail, &client.to_string(), now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/reports?notice={}", Notice::Saved.name())).into_response())
}
