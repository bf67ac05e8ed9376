//! Admins' actions on an issued certificate: revoking it (its public page says so, with the
//! date and the public reason if given, and the holder is emailed) and reissuing it (a fresh snapshot under a new
//! code; the old address says "replaced" and links to the new one).

use crate::context::Ctx;
use crate::db::audit::{self, AuditEvent};
use crate::db::certificates::{self, Certificate};
use crate::db::users;
use crate::domain::audit::SubjectKind;

use super::issue::insert_snapshot;
use super::{Admin, CertificateError, mails};

/// Why a certificate is revoked: for the record, and optionally for the public page.
#[derive(Clone, Debug)]
pub struct Revocation {
    pub reason: String,
    pub public_reason: Option<String>,
}

/// Revokes a valid certificate.
pub async fn revoke(
    ctx: Ctx<'_>,
    by: Admin<'_>,
    certificate_id: i64,
    revocation: &Revocation,
) -> Result<Certificate, CertificateError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let certificate = certificates::lock(&mut tx, certificate_id)
        .await?
        .ok_or(CertificateError::NotFound)?;
    let public_reason = revocation.public_reason.as_deref();
    if !certificates::revoke(
        &mut tx,
        certificate_id,
        public_reason,
        &revocation.reason,
        now,
    )
    .await?
    {
        return Err(CertificateError::NotValid);
    }
    let detail = format!(
        "certificate {certificate_id} revoked: {}{}",
        revocation.reason,
        public_reason.map_or(String::new(), |p| format!(" (public: {p})"))
    );
    let event = AuditEvent::new("certificate_revoked")
        .by(Some(by.user_id), Some(by.client))
        .about(certificate.user_id)
        .on(SubjectKind::Certificate, certificate_id)
        .detail(&detail);
    audit::record(&mut tx, &event, now).await?;
    crate::cpd::verified::certificate_revoked_in(&mut tx, ctx, certificate_id).await?;
    let revoked = certificates::find_in(&mut tx, certificate_id)
        .await?
        .ok_or(CertificateError::NotFound)?;
    // The holder hears of it from us, not from whoever checks it next (nobody to tell
    // once their account is closed).
    if let Some(user_id) = revoked.user_id.filter(|_| !revoked.holder_closed()) {
        if let Some(holder) = users::find_in(&mut tx, user_id).await? {
            mails::certificate_revoked(&mut tx, ctx, &revoked, holder.email.as_str(), now).await?;
        }
    }
    tx.commit().await?;
    Ok(revoked)
}

/// Why a certificate is reissued (a name correction, a course detail put right).
#[derive(Clone, Debug)]
pub struct Reissue {
    pub reason: String,
}

/// Replaces a valid certificate with a new one printing the enrolment's learner, course
/// and cohort as they are now (the completion date stays), under a new code, and mails
/// the holder its links. Returns the new certificate.
pub async fn reissue(
    ctx: Ctx<'_>,
    by: Admin<'_>,
    certificate_id: i64,
    reissue: &Reissue,
) -> Result<Certificate, CertificateError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let old = certificates::lock(&mut tx, certificate_id)
        .await?
        .ok_or(CertificateError::NotFound)?;
    if !old.is_valid() {
        return Err(CertificateError::NotValid);
    }
    let Some(enrolment_id) = old.enrolment_id.filter(|_| !old.holder_closed()) else {
        return Err(CertificateError::HolderGone);
    };
    let source = certificates::source_in(&mut tx, enrolment_id)
        .await?
        .ok_or(CertificateError::HolderGone)?;
    // The enrolment holds one valid certificate at a time: the old one steps aside first.
    if !certificates::mark_replaced(&mut tx, certificate_id, &reissue.reason, now).await? {
        return Err(CertificateError::NotValid);
    }
    let new = insert_snapshot(&mut tx, ctx, &source, old.completed_on, now).await?;
    certificates::link_replacement(&mut tx, certificate_id, new.certificate_id).await?;
    crate::cpd::verified::certificate_replaced_in(&mut tx, ctx, certificate_id, new.certificate_id)
        .await?;
    let detail = format!(
        "certificate {certificate_id} replaced by certificate {}: {}",
        new.certificate_id, reissue.reason
    );
    let event = AuditEvent::new("certificate_reissued")
        .by(Some(by.user_id), Some(by.client))
        .about(Some(source.user_id))
        .on(SubjectKind::Certificate, new.certificate_id)
        .detail(&detail);
    audit::record(&mut tx, &event, now).await?;
    mails::certificate_ready(&mut tx, ctx, &new, &source.email, true, now).await?;
    tx.commit().await?;
    Ok(new)
}
