//! Rows of the places: `enrolments`, their history (`enrolment_events`, a row per step as
//! `enrolment::place::record_step` writes it) and the card `payments` of learners outside
//! the NHS (paid with a receipt number, refunded when a place was cancelled in time).

use chrono::{DateTime, Duration, Utc};

use super::World;
use super::places::{By, Place, Step};
use super::plan::{CohortPlan, Phase};
use crate::db::binds::Value;
use crate::domain::enrolment::{self as rules, Funding, Status};

pub const ENROLMENT_COLUMNS: [&str; 11] = [
    "enrolment_id",
    "user_id",
    "cohort_id",
    "status",
    "funding",
    "fee_pence",
    "waitlist_number",
    "reminded_week_at",
    "reminded_day_at",
    "created_at",
    "updated_at",
];

pub fn enrolment_row(world: &World, cohort: &CohortPlan, place: &Place) -> [Value; 11] {
    [
        world.enrolment_id(place).into(),
        world.people.user_id(place.learner).into(),
        world.cohort_id(cohort).into(),
        place.status.as_str().into(),
        place.funding.map(Funding::as_str).into(),
        place.fee_pence.into(),
        place.waitlist_number.into(),
        reminded(world, cohort, place, Duration::days(7)).into(),
        reminded(world, cohort, place, Duration::days(1)).into(),
        place.created_at().into(),
        place.updated_at().into(),
    ]
}

/// When the reminder `lead` before the first live session went (the job sends it as soon
/// as the session is that close to a confirmed place), if it has by now; the job finds
/// nothing left to send for the scale places.
fn reminded(
    world: &World,
    cohort: &CohortPlan,
    place: &Place,
    lead: Duration,
) -> Option<DateTime<Utc>> {
    let first = cohort.sessions.iter().map(|s| s.0).min()?;
    let confirmed = place.steps.iter().find(|s| s.to == Status::Confirmed)?.at;
    let left = place
        .steps
        .iter()
        .find(|s| s.from == Some(Status::Confirmed));
    let at = confirmed.max(first - lead);
    // The week's reminder is only for a session more than a day away.
    let in_time = match lead > Duration::days(1) {
        true => at + Duration::days(1) < first,
        false => at < first,
    };
    (at <= world.now && in_time && left.is_none_or(|step| step.at > at)).then_some(at)
}

pub const EVENT_COLUMNS: [&str; 6] = [
    "enrolment_id",
    "from_status",
    "to_status",
    "actor_user_id",
    "note",
    "occurred_at",
];

pub fn event_rows<'a>(world: &'a World, place: &'a Place) -> impl Iterator<Item = [Value; 6]> + 'a {
    place.steps.iter().map(move |step| {
        [
            world.enrolment_id(place).into(),
            step.from.map(Status::as_str).into(),
            step.to.as_str().into(),
            world.actor(place, step).into(),
            step.note.into(),
            step.at.into(),
        ]
    })
}

pub const PAYMENT_COLUMNS: [&str; 14] = [
    "enrolment_id",
    "description",
    "method",
    "amount_pence",
    "status",
    "checkout_session_id",
    "payment_intent",
    "refund_id",
    "refund_pence",
    "receipt_number",
    "paid_at",
    "refunded_at",
    "created_at",
    "updated_at",
];

/// Whether a cancelled card place was refunded: always when the cohort was cancelled; when
/// the learner cancelled, only before the refund cut-off.
fn refunded(world: &World, cohort: &CohortPlan, cancel: &Step) -> bool {
    cohort.phase == Phase::Cancelled
        || cancel.at < rules::refund_cutoff(cohort.starts_on, world.refund_cutoff_days)
}

/// Whether the place has a payment: a card place that took its seat (waiting needs none).
pub fn has_payment(place: &Place) -> bool {
    place.paid_by_card() && place.status != Status::Waitlisted
}

/// The payment of a card place, with the receipt `receipt` (its number in the series).
pub fn payment_row(
    world: &World,
    cohort: &CohortPlan,
    place: &Place,
    receipt: i64,
) -> Option<[Value; 14]> {
    if !has_payment(place) {
        return None;
    }
    let enrolment_id = world.enrolment_id(place);
    let paid_at = place.steps.get(1)?.at;
    let course = &world.courses[cohort.course];
    let description = format!(
        "{}: {} ({})",
        course.title,
        cohort.name,
        rules::reference(enrolment_id)
    );
    let refund = place
        .steps
        .last()
        .filter(|step| step.to == Status::Cancelled && refunded(world, cohort, step))
        .map(|step| (step.at + Duration::hours(2)).min(world.now));
    let (status, refund_pence) = match refund {
        Some(_) => ("refunded", place.fee_pence),
        None => ("paid", 0),
    };
    Some([
        enrolment_id.into(),
        description.into(),
        "card".into(),
        place.fee_pence.into(),
        status.into(),
        format!("cs_scale_{enrolment_id}").into(),
        format!("pi_scale_{enrolment_id}").into(),
        refund.map(|_| format!("re_scale_{enrolment_id}")).into(),
        refund_pence.into(),
        format!("RCT-{receipt:06}").into(),
        paid_at.into(),
        refund.into(),
        place.created_at().into(),
        refund.unwrap_or(paid_at).into(),
    ])
}

impl World {
    /// The user who took a step: the learner, the scale admin, or nobody (the provider).
    pub fn actor(&self, place: &Place, step: &Step) -> Option<i64> {
        match step.by {
            By::Learner => Some(self.people.user_id(place.learner)),
            By::Admin => Some(self.people.admin_id()),
            By::System => None,
        }
    }
}
