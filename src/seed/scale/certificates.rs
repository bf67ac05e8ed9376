//! A certificate for every completed place, snapshotting what `certificates::issue_in`
//! prints (the learner's name, the course and cohort as they are, the live sessions' time
//! as participatory CPD, a fresh code), and the verified CPD entry `cpd::verified::add_in`
//! makes from it.

use super::World;
use super::people;
use super::places::Place;
use super::plan::CohortPlan;
use crate::db::binds::Value;
use crate::domain::certificate::{CertificateState, Code, participatory_minutes};
use crate::domain::cpd::entry::{EntryKind, Method};
use crate::domain::enrolment::Status;
use crate::domain::london;
use crate::domain::search;

pub const CERTIFICATE_COLUMNS: [&str; 23] = [
    "certificate_id",
    "code",
    "enrolment_id",
    "user_id",
    "cohort_id",
    "learner_name",
    "course_title",
    "course_level",
    "cohort_name",
    "starts_on",
    "ends_on",
    "completed_on",
    "cpd_minutes",
    "participatory_minutes",
    "accreditation",
    "accreditation_reference",
    "learning_outcomes",
    "provider",
    "issued_at",
    "status",
    "search_text",
    "created_at",
    "updated_at",
];

/// Whether the place earned a certificate (the course has no evaluation to wait for).
pub fn earns_certificate(place: &Place) -> bool {
    place.status == Status::Completed
}

fn participatory(world: &World, cohort: &CohortPlan) -> i64 {
    let course = &world.courses[cohort.course];
    participatory_minutes(cohort.sessions.iter().copied(), course.cpd_minutes)
}

pub fn certificate_row(
    world: &World,
    cohort: &CohortPlan,
    place: &Place,
    certificate_id: i64,
) -> [Value; 23] {
    let course = &world.courses[cohort.course];
    let issued_at = place.updated_at();
    let learner_name = people::full_name(place.learner);
    // As `db::certificates::insert` folds them for the admins' search.
    let search_text = search::fold(&format!("{learner_name} {}", course.title));
    [
        certificate_id.into(),
        Code::generate().as_str().into(),
        world.enrolment_id(place).into(),
        world.people.user_id(place.learner).into(),
        world.cohort_id(cohort).into(),
        learner_name.into(),
        course.title.as_str().into(),
        course.level.as_str().into(),
        cohort.name.as_str().into(),
        cohort.starts_on.into(),
        cohort.ends_on.into(),
        london::day_of(issued_at).into(),
        course.cpd_minutes.into(),
        participatory(world, cohort).into(),
        course.accreditation.as_str().into(),
        course.accreditation_reference.as_str().into(),
        course.learning_outcomes.as_str().into(),
        world.provider.as_str().into(),
        issued_at.into(),
        CertificateState::Valid.as_str().into(),
        search_text.into(),
        issued_at.into(),
        issued_at.into(),
    ]
}

pub const VERIFIED_ENTRY_COLUMNS: [&str; 14] = [
    "user_id",
    "kind",
    "certificate_id",
    "title",
    "provider",
    "method",
    "started_on",
    "ended_on",
    "minutes",
    "participatory_minutes",
    "learning_outcomes",
    "search_text",
    "created_at",
    "updated_at",
];

/// The verified entry of the certificate `certificate_id`, as `add_in` fills it.
pub fn verified_entry_row(
    world: &World,
    cohort: &CohortPlan,
    place: &Place,
    certificate_id: i64,
) -> [Value; 14] {
    let course = &world.courses[cohort.course];
    let minutes = course.cpd_minutes.max(0);
    // Title, provider, topic, about and tags, as `db::cpd` folds them (the last three empty).
    let search_text = search::fold(&format!("{} {}", course.title, world.provider));
    let at = place.updated_at();
    [
        world.people.user_id(place.learner).into(),
        EntryKind::Activity.as_str().into(),
        certificate_id.into(),
        course.title.as_str().into(),
        world.provider.as_str().into(),
        Method::Course.as_str().into(),
        cohort.starts_on.into(),
        cohort.ends_on.max(cohort.starts_on).into(),
        minutes.into(),
        participatory(world, cohort).clamp(0, minutes).into(),
        course.learning_outcomes.as_str().into(),
        search_text.into(),
        at.into(),
        at.into(),
    ]
}
