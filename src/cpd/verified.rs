//! Verified entries: made from a certificate inside the completion's transaction, with the
//! certificate's facts (which the learner cannot change), and kept in step with it when an
//! admin revokes it (the entry stops counting) or reissues it (the entry follows the new
//! certificate). Each helper takes the caller's `tx` and never commits.

use crate::context::Ctx;
use crate::db::certificates::Certificate;
use crate::db::cpd::history::HistoryAction;
use crate::db::cpd::{self as store, EntryFields};
use crate::db::{DbError, Tx};
use crate::domain::cpd::entry::{EntryKind, Method};

use super::record;

/// Adds the verified entry of a newly issued certificate to its holder's log: the course
/// title, the provider, the cohort's dates, the CPD and participatory time and the
/// learning outcomes. Returns its id; `None` if the certificate has no holder or already
/// has its entry.
pub async fn add_in(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    certificate: &Certificate,
) -> Result<Option<i64>, DbError> {
    let Some(user_id) = certificate.user_id else {
        return Ok(None);
    };
    if store::for_certificate_in(tx, certificate.certificate_id)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let fields = EntryFields {
        kind: Some(EntryKind::Activity),
        certificate_id: Some(certificate.certificate_id),
        title: certificate.course_title.clone(),
        provider: certificate.provider.clone(),
        method: Some(Method::Course),
        started_on: certificate.starts_on,
        ended_on: certificate.ends_on.max(certificate.starts_on),
        minutes: certificate.cpd_minutes.max(0),
        participatory_minutes: certificate
            .participatory_minutes
            .clamp(0, certificate.cpd_minutes.max(0)),
        learning_outcomes: certificate.outcomes().join("\n"),
        ..EntryFields::default()
    };
    let entry_id = store::insert(tx, user_id, &fields, ctx.now()).await?;
    let entry = store::find_in(tx, entry_id)
        .await?
        .ok_or(DbError::NotFound)?;
    record(tx, ctx, None, &entry, HistoryAction::Created).await?;
    Ok(Some(entry_id))
}

/// The certificate was revoked: its entry's history says so (the entry reads the
/// certificate's state, so it stops counting at once).
pub async fn certificate_revoked_in(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    certificate_id: i64,
) -> Result<(), DbError> {
    if let Some(entry) = store::for_certificate_in(tx, certificate_id).await? {
        record(tx, ctx, None, &entry, HistoryAction::CertificateRevoked).await?;
    }
    Ok(())
}

/// The certificate was reissued as `new_id`: its entry now links to the new one.
pub async fn certificate_replaced_in(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    old_id: i64,
    new_id: i64,
) -> Result<(), DbError> {
    if store::move_certificate(tx, old_id, new_id, ctx.now()).await? {
        if let Some(entry) = store::for_certificate_in(tx, new_id).await? {
            record(tx, ctx, None, &entry, HistoryAction::CertificateReplaced).await?;
        }
    }
    Ok(())
}
