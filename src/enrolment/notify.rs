//! Queueing a place's emails in its transaction: to the learner (the confirmation with its
//! calendar among them), a copy to whoever pays, and notices to the education team.

use chrono::NaiveDate;

use crate::context::Ctx;
use crate::db::Tx;
use crate::db::cohorts::{self, Cohort, CohortSession};
use crate::db::outbox::Attachment;
use crate::db::users;
use crate::db::writes::Writes;
use crate::domain::email::Email;
use crate::domain::enrolment as rules;
use crate::domain::london;
use crate::domain::money::format_pence;
use crate::email::Site;
use crate::email::outbox::{Envelope, push_with_attachment, queue, queue_with_attachment};
use crate::email::templates::OutgoingEmail;
use crate::paths;

use super::EnrolmentError;
use super::mails::{AdminNotice, PlaceConfirmed, PlaceFacts};
use super::place::Place;

/// What every email about this place says.
pub fn facts(site: &Site, place: &Place) -> PlaceFacts {
    PlaceFacts {
        name: place.learner.full_name.clone(),
        course_title: place.course.title.clone(),
        cohort_name: place.cohort.name.clone(),
        dates: cohort_dates(&place.cohort),
        reference: rules::reference(place.enrolment.enrolment_id),
        enrolment_url: site.url(&paths::enrolment(place.enrolment.enrolment_id)),
    }
}

/// "12 January to 9 February 2027".
pub fn cohort_dates(cohort: &Cohort) -> String {
    date_range(cohort.starts_on, cohort.ends_on)
}

/// "12 January to 9 February 2027", for a cohort's first and last days.
pub fn date_range(starts_on: NaiveDate, ends_on: NaiveDate) -> String {
    format!("{} to {}", london::date(starts_on), london::date(ends_on))
}

/// "£250.00".
pub fn money(pence: i64) -> String {
    format_pence(pence)
}

/// Queues a mail to the place's learner. The key names the event, so a retried
/// transaction never mails twice: `enrolment:<id>:<event>:<updated_at>`.
pub async fn send<E: OutgoingEmail>(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    place: &Place,
    event: &str,
    mail: &E,
) -> Result<(), EnrolmentError> {
    send_with_attachment(ctx, tx, place, event, mail, None).await
}

/// [`send`], with a file attached.
pub async fn send_with_attachment<E: OutgoingEmail>(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    place: &Place,
    event: &str,
    mail: &E,
    attachment: Option<&Attachment>,
) -> Result<(), EnrolmentError> {
    let to = Email::parse(&place.learner.email).map_err(EnrolmentError::LearnerAddress)?;
    deliver(ctx, tx, place, event, &to, mail, attachment).await
}

/// The same mail to someone else about this place (an invoice's billing contact).
pub async fn send_copy<E: OutgoingEmail>(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    place: &Place,
    event: &str,
    to: &Email,
    mail: &E,
) -> Result<(), EnrolmentError> {
    if to.as_str() == place.learner.email {
        return Ok(());
    }
    deliver(ctx, tx, place, &format!("{event}:copy"), to, mail, None).await
}

async fn deliver<E: OutgoingEmail>(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    place: &Place,
    event: &str,
    to: &Email,
    mail: &E,
    attachment: Option<&Attachment>,
) -> Result<(), EnrolmentError> {
    let envelope = envelope(place, event, to);
    queue_with_attachment(tx, ctx.site, &envelope, mail, attachment, ctx.now())
        .await
        .map_err(EnrolmentError::Mail)?;
    Ok(())
}

/// Who a mail about the place goes to, keyed by the event so a retried transaction never
/// mails twice: `enrolment:<id>:<event>:<updated_at>`.
fn envelope<'a>(place: &Place, event: &str, to: &'a Email) -> Envelope<'a> {
    Envelope {
        to,
        user_id: Some(place.learner.user_id),
        idempotency_key: format!(
            "enrolment:{}:{event}:{}",
            place.enrolment.enrolment_id,
            place.enrolment.updated_at.timestamp_micros()
        ),
    }
}

/// The "place confirmed" email, with the cohort's calendar attached when it has sessions.
pub async fn send_confirmation(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    place: &Place,
    paid_pence: Option<i64>,
) -> Result<(), EnrolmentError> {
    let sessions = cohorts::sessions_in(tx, place.cohort.cohort_id).await?;
    let (mail, attachment) = confirmation(ctx.site, place, &sessions, paid_pence);
    send_with_attachment(ctx, tx, place, "confirmed", &mail, attachment.as_ref()).await
}

/// [`send_confirmation`] for a free place, in writes sent together, with the cohort's
/// sessions as the caller knows them to be.
pub fn push_confirmation(
    ctx: Ctx<'_>,
    writes: &mut Writes,
    place: &Place,
    sessions: &[CohortSession],
) -> Result<(), EnrolmentError> {
    let (mail, attachment) = confirmation(ctx.site, place, sessions, None);
    let to = Email::parse(&place.learner.email).map_err(EnrolmentError::LearnerAddress)?;
    let envelope = envelope(place, "confirmed", &to);
    push_with_attachment(
        writes,
        ctx.site,
        &envelope,
        &mail,
        attachment.as_ref(),
        ctx.now(),
    )
    .map_err(EnrolmentError::Mail)
}

fn confirmation(
    site: &Site,
    place: &Place,
    sessions: &[CohortSession],
    paid_pence: Option<i64>,
) -> (PlaceConfirmed, Option<Attachment>) {
    let attachment =
        crate::calendar::attachment(site, &place.course.title, &place.cohort, sessions, &[]);
    let mail = PlaceConfirmed {
        p: facts(site, place),
        first_session: sessions
            .first()
            .map(|s| london::date_time(s.starts_at))
            .unwrap_or_default(),
        paid: paid_pence.map(money).unwrap_or_default(),
    };
    (mail, attachment)
}

/// Tells every active admin about something that needs a person (a refund after a late
/// payment, a cancelled invoice), linking to the cohort's roster when there is one.
pub async fn notify_admins(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    key: &str,
    headline: String,
    detail: String,
    cohort_id: Option<i64>,
) -> Result<(), EnrolmentError> {
    let roster = cohort_id.map_or(paths::admin_cohorts().to_owned(), paths::admin_cohort);
    let mail = AdminNotice {
        headline,
        detail,
        roster_url: ctx.site.url(&roster),
    };
    let now = ctx.now();
    for admin in users::active_admins(tx).await? {
        let Ok(to) = Email::parse(&admin.email) else {
            continue;
        };
        let envelope = Envelope {
            to: &to,
            user_id: Some(admin.user_id),
            idempotency_key: format!("{key}:admin:{}", admin.user_id),
        };
        queue(tx, ctx.site, &envelope, &mail, now)
            .await
            .map_err(EnrolmentError::Mail)?;
    }
    Ok(())
}
