//! Checking the report form into a [`ReportInput`]: every problem beside its field, each
//! finding row's beside its row ("Finding 3: enter what it says").

use chrono::{DateTime, Utc};

use super::form::{FindingRow, MAX_FINDINGS, ReportForm};
use crate::content::reports::{FindingInput, ReportInput};
use crate::domain::content::FindingKind;
use crate::web::admin::cohort_form::parse_date;
use crate::web::admin::publishable::{check_image, check_slug, check_upload};
use crate::web::forms::FormErrors;

/// Field names for the finding rows' errors ("finding-3"), made once.
static FINDING_FIELDS: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| (0..=MAX_FINDINGS).map(|i| format!("finding-{i}")).collect());

/// The field name of a finding row's error.
pub fn finding_field(index: &usize) -> &'static str {
    FINDING_FIELDS
        .get(*index)
        .map_or("findings", String::as_str)
}

/// What may be chosen on the form: the uploaded images and PDFs, and the courses.
pub struct Choices {
    pub images: Vec<i64>,
    pub pdfs: Vec<i64>,
    pub courses: Vec<i64>,
}

pub fn check(
    form: &ReportForm,
    choices: &Choices,
    now: DateTime<Utc>,
) -> Result<ReportInput, FormErrors> {
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
    let image = check_image(&mut errors, &form.image, &choices.images);
    let pdf = check_upload(
        &mut errors,
        "pdf",
        &form.pdf,
        &choices.pdfs,
        "Choose one of the uploaded PDFs",
    );
    let mut courses = Vec::new();
    for typed in &form.course {
        match typed.trim().parse::<i64>() {
            Ok(id) if choices.courses.contains(&id) => courses.push(id),
            _ => errors.add("courses", "Choose courses from the list"),
        }
    }
    courses.sort_unstable();
    courses.dedup();
    let findings = check_findings(&mut errors, &form.rows());
    let publication = form.publication().check(&mut errors, now);
    match publication {
        Some(publication) if errors.is_empty() => Ok(ReportInput {
            slug,
            title,
            topic,
            summary,
            body,
            image_upload_id: image,
            pdf_upload_id: pdf,
            courses,
            findings,
            publication,
        }),
        _ => Err(errors),
    }
}

/// The rows worth keeping (an empty row is simply not saved), each checked.
fn check_findings(errors: &mut FormErrors, rows: &[FindingRow]) -> Vec<FindingInput> {
    if rows.len() > MAX_FINDINGS {
        errors.add(
            "findings",
            format!("A report can have at most {MAX_FINDINGS} findings"),
        );
        return Vec::new();
    }
    let mut checked = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if is_blank(row) {
            continue;
        }
        match check_row(row) {
            Ok(finding) => checked.push(finding),
            Err(problem) => errors.add(
                finding_field(&index),
                format!("Finding {}: {problem}", index + 1),
            ),
        }
    }
    checked
}

fn is_blank(row: &FindingRow) -> bool {
    [
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
    .all(|v| v.trim().is_empty())
}

/// One row, or what is wrong with it.
fn check_row(row: &FindingRow) -> Result<FindingInput, &'static str> {
    let Some(kind) = FindingKind::parse(&row.kind) else {
        return Err("choose its type");
    };
    let text = row.text.trim();
    let due_typed = [&row.due_day, &row.due_month, &row.due_year]
        .iter()
        .any(|v| !v.trim().is_empty());
    let due = due_typed
        .then(|| parse_date([&row.due_day, &row.due_month, &row.due_year]))
        .flatten();
    if text.is_empty() {
        return Err("enter what it says");
    }
    if [&row.reference, &row.addressee, &row.status]
        .iter()
        .any(|v| v.chars().count() > 300)
        || text.chars().count() > 5_000
        || row.response.chars().count() > 10_000
    {
        return Err("one of its fields is too long");
    }
    if due_typed && due.is_none() {
        return Err("the response due date must be a real date, like 30 9 2026");
    }
    if [
        &row.reference,
        &row.addressee,
        &row.status,
        &row.text,
        &row.response,
    ]
    .iter()
    .any(|v| v.contains('\0'))
    {
        return Err("remove the unusual characters");
    }
    Ok(FindingInput {
        kind,
        reference: row.reference.trim().to_owned(),
        text: text.to_owned(),
        addressee: row.addressee.trim().to_owned(),
        response_status: row.status.trim().to_owned(),
        response_due_on: due,
        response: row.response.trim().to_owned(),
    })
}
