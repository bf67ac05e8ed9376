//! "Download everything we hold about you": one person's data, gathered for export.

use std::collections::HashMap;

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::context::Ctx;
use crate::db::DbError;
use crate::db::attendance;
use crate::db::audit::{self as audit_log, AuditRecord};
use crate::db::certificates::{self, Certificate};
use crate::db::cohorts;
use crate::db::cpd::export::{self as cpd_export, SharedLink};
use crate::db::cpd::history::HistoryAction;
use crate::db::cpd::{self as cpd_store, Entry, Filter};
use crate::db::enrolments::{self, EnrolmentEvent};
use crate::db::evaluations;
use crate::db::interests::{self, Interest};
use crate::db::outbox::{self, OutboxEntry};
use crate::db::payments::{self, Payment};
use crate::db::users::User;

/// Everything held about one person.
#[derive(Serialize)]
pub struct DataExport {
    exported_at: DateTime<Utc>,
    account: User,
    emails_sent: Vec<OutboxEntry>,
    account_history: Vec<AuditRecord>,
    enrolments: Vec<EnrolmentExport>,
    payments: Vec<Payment>,
    interests: Vec<Interest>,
    certificates: Vec<CertificateExport>,
    cpd_record: CpdExport,
}

/// The whole CPD record: every entry with its reflection and evidence files (their bytes
/// in `content_base64`, standard base64), every change kept in the entries' history
/// (deleted entries' too), the share links (without their tokens) and the renewal date.
#[derive(Serialize)]
struct CpdExport {
    renewal_or_appraisal_date: Option<NaiveDate>,
    reminders: bool,
    entries: Vec<CpdEntryExport>,
    history: Vec<CpdHistoryExport>,
    share_links: Vec<SharedLink>,
}

#[derive(Serialize)]
struct CpdEntryExport {
    #[serde(flatten)]
    entry: Entry,
    /// A verified entry's certificate, at its public check address.
    certificate_check_address: Option<String>,
    evidence: Vec<EvidenceExport>,
}

#[derive(Serialize)]
struct EvidenceExport {
    evidence_id: i64,
    filename: String,
    file_format: crate::domain::material::FileFormat,
    size_bytes: i64,
    sha256: String,
    created_at: DateTime<Utc>,
    content_base64: String,
}

#[derive(Serialize)]
struct CpdHistoryExport {
    entry_id: i64,
    action: HistoryAction,
    at: DateTime<Utc>,
    /// The entry as it was after the change.
    entry: serde_json::Value,
}

/// A certificate as issued, with where it stands and its public address.
#[derive(Serialize)]
struct CertificateExport {
    verification_address: String,
    #[serde(flatten)]
    certificate: Certificate,
}

/// An enrolment with its course, cohort and history.
#[derive(Serialize)]
struct EnrolmentExport {
    reference: String,
    course: String,
    cohort: String,
    status: crate::domain::enrolment::Status,
    funding: Option<crate::domain::enrolment::Funding>,
    fee_pence: i64,
    created_at: DateTime<Utc>,
    history: Vec<EnrolmentEvent>,
    /// The register's mark for each live session the learner was marked at.
    attendance: Vec<AttendanceExport>,
    /// The course evaluation, if sent.
    evaluation: Option<EvaluationExport>,
}

#[derive(Serialize)]
struct AttendanceExport {
    session: String,
    starts_at: DateTime<Utc>,
    mark: crate::domain::learning::Mark,
    note: String,
}

#[derive(Serialize)]
struct EvaluationExport {
    overall_rating: i64,
    /// Each learning outcome and how far it was met (1 to 5).
    outcomes: Vec<(String, i64)>,
    practice: String,
    comments: String,
    submitted_at: DateTime<Utc>,
}

/// Gathers everything held about `user` (a read: the download writes nothing).
pub async fn export(ctx: Ctx<'_>, user: User) -> Result<DataExport, DbError> {
    Ok(DataExport {
        exported_at: ctx.now(),
        emails_sent: outbox::for_user(ctx.db, user.user_id).await?,
        account_history: own_history(ctx, user.user_id).await?,
        enrolments: enrolments_of(ctx, user.user_id).await?,
        payments: payments::for_user(ctx.db, user.user_id).await?,
        interests: interests::for_person(ctx.db, user.user_id, &user.email).await?,
        certificates: certificates::for_user(ctx.db, user.user_id)
            .await?
            .into_iter()
            .map(|certificate| CertificateExport {
                verification_address: ctx.site.url(&crate::paths::certificate(&certificate.code)),
                certificate,
            })
            .collect(),
        cpd_record: cpd_of(ctx, &user).await?,
        account: user,
    })
}

async fn cpd_of(ctx: Ctx<'_>, user: &User) -> Result<CpdExport, DbError> {
    let entries = cpd_store::list(ctx.db, user.user_id, &Filter::default(), i64::MAX, 0).await?;
    let mut files: HashMap<i64, Vec<EvidenceExport>> = HashMap::new();
    for f in cpd_export::evidence(ctx.db, user.user_id).await? {
        files.entry(f.entry_id).or_default().push(EvidenceExport {
            evidence_id: f.evidence_id,
            filename: f.filename,
            file_format: f.file_format,
            size_bytes: f.size_bytes,
            sha256: f.sha256,
            created_at: f.created_at,
            content_base64: base64::engine::general_purpose::STANDARD.encode(&f.bytes),
        });
    }
    let entries = entries
        .into_iter()
        .map(|entry| CpdEntryExport {
            certificate_check_address: entry
                .certificate_code
                .as_deref()
                .map(|code| ctx.site.url(&crate::paths::certificate(code))),
            evidence: files.remove(&entry.entry_id).unwrap_or_default(),
            entry,
        })
        .collect();
    let history = cpd_export::history(ctx.db, user.user_id)
        .await?
        .into_iter()
        .map(|row| CpdHistoryExport {
            entry_id: row.entry_id,
            action: row.action,
            at: row.at,
            entry: serde_json::from_str(&row.snapshot).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(CpdExport {
        renewal_or_appraisal_date: user.cpd_renewal_on,
        reminders: user.cpd_reminders,
        entries,
        history,
        share_links: cpd_export::share_links(ctx.db, user.user_id).await?,
    })
}

async fn enrolments_of(ctx: Ctx<'_>, user_id: i64) -> Result<Vec<EnrolmentExport>, DbError> {
    let mut export = Vec::new();
    for view in enrolments::views_for_user(ctx.db, user_id).await? {
        let id = view.enrolment.enrolment_id;
        export.push(EnrolmentExport {
            reference: crate::domain::enrolment::reference(id),
            course: view.course_title,
            cohort: view.cohort_name,
            status: view.enrolment.status,
            funding: view.enrolment.funding,
            fee_pence: view.enrolment.fee_pence,
            created_at: view.enrolment.created_at,
            history: enrolments::events(ctx.db, id).await?,
            attendance: attendance_of(ctx, view.enrolment.cohort_id, id).await?,
            evaluation: evaluation_of(ctx, id).await?,
        });
    }
    Ok(export)
}

async fn attendance_of(
    ctx: Ctx<'_>,
    cohort_id: i64,
    enrolment_id: i64,
) -> Result<Vec<AttendanceExport>, DbError> {
    let sessions = cohorts::sessions_for(ctx.db, &[cohort_id]).await?;
    let marks = attendance::marks_for_enrolment(ctx.db, enrolment_id).await?;
    Ok(marks
        .into_iter()
        .filter_map(|mark| {
            let session = sessions
                .iter()
                .find(|s| s.cohort_session_id == mark.cohort_session_id)?;
            Some(AttendanceExport {
                session: session.title.clone(),
                starts_at: session.starts_at,
                mark: mark.mark,
                note: mark.note,
            })
        })
        .collect())
}

async fn evaluation_of(
    ctx: Ctx<'_>,
    enrolment_id: i64,
) -> Result<Option<EvaluationExport>, DbError> {
    let Some(evaluation) = evaluations::for_enrolment(ctx.db, enrolment_id).await? else {
        return Ok(None);
    };
    let outcomes = evaluations::outcomes_of(ctx.db, evaluation.evaluation_id)
        .await?
        .into_iter()
        .map(|o| (o.outcome, o.rating))
        .collect();
    Ok(Some(EvaluationExport {
        overall_rating: evaluation.overall_rating,
        outcomes,
        practice: evaluation.practice,
        comments: evaluation.comments,
        submitted_at: evaluation.submitted_at,
    }))
}

/// The account's history, keeping network addresses only of the person's own actions.
async fn own_history(ctx: Ctx<'_>, user_id: i64) -> Result<Vec<AuditRecord>, DbError> {
    let mut history = audit_log::for_user(ctx.db, user_id, 10_000).await?;
    for event in &mut history {
        if event.actor_user_id != Some(user_id) {
            event.client_address = None;
        }
    }
    Ok(history)
}
