//! Issuing a certificate inside the caller's transaction (the completion of an enrolment):
//! every printed fact is snapshotted onto a new row, with its audit event and its email.

use chrono::{DateTime, NaiveDate, Utc};

use crate::context::Ctx;
use crate::db::audit::{self, AuditEvent};
use crate::db::certificates::{self, Certificate, NewCertificate, Source};
use crate::db::{DbError, Tx, cohorts};
use crate::domain::audit::SubjectKind;
use crate::domain::certificate::{Code, participatory_minutes};
use crate::domain::london;

use super::{CertificateError, mails};

/// What [`issue_in`] did: the enrolment's certificate, and whether this call issued it.
#[derive(Clone, Debug)]
pub struct IssuedCertificate {
    pub certificate: Certificate,
    /// False when the enrolment already had one (it is returned unchanged; nothing is
    /// written, no mail is queued).
    pub newly_issued: bool,
}

/// Issues the certificate of a completed enrolment in `tx`, which the caller commits: the
/// learner's name from their profile now, the course (title, level, CPD time, accreditation
/// and its reference, outcomes) and cohort (name, dates) as they are now, the live sessions'
/// time as participatory CPD (capped at the CPD time), the completion date (`now`, in UK
/// time), the provider, and a fresh unguessable code; then the audit event and the "your
/// certificate is ready" mail.
///
/// Idempotent per enrolment: if it already has a current certificate (valid, or revoked
/// by an admin, which a second completion must not undo) that one is returned. It does not
/// check the enrolment's state: the caller completes the enrolment and then calls this.
pub async fn issue_in(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    enrolment_id: i64,
    now: DateTime<Utc>,
) -> Result<IssuedCertificate, CertificateError> {
    let source = certificates::source_in(tx, enrolment_id)
        .await?
        .ok_or(CertificateError::NotFound)?;
    if let Some(certificate) = certificates::current_for_enrolment_in(tx, enrolment_id).await? {
        return Ok(IssuedCertificate {
            certificate,
            newly_issued: false,
        });
    }
    let completed_on = london::day_of(now);
    let certificate = insert_snapshot(tx, ctx, &source, completed_on, now).await?;
    crate::cpd::verified::add_in(tx, ctx, &certificate).await?;
    let detail = format!(
        "certificate {} for enrolment {enrolment_id}",
        certificate.certificate_id
    );
    let event = AuditEvent::new("certificate_issued")
        .about(Some(source.user_id))
        .on(SubjectKind::Certificate, certificate.certificate_id)
        .detail(&detail);
    audit::record(tx, &event, now).await?;
    mails::certificate_ready(tx, ctx, &certificate, &source.email, false, now).await?;
    Ok(IssuedCertificate {
        certificate,
        newly_issued: true,
    })
}

/// Writes a valid certificate printing `source` as it is now, completed on `completed_on`.
pub(super) async fn insert_snapshot(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    source: &Source,
    completed_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Certificate, CertificateError> {
    let sessions = cohorts::sessions_in(tx, source.cohort_id).await?;
    let new = NewCertificate {
        code: Code::generate(),
        enrolment_id: source.enrolment_id,
        user_id: source.user_id,
        cohort_id: source.cohort_id,
        learner_name: source.full_name.clone(),
        course_title: source.course_title.clone(),
        course_level: source.level,
        cohort_name: source.cohort_name.clone(),
        starts_on: source.starts_on,
        ends_on: source.ends_on,
        completed_on,
        cpd_minutes: source.cpd_minutes,
        participatory_minutes: participatory_minutes(
            sessions.iter().map(|s| (s.starts_at, s.ends_at)),
            source.cpd_minutes,
        ),
        accreditation: source.accreditation.clone(),
        accreditation_reference: source.accreditation_reference.clone(),
        learning_outcomes: source.learning_outcomes.clone(),
        provider: ctx.site.provider.clone(),
    };
    let id = certificates::insert(tx, &new, now)
        .await
        .map_err(|error| match error {
            // Two valid certificates for one enrolment: the row lock in `source_in` makes
            // this unreachable short of a bug, and the index refuses it all the same.
            DbError::UniqueViolation(_) => CertificateError::AlreadyIssued,
            other => CertificateError::Db(other),
        })?;
    certificates::find_in(tx, id)
        .await?
        .ok_or(CertificateError::NotFound)
}
