//! The report form as typed: its fields, and its findings as parallel lists read into rows
//! (so rows can be added and removed without JavaScript) and back.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::db::reports::{Finding, Report};
use crate::error::AppError;
use crate::web::admin::publishable::{PublicationForm, date_parts};
use crate::web::forms::rows_complete;

/// The most findings one report can have.
pub const MAX_FINDINGS: usize = 100;

/// The form as typed: every single field is always sent (see `web::forms::Form`), the
/// course checkboxes only when ticked. Findings arrive as parallel lists, as many as
/// `finding_rows` says.
#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    pub title: String,
    pub slug: String,
    pub topic: String,
    pub summary: String,
    pub body: String,
    pub image: String,
    pub pdf: String,
    #[serde(default)]
    pub course: Vec<String>,
    /// How many finding rows the page showed (a hidden field): a report without findings
    /// sends 0, so a body that lost its rows cannot delete them.
    pub finding_rows: usize,
    #[serde(default)]
    pub finding_kind: Vec<String>,
    #[serde(default)]
    pub finding_reference: Vec<String>,
    #[serde(default)]
    pub finding_text: Vec<String>,
    #[serde(default)]
    pub finding_addressee: Vec<String>,
    #[serde(default)]
    pub finding_status: Vec<String>,
    #[serde(default)]
    pub finding_due_day: Vec<String>,
    #[serde(default)]
    pub finding_due_month: Vec<String>,
    #[serde(default)]
    pub finding_due_year: Vec<String>,
    #[serde(default)]
    pub finding_response: Vec<String>,
    pub status: String,
    pub publish_day: String,
    pub publish_month: String,
    pub publish_year: String,
    pub publish_time: String,
    /// "save", "preview" or "add_finding": the button pressed (none for "Remove", or when
    /// a script submits the form).
    #[serde(default)]
    pub action: String,
    /// The finding row whose "Remove" button was pressed.
    pub remove: Option<usize>,
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

impl FindingRow {
    /// The empty row a new report starts with and "Add a finding" adds.
    pub fn blank() -> FindingRow {
        FindingRow {
            kind: "recommendation".into(),
            ..FindingRow::default()
        }
    }

    fn stored(finding: Finding) -> FindingRow {
        let (due_day, due_month, due_year) = date_parts(finding.response_due_on);
        FindingRow {
            kind: finding.kind.as_str().to_owned(),
            reference: finding.reference,
            text: finding.text,
            addressee: finding.addressee,
            status: finding.response_status,
            due_day,
            due_month,
            due_year,
            response: finding.response,
        }
    }
}

impl ReportForm {
    /// A new report's form: a draft with one empty finding.
    pub fn blank() -> ReportForm {
        let mut form = ReportForm {
            status: "draft".into(),
            ..ReportForm::default()
        };
        form.set_rows(vec![FindingRow::blank()]);
        form
    }

    /// The form for a stored report, with its findings and linked courses.
    pub fn stored(
        report: &Report,
        findings: Vec<Finding>,
        course_ids: &[i64],
        now: DateTime<Utc>,
    ) -> ReportForm {
        let publication = PublicationForm::from_stored(report.publish_at, now);
        let id_text = |id: Option<i64>| id.map(|i| i.to_string()).unwrap_or_default();
        let mut form = ReportForm {
            title: report.title.clone(),
            slug: report.slug.clone(),
            topic: report.topic.clone(),
            summary: report.summary.clone(),
            body: report.body.clone(),
            image: id_text(report.image_upload_id),
            pdf: id_text(report.pdf_upload_id),
            course: course_ids.iter().map(i64::to_string).collect(),
            status: publication.status,
            publish_day: publication.day,
            publish_month: publication.month,
            publish_year: publication.year,
            publish_time: publication.time,
            ..ReportForm::default()
        };
        form.set_rows(findings.into_iter().map(FindingRow::stored).collect());
        form
    }

    /// Every finding row arrived whole (else the 422 of `web::forms::missing`).
    pub fn rows_complete(&self) -> Result<(), AppError> {
        rows_complete(
            self.finding_rows,
            &[
                ("finding_kind", self.finding_kind.len()),
                ("finding_reference", self.finding_reference.len()),
                ("finding_text", self.finding_text.len()),
                ("finding_addressee", self.finding_addressee.len()),
                ("finding_status", self.finding_status.len()),
                ("finding_due_day", self.finding_due_day.len()),
                ("finding_due_month", self.finding_due_month.len()),
                ("finding_due_year", self.finding_due_year.len()),
                ("finding_response", self.finding_response.len()),
            ],
        )
    }

    /// The finding rows (one more than the limit at most, so the limit can be reported).
    pub fn rows(&self) -> Vec<FindingRow> {
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

    pub fn set_rows(&mut self, rows: Vec<FindingRow>) {
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

    pub fn publication(&self) -> PublicationForm {
        PublicationForm {
            status: self.status.clone(),
            day: self.publish_day.clone(),
            month: self.publish_month.clone(),
            year: self.publish_year.clone(),
            time: self.publish_time.clone(),
        }
    }

    /// A row added or removed: the rows to show again unsaved, or none for any other action.
    pub fn edited_rows(&self) -> Option<Vec<FindingRow>> {
        let mut rows = self.rows();
        match (self.action.as_str(), self.remove) {
            (_, Some(index)) => {
                if index < rows.len() {
                    rows.remove(index);
                }
            }
            ("add_finding", _) => {
                if rows.len() < MAX_FINDINGS {
                    rows.push(FindingRow::blank());
                }
            }
            _ => return None,
        }
        Some(rows)
    }
}
