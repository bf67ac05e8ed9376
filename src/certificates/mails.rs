//! The certificates' email: "your certificate is ready", with its links.

use askama::Template;
use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::db::Tx;
use crate::db::certificates::Certificate;
use crate::domain::catalogue::cpd_hours;
use crate::domain::email::Email;
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
