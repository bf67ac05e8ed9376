//! Each place's story, computed without I/O: which learner, in which state, paid how, and
//! every transition with its time and actor, as the enrolment workflows would have left it.
//! The passes over enrolments, their history, payments, certificates and audit events all
//! read the same stories in the same order.

use chrono::{DateTime, Duration, Utc};

use super::courses::course_fee_pence;
use super::people;
use super::plan::{CohortPlan, Phase, waitlisted_of};
use crate::domain::enrolment::{Funding, Status};

/// Who took a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Learner,
    Admin,
    /// The card provider or a job.
    System,
}

/// One transition of the place's history (`from` is `None` for the first).
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub from: Option<Status>,
    pub to: Status,
    pub at: DateTime<Utc>,
    pub by: By,
    /// The audit action (`enrolment.created`, `enrolment.completed`, …).
    pub action: &'static str,
    pub note: &'static str,
}

/// One enrolment row and how it came to be.
#[derive(Clone, Debug)]
pub struct Place {
    /// Position in the whole set: the enrolment's id is the first free id plus this.
    pub number: usize,
    pub learner: usize,
    pub status: Status,
    pub funding: Option<Funding>,
    pub fee_pence: i64,
    pub waitlist_number: Option<i64>,
    pub steps: Vec<Step>,
}

impl Place {
    pub fn created_at(&self) -> DateTime<Utc> {
        self.steps.first().map_or(DateTime::UNIX_EPOCH, |s| s.at)
    }

    pub fn updated_at(&self) -> DateTime<Utc> {
        self.steps.last().map_or(DateTime::UNIX_EPOCH, |s| s.at)
    }

    /// A card payment was taken (and refunded if the place was then cancelled).
    pub fn paid_by_card(&self) -> bool {
        self.funding == Some(Funding::Card)
    }
}

const NOT_COMPLETED: [&str; 3] = [
    "Left the course after the second week because of ward staffing.",
    "Did not hand in the final case study.",
    "Asked to stop for personal reasons; welcome on a later cohort.",
];

pub const CANCELLATION_MESSAGE: &str = "We are sorry: too few of our investigators are free on \
     these dates for the cohort to run. Everyone with a place has been refunded where they \
     paid, and can book a later cohort.";

/// The learners of a cohort are `offset + i × stride` modulo the learner count: distinct
/// within a cohort, spread across the set.
#[derive(Clone, Copy, Debug)]
pub struct Crowd {
    learners: usize,
    stride: usize,
}

impl Crowd {
    pub fn new(learners: usize) -> Crowd {
        // A prime that does not divide the count is coprime with it.
        let prime = [7_919, 7_927, 7_933]
            .into_iter()
            .find(|p| learners % p != 0)
            .unwrap_or(1);
        Crowd {
            learners: learners.max(1),
            stride: (prime % learners.max(1)).max(1),
        }
    }

    fn learner(self, cohort: usize, i: usize) -> usize {
        let offset = cohort.wrapping_mul(104_729) % self.learners;
        (offset + i * self.stride) % self.learners
    }
}

/// Every place of `cohort`, in the order they were asked for.
pub fn stories(cohort: &CohortPlan, crowd: Crowd) -> impl Iterator<Item = Place> + '_ {
    (0..cohort.places).map(move |i| story(cohort, crowd, i))
}

fn story(cohort: &CohortPlan, crowd: Crowd, i: usize) -> Place {
    let n = cohort.places;
    let learner = crowd.learner(cohort.index, i);
    let waiting = match cohort.phase {
        Phase::Full => waitlisted_of(n),
        _ => 0,
    };
    let asked = n - waiting;
    let (start, end) = cohort.window;
    let span = (end - start).num_seconds().max(1);
    // Places fill the first 85% of a full cohort's window, the queue the rest.
    let at = match (cohort.phase, i < asked) {
        (Phase::Full, true) => {
            start + Duration::seconds(span * 85 / 100 * (i as i64 + 1) / (asked as i64 + 1))
        }
        (Phase::Full, false) => {
            let queued = (i - asked) as i64;
            start
                + Duration::seconds(
                    span * 85 / 100 + span * 15 / 100 * (queued + 1) / (waiting as i64 + 1),
                )
        }
        _ => start + Duration::seconds(span * (i as i64 + 1) / (n as i64 + 1)),
    };
    let nhs = people::is_nhs(learner);
    let fee = course_fee_pence(cohort.course);
    let (funding, fee_pence) = match (nhs, fee) {
        (true, _) => (Funding::NhsFree, 0),
        (false, 0) => (Funding::Waived, 0),
        (false, fee) => (Funding::Card, fee),
    };
    if i >= asked {
        let number = (i - asked + 1) as i64;
        let step = created(Status::Waitlisted, at);
        return Place {
            number: cohort.first_place + i,
            learner,
            status: Status::Waitlisted,
            funding: nhs.then_some(Funding::NhsFree),
            fee_pence: 0,
            waitlist_number: Some(number),
            steps: vec![step],
        };
    }
    let mut steps = match funding {
        Funding::Card => vec![
            created(Status::AwaitingPayment, at),
            Step {
                from: Some(Status::AwaitingPayment),
                to: Status::Confirmed,
                at: at + Duration::minutes(6),
                by: By::System,
                action: "enrolment.card_paid",
                note: "",
            },
        ],
        _ => vec![created(Status::Confirmed, at)],
    };
    let confirmed_at = steps.last().map_or(at, |s| s.at);
    // A learner cancels halfway to the end of the window; in a full cohort, before the
    // queue starts (a seat freed later would have been offered to it).
    let until = match cohort.phase {
        Phase::Full => start + Duration::seconds(span * 85 / 100),
        _ => end,
    };
    let cancel_at = confirmed_at + (until.max(confirmed_at) - confirmed_at) / 2;
    let cancelled = |by, action, note| Step {
        from: Some(Status::Confirmed),
        to: Status::Cancelled,
        at: cancel_at,
        by,
        action,
        note,
    };
    let learner_cancelled = cancelled(By::Learner, "enrolment.learner_cancelled", "");
    let ending = match cohort.phase {
        Phase::Completed if i % 16 == 3 => Some(learner_cancelled),
        Phase::Completed => {
            let (to, action, note) = match i % 16 {
                9 => (
                    Status::NotCompleted,
                    "enrolment.not_completed",
                    NOT_COMPLETED[i % NOT_COMPLETED.len()],
                ),
                _ => (Status::Completed, "enrolment.completed", ""),
            };
            Some(Step {
                from: Some(Status::Confirmed),
                to,
                at: cohort.decided_at.unwrap_or(end) + Duration::seconds(i as i64),
                by: By::Admin,
                action,
                note,
            })
        }
        Phase::Running | Phase::Closing if i % 20 == 7 => Some(learner_cancelled),
        Phase::OpenWithSeats if i % 12 == 5 => Some(learner_cancelled),
        Phase::Full if i % 15 == 4 => Some(learner_cancelled),
        Phase::Cancelled => Some(Step {
            at: cohort.decided_at.unwrap_or(end),
            ..cancelled(
                By::Admin,
                "enrolment.cohort_cancelled",
                CANCELLATION_MESSAGE,
            )
        }),
        _ => None,
    };
    steps.extend(ending);
    Place {
        number: cohort.first_place + i,
        learner,
        status: steps.last().map_or(Status::Confirmed, |s| s.to),
        funding: Some(funding),
        fee_pence,
        waitlist_number: None,
        steps,
    }
}

fn created(to: Status, at: DateTime<Utc>) -> Step {
    Step {
        from: None,
        to,
        at,
        by: By::Learner,
        action: "enrolment.created",
        note: "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::scale::plan::{Size, cohorts};
    use chrono::TimeZone;

    #[test]
    fn stories_match_the_cohorts_seats_and_queues() {
        let now = Utc.with_ymd_and_hms(2026, 3, 4, 10, 0, 0).unwrap();
        let size = Size::fraction(0.02);
        let crowd = Crowd::new(size.learners);
        for cohort in cohorts(&size, now) {
            let places: Vec<Place> = stories(&cohort, crowd).collect();
            let holding = places.iter().filter(|p| p.status.holds_seat()).count();
            assert_eq!(holding as i64, cohort.seats_taken, "{cohort:?}");
            let mut queue: Vec<i64> = places.iter().filter_map(|p| p.waitlist_number).collect();
            queue.sort();
            assert_eq!(queue, (1..=cohort.waitlist_last).collect::<Vec<_>>());
            let mut learners: Vec<usize> = places.iter().map(|p| p.learner).collect();
            learners.sort();
            learners.dedup();
            assert_eq!(
                learners.len(),
                places.len(),
                "one place per learner per cohort"
            );
            for place in &places {
                assert!(
                    place
                        .steps
                        .windows(2)
                        .all(|w| w[0].at <= w[1].at && w[1].from == Some(w[0].to))
                );
                assert!(place.updated_at() <= now, "{place:?}");
            }
        }
    }
}
