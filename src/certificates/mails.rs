//! The certificates' email: "your certificate is ready", with its links, and "your
//! certificate has been revoked", with the date and the public reason.

use askama::Template;
use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::db::Tx;
use crate::db::certificates::Certificate;
use crate::domain::catalogue::cpd_hours;
use crate::domain::email::Email;
use crate::domain::london;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::{OutgoingEmail, RenderedEmail, Site, outgoing_email};
use crate::paths;

use super::CertificateError;

/// To the holder when a certificate is issued, or reissued with a correction.
pub struct CertificateReady {
    pub name: String,
    pub course_title: String,
    pub cpd: String,
    /// Empty when none of it was participatory.
    pub participatory: String,
    /// A reissue: it replaces an earlier certificate.
    pub replaces: bool,
    pub view_url: String,
    pub pdf_url: String,
    pub verify_url: String,
    pub list_url: String,
}
outgoing_email!(CertificateReady, "certificate_ready", token: false,
    "certificate_ready/subject.txt", "certificate_ready/body.txt", "certificate_ready/body.html");

/// Queues the mail for `certificate` in `tx`, once per certificate.
pub(super) async fn certificate_ready(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    certificate: &Certificate,
    to: &str,
    replaces: bool,
    now: DateTime<Utc>,
) -> Result<(), CertificateError> {
    let to = Email::parse(to).map_err(|e| CertificateError::Mail(e.into()))?;
    let code = &certificate.code;
    let mail = CertificateReady {
        name: certificate.learner_name.clone(),
        course_title: certificate.course_title.clone(),
        cpd: cpd_hours(certificate.cpd_minutes),
        participatory: match certificate.participatory_minutes {
            0 => String::new(),
            minutes => cpd_hours(minutes),
        },
        replaces,
        view_url: ctx.site.url(&paths::certificate_view(code)),
        pdf_url: ctx.site.url(&paths::certificate_pdf(code)),
        verify_url: ctx.site.url(&paths::certificate(code)),
        list_url: ctx.site.url(paths::certificates()),
    };
    let envelope = Envelope {
        to: &to,
        user_id: certificate.user_id,
        idempotency_key: format!("certificate_ready:{}", certificate.certificate_id),
    };
    queue(tx, ctx.site, &envelope, &mail, now)
        .await
        .map_err(CertificateError::Mail)?;
    Ok(())
}

/// To the holder when an admin revokes their certificate.
pub struct CertificateRevoked {
    pub name: String,
    pub course_title: String,
    pub cohort_name: String,
    pub revoked_on: String,
    /// Empty when the admin gave no public reason.
    pub public_reason: String,
    pub verify_url: String,
}
outgoing_email!(CertificateRevoked, "certificate_revoked", token: false,
    "certificate_revoked/subject.txt", "certificate_revoked/body.txt", "certificate_revoked/body.html");

/// Queues the revocation mail for `certificate` (as revoked) in `tx`.
pub(super) async fn certificate_revoked(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    certificate: &Certificate,
    to: &str,
    now: DateTime<Utc>,
) -> Result<(), CertificateError> {
    let to = Email::parse(to).map_err(|e| CertificateError::Mail(e.into()))?;
    let mail = CertificateRevoked {
        name: certificate.learner_name.clone(),
        course_title: certificate.course_title.clone(),
        cohort_name: certificate.cohort_name.clone(),
        revoked_on: london::date(london::day_of(certificate.revoked_at.unwrap_or(now))),
        public_reason: certificate.public_reason.clone().unwrap_or_default(),
        verify_url: ctx.site.url(&paths::certificate(&certificate.code)),
    };
    let envelope = Envelope {
        to: &to,
        user_id: certificate.user_id,
        idempotency_key: format!("certificate_revoked:{}", certificate.certificate_id),
    };
    queue(tx, ctx.site, &envelope, &mail, now)
        .await
        .map_err(CertificateError::Mail)?;
    Ok(())
}
