//! Saving an investigation report: its text, picture and PDF, its findings in the order
//! given and the courses that teach from it (both replaced on every edit).

use chrono::{DateTime, NaiveDate, Utc};

use super::publishable::{self, ItemWrite, Kind, Publication, PublishableError, Saving};
use crate::context::Ctx;
use crate::db::reports::{self, FindingFields, ReportFields};
use crate::db::{DbError, Tx};
use crate::domain::content::FindingKind;

/// A safety recommendation, observation or action, checked.
#[derive(Clone, Debug)]
pub struct FindingInput {
    pub kind: FindingKind,
    pub reference: String,
    pub text: String,
    pub addressee: String,
    pub response_status: String,
    pub response_due_on: Option<NaiveDate>,
    pub response: String,
}

/// A report as checked, ready to store.
#[derive(Clone, Debug)]
pub struct ReportInput {
    pub slug: String,
    pub title: String,
    pub topic: String,
    pub summary: String,
    pub body: String,
    pub image_upload_id: Option<i64>,
    pub pdf_upload_id: Option<i64>,
    /// Related courses' ids, each once.
    pub courses: Vec<i64>,
    pub findings: Vec<FindingInput>,
    pub publication: Publication,
}

/// Adds a report (`id` none) or saves an edit, audited as `report_created` or
/// `report_updated`. The report's id.
pub async fn save(
    ctx: Ctx<'_>,
    admin: i64,
    client: &str,
    id: Option<i64>,
    input: &ReportInput,
) -> Result<i64, PublishableError> {
    let saving = Saving {
        kind: Kind::Report,
        id,
        slug: &input.slug,
        publication: input.publication,
        item: input,
    };
    publishable::save(ctx, admin, client, saving).await
}

impl ReportInput {
    fn fields(&self, publish_at: Option<DateTime<Utc>>) -> ReportFields<'_> {
        ReportFields {
            slug: &self.slug,
            title: &self.title,
            summary: &self.summary,
            body: &self.body,
            topic: &self.topic,
            publish_at,
            image_upload_id: self.image_upload_id,
            pdf_upload_id: self.pdf_upload_id,
        }
    }

    /// The findings in order, and the course links.
    async fn write_rows(&self, tx: &mut Tx, report_id: i64) -> Result<(), DbError> {
        for (position, finding) in self.findings.iter().enumerate() {
            let stored = FindingFields {
                kind: finding.kind,
                reference: &finding.reference,
                text: &finding.text,
                addressee: &finding.addressee,
                response_status: &finding.response_status,
                response_due_on: finding.response_due_on,
                response: &finding.response,
            };
            reports::insert_finding(tx, report_id, position as i64, &stored).await?;
        }
        for course in &self.courses {
            reports::link_course(tx, report_id, *course).await?;
        }
        Ok(())
    }
}

impl ItemWrite for ReportInput {
    async fn insert(
        &self,
        tx: &mut Tx,
        publish_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        let id = reports::insert(tx, &self.fields(publish_at), now).await?;
        self.write_rows(tx, id).await?;
        Ok(id)
    }

    async fn update(
        &self,
        tx: &mut Tx,
        id: i64,
        publish_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        reports::update(tx, id, &self.fields(publish_at), now).await?;
        reports::clear_findings_and_courses(tx, id).await?;
        self.write_rows(tx, id).await
    }
}
