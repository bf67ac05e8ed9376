//! Announcing a material to its cohort: one mail to each confirmed learner, queued in the
//! transaction that asks for it when the material is available already, or by the
//! background job once its "available from" time has passed, so nobody is told about
//! something they cannot open yet.

use crate::context::{Actor, Ctx};
use crate::db::audit::{self, AuditEvent};
use crate::db::materials::{self, Material};
use crate::db::{Tx, cohorts, courses};
use crate::domain::audit::SubjectKind;
use crate::domain::email::Email;
use crate::domain::material::MaterialKind;
use crate::email::outbox::{Envelope, queue};
use crate::paths;

use super::MaterialError;
use super::mails::MaterialAdded;

/// What became of a material's announcement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Announcement {
    /// None was asked for.
    NotAsked,
    /// Queued now, to this many learners.
    Sent(usize),
    /// Asked for; it goes when the material becomes available.
    WhenAvailable,
    /// It went before.
    AlreadySent,
}

/// Queues the announcement of `material` in `tx`, if one was asked for, the material is
/// available and it has not gone yet; audited as `material_announced`.
pub(super) async fn if_due(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    material: &Material,
    by: Actor<'_>,
) -> Result<Announcement, MaterialError> {
    let now = ctx.now();
    if !material.announce_requested {
        return Ok(Announcement::NotAsked);
    }
    if material.announced_at.is_some() {
        return Ok(Announcement::AlreadySent);
    }
    if !crate::domain::material::is_available(material.available_from, now) {
        return Ok(Announcement::WhenAvailable);
    }
    if !materials::claim_announcement(tx, material.material_id, now).await? {
        return Ok(Announcement::AlreadySent);
    }
    let sent = mail_learners(ctx, tx, material).await?;
    let detail = format!(
        "cohort {} material {}: {sent} learners emailed",
        material.cohort_id, material.material_id
    );
    let event = AuditEvent::new("material_announced")
        .by(by.user_id, by.client)
        .on(SubjectKind::Cohort, material.cohort_id)
        .detail(&detail);
    audit::record(tx, &event, now).await?;
    Ok(Announcement::Sent(sent))
}

/// One mail per confirmed learner, each linking to their own enrolment page.
async fn mail_learners(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    material: &Material,
) -> Result<usize, MaterialError> {
    let cohort = cohorts::find_in(tx, material.cohort_id)
        .await?
        .ok_or(MaterialError::CohortNotFound)?;
    let course = courses::find_in(tx, cohort.course_id)
        .await?
        .ok_or(MaterialError::CohortNotFound)?;
    let what = match material.kind {
        MaterialKind::File => "file",
        MaterialKind::Link => "link",
        MaterialKind::Note => "note",
    };
    let mut sent = 0;
    for learner in materials::confirmed_learners(tx, cohort.cohort_id).await? {
        let Ok(to) = Email::parse(&learner.email) else {
            tracing::warn!(
                user_id = learner.user_id,
                "a stored address does not parse; no announcement sent to it"
            );
            continue;
        };
        let mail = MaterialAdded {
            name: learner.full_name.clone(),
            course_title: course.title.clone(),
            cohort_name: cohort.name.clone(),
            title: material.title.clone(),
            what,
            enrolment_url: ctx
                .site
                .url(&paths::enrolment_materials(learner.enrolment_id)),
        };
        let envelope = Envelope {
            to: &to,
            user_id: Some(learner.user_id),
            idempotency_key: format!(
                "material_added:{}:{}",
                material.material_id, learner.enrolment_id
            ),
        };
        if queue(tx, ctx.site, &envelope, &mail, ctx.now())
            .await
            .map_err(MaterialError::Mail)?
        {
            sent += 1;
        }
    }
    Ok(sent)
}

const BATCH: i64 = 50;

/// The background job: sends every requested announcement whose material has become
/// available, each in its own transaction. Safe in several processes at once: the claim
/// lets one of them send it. Returns how many materials were announced.
pub async fn send_due(ctx: Ctx<'_>) -> Result<usize, MaterialError> {
    let mut announced = 0;
    for material_id in materials::due_announcements(ctx.db, ctx.now(), BATCH).await? {
        let mut tx = ctx.db.begin().await?;
        let Some(material) = materials::find_in(&mut tx, material_id).await? else {
            continue;
        };
        if let Announcement::Sent(_) = if_due(ctx, &mut tx, &material, Actor::SYSTEM).await? {
            announced += 1;
        }
        tx.commit().await?;
    }
    Ok(announced)
}
