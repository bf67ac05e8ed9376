//! The audit trail of the places: an event per step (as `record_step` audits it) and per
//! certificate issued, thinned evenly to the size asked for, and the event recording the
//! run itself.

use super::World;
use super::certificates::earns_certificate;
use super::places::{By, Place, Step};
use crate::db::binds::Value;
use crate::domain::audit::SubjectKind;
use crate::domain::enrolment::reference;

pub const AUDIT_COLUMNS: [&str; 8] = [
    "actor_user_id",
    "subject_user_id",
    "subject_kind",
    "subject_id",
    "action",
    "detail",
    "client_address",
    "created_at",
];

/// The action of the event that records a seeding run; it also marks the data as there.
pub const SEEDED_ACTION: &str = "seed_scale";

/// Events a place leads to: one per step, and its certificate's.
pub fn events_of(place: &Place) -> usize {
    place.steps.len() + usize::from(earns_certificate(place))
}

/// `wanted` of the `total` events the places lead to, spread evenly through them.
/// `first_certificate_id` numbers the certificates in the places' order.
pub fn rows(
    world: &World,
    total: usize,
    wanted: usize,
    first_certificate_id: i64,
) -> impl Iterator<Item = [Value; 8]> + '_ {
    let mut certificates = 0;
    world
        .places()
        .flat_map(move |(_, place)| {
            let certificate = earns_certificate(&place).then(|| {
                certificates += 1;
                first_certificate_id + certificates - 1
            });
            let mut rows: Vec<[Value; 8]> = place
                .steps
                .iter()
                .map(|step| step_row(world, &place, step))
                .collect();
            if let (Some(id), Some(last)) = (certificate, place.steps.last()) {
                rows.push([
                    None::<i64>.into(),
                    world.people.user_id(place.learner).into(),
                    SubjectKind::Certificate.as_str().into(),
                    id.into(),
                    "certificate_issued".into(),
                    format!(
                        "certificate {id} for enrolment {}",
                        world.enrolment_id(&place)
                    )
                    .into(),
                    None::<String>.into(),
                    last.at.into(),
                ]);
            }
            rows
        })
        .enumerate()
        .filter(move |(e, _)| wanted >= total || (e + 1) * wanted / total > e * wanted / total)
        .map(|(_, row)| row)
}

fn step_row(world: &World, place: &Place, step: &Step) -> [Value; 8] {
    let enrolment = reference(world.enrolment_id(place));
    let detail = match step.from {
        None => format!("{enrolment} {}", step.to.as_str()),
        Some(from) => format!("{enrolment} {} -> {}", from.as_str(), step.to.as_str()),
    };
    // Addresses from the documentation ranges (RFC 5737).
    let client = match step.by {
        By::Learner => Some(format!("198.51.100.{}", 1 + place.learner % 254)),
        By::Admin => Some("203.0.113.10".to_owned()),
        By::System => None,
    };
    [
        world.actor(place, step).into(),
        world.people.user_id(place.learner).into(),
        SubjectKind::Enrolment.as_str().into(),
        world.enrolment_id(place).into(),
        step.action.into(),
        detail.into(),
        client.into(),
        step.at.into(),
    ]
}

/// The event recording the run, with what it added.
pub fn seeded_row(world: &World, detail: String) -> [Value; 8] {
    [
        None::<i64>.into(),
        None::<i64>.into(),
        None::<String>.into(),
        None::<i64>.into(),
        SEEDED_ACTION.into(),
        detail.into(),
        None::<String>.into(),
        world.now.into(),
    ]
}
