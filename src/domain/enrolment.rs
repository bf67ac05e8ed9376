//! The enrolment state machine: which states hold a seat, which steps each state allows,
//! where a new enrolment starts, and the refund policy.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::london;

labelled_enum!(Status {
    AwaitingPayment = "awaiting_payment", "Awaiting card payment";
    AwaitingInvoice = "awaiting_invoice", "Awaiting invoice payment";
    Confirmed = "confirmed", "Confirmed";
    Waitlisted = "waitlisted", "On the waiting list";
    Offered = "offered", "Place offered";
    Cancelled = "cancelled", "Cancelled";
    Expired = "expired", "Expired";
    Withdrawn = "withdrawn", "Withdrawn";
    Moved = "moved", "Moved to another cohort";
    Completed = "completed", "Completed";
    NotCompleted = "not_completed", "Did not complete";
});

labelled_enum!(Funding {
    NhsFree = "nhs_free", "Free NHS place";
    Card = "card", "Card payment";
    Invoice = "invoice", "Invoice or purchase order";
    Waived = "waived", "Fee waived";
});

/// The SQL list of active states, for queries (matches the partial unique index).
pub const ACTIVE_SQL: &str =
    "('awaiting_payment', 'awaiting_invoice', 'confirmed', 'waitlisted', 'offered')";
/// The SQL list of seat-holding states.
pub const HOLDING_SQL: &str = "('awaiting_payment', 'awaiting_invoice', 'confirmed', 'offered')";

impl Status {
    /// Confirmed places, held places and open offers count against capacity. Completed and
    /// not completed places give theirs back like every final state (the cohort is over,
    /// so nobody is offered it; deleting a final place never touches the count).
    pub fn holds_seat(self) -> bool {
        matches!(
            self,
            Status::AwaitingPayment | Status::AwaitingInvoice | Status::Confirmed | Status::Offered
        )
    }

    /// At most one active enrolment per learner per cohort.
    pub fn is_active(self) -> bool {
        self.holds_seat() || self == Status::Waitlisted
    }
}

/// Something that happens to an enrolment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The card provider reported the payment, within the hold.
    CardPaid,
    /// The card payment arrived after the hold expired, and a seat was free.
    LateCardPaid,
    /// An admin confirmed the purchase order or recorded the invoice paid.
    InvoiceConfirmed,
    HoldExpired,
    OfferMade,
    OfferExpired,
    OfferDeclined,
    /// Accepting an offer: a free place, or the learner's choice of how to pay.
    OfferAccepted(Funding),
    /// The learner cancelled a place or left the waiting list.
    LearnerCancelled,
    AdminCancelled,
    CohortCancelled,
    MovedToAnotherCohort,
    /// An admin recorded that the learner completed the course.
    Completed,
    /// An admin recorded that the learner did not complete the course, with a reason.
    NotCompleted,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::CardPaid => "card_paid",
            Step::LateCardPaid => "late_card_paid",
            Step::InvoiceConfirmed => "invoice_confirmed",
            Step::HoldExpired => "hold_expired",
            Step::OfferMade => "offer_made",
            Step::OfferExpired => "offer_expired",
            Step::OfferDeclined => "offer_declined",
            Step::OfferAccepted(_) => "offer_accepted",
            Step::LearnerCancelled => "learner_cancelled",
            Step::AdminCancelled => "admin_cancelled",
            Step::CohortCancelled => "cohort_cancelled",
            Step::MovedToAnotherCohort => "moved",
            Step::Completed => "completed",
            Step::NotCompleted => "not_completed",
        }
    }
}

/// A step the current state does not allow (a double click, a late job, a stale page).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an enrolment that is {from:?} cannot take the step {step:?}")]
pub struct Refused {
    pub from: Status,
    pub step: Step,
}

/// The state `step` leads to from `from`, or why it is refused.
pub fn next(from: Status, step: Step) -> Result<Status, Refused> {
    use Status::*;
    let to = match (from, step) {
        (AwaitingPayment, Step::CardPaid) => Confirmed,
        (Expired, Step::LateCardPaid) => Confirmed,
        (AwaitingInvoice, Step::InvoiceConfirmed) => Confirmed,
        (AwaitingPayment | AwaitingInvoice, Step::HoldExpired) => Expired,
        (Waitlisted, Step::OfferMade) => Offered,
        (Offered, Step::OfferExpired) => Expired,
        (Offered, Step::OfferDeclined) => Withdrawn,
        (Offered, Step::OfferAccepted(Funding::NhsFree | Funding::Waived)) => Confirmed,
        (Offered, Step::OfferAccepted(Funding::Card)) => AwaitingPayment,
        (Offered, Step::OfferAccepted(Funding::Invoice)) => AwaitingInvoice,
        (AwaitingPayment | AwaitingInvoice | Confirmed, Step::LearnerCancelled) => Cancelled,
        (Waitlisted | Offered, Step::LearnerCancelled) => Withdrawn,
        (
            AwaitingPayment | AwaitingInvoice | Confirmed | Waitlisted | Offered,
            Step::AdminCancelled | Step::CohortCancelled,
        ) => Cancelled,
        (AwaitingPayment | AwaitingInvoice | Confirmed, Step::MovedToAnotherCohort) => Moved,
        (Confirmed, Step::Completed) => Completed,
        (Confirmed, Step::NotCompleted) => NotCompleted,
        _ => return Err(Refused { from, step }),
    };
    Ok(to)
}

/// Where a new enrolment starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// A seat is taken now, in this state.
    Seat(Status),
    /// No seat for a newcomer: join the queue.
    WaitingList,
}

/// A seat goes to a newcomer only if one is free and nobody is queueing or holding an
/// offer; otherwise the newcomer queues behind them.
pub fn place(funding: Funding, seat_free: bool, queue_exists: bool) -> Placement {
    if !seat_free || queue_exists {
        return Placement::WaitingList;
    }
    Placement::Seat(match funding {
        Funding::NhsFree | Funding::Waived => Status::Confirmed,
        Funding::Card => Status::AwaitingPayment,
        Funding::Invoice => Status::AwaitingInvoice,
    })
}

/// The refund a learner gets for cancelling a paid place themselves: all of it up to the
/// cut-off (midnight in London, `cutoff_days` before the cohort starts), nothing after.
pub fn learner_refund(
    paid_pence: i64,
    starts_on: NaiveDate,
    cutoff_days: i64,
    now: DateTime<Utc>,
) -> i64 {
    if now < refund_cutoff(starts_on, cutoff_days) {
        paid_pence
    } else {
        0
    }
}

/// The last moment a learner's cancellation is refunded.
pub fn refund_cutoff(starts_on: NaiveDate, cutoff_days: i64) -> DateTime<Utc> {
    london::start_of_day(starts_on - Duration::days(cutoff_days))
}

/// Learners may cancel until the cohort starts (midnight in London on its first day).
pub fn learner_may_cancel(status: Status, starts_on: NaiveDate, now: DateTime<Utc>) -> bool {
    status.is_active() && now < london::start_of_day(starts_on)
}

/// "ENR-000042": how learners, admins and the card provider refer to an enrolment.
pub fn reference(enrolment_id: i64) -> String {
    format!("ENR-{enrolment_id:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const EVERY_STEP: [Step; 17] = [
        Step::CardPaid,
        Step::LateCardPaid,
        Step::InvoiceConfirmed,
        Step::HoldExpired,
        Step::OfferMade,
        Step::OfferExpired,
        Step::OfferDeclined,
        Step::OfferAccepted(Funding::NhsFree),
        Step::OfferAccepted(Funding::Waived),
        Step::OfferAccepted(Funding::Card),
        Step::OfferAccepted(Funding::Invoice),
        Step::LearnerCancelled,
        Step::AdminCancelled,
        Step::CohortCancelled,
        Step::MovedToAnotherCohort,
        Step::Completed,
        Step::NotCompleted,
    ];

    /// Every allowed transition, and nothing else.
    fn allowed() -> Vec<(Status, Step, Status)> {
        use Status::*;
        let mut allowed = vec![
            (AwaitingPayment, Step::CardPaid, Confirmed),
            (Expired, Step::LateCardPaid, Confirmed),
            (AwaitingInvoice, Step::InvoiceConfirmed, Confirmed),
            (AwaitingPayment, Step::HoldExpired, Expired),
            (AwaitingInvoice, Step::HoldExpired, Expired),
            (Waitlisted, Step::OfferMade, Offered),
            (Offered, Step::OfferExpired, Expired),
            (Offered, Step::OfferDeclined, Withdrawn),
            (Offered, Step::OfferAccepted(Funding::NhsFree), Confirmed),
            (Offered, Step::OfferAccepted(Funding::Waived), Confirmed),
            (Offered, Step::OfferAccepted(Funding::Card), AwaitingPayment),
            (
                Offered,
                Step::OfferAccepted(Funding::Invoice),
                AwaitingInvoice,
            ),
            (AwaitingPayment, Step::LearnerCancelled, Cancelled),
            (AwaitingInvoice, Step::LearnerCancelled, Cancelled),
            (Confirmed, Step::LearnerCancelled, Cancelled),
            (Waitlisted, Step::LearnerCancelled, Withdrawn),
            (Offered, Step::LearnerCancelled, Withdrawn),
            (AwaitingPayment, Step::MovedToAnotherCohort, Moved),
            (AwaitingInvoice, Step::MovedToAnotherCohort, Moved),
            (Confirmed, Step::MovedToAnotherCohort, Moved),
            (Confirmed, Step::Completed, Completed),
            (Confirmed, Step::NotCompleted, NotCompleted),
        ];
        for from in [
            AwaitingPayment,
            AwaitingInvoice,
            Confirmed,
            Waitlisted,
            Offered,
        ] {
            allowed.push((from, Step::AdminCancelled, Cancelled));
            allowed.push((from, Step::CohortCancelled, Cancelled));
        }
        allowed
    }

    #[test]
    fn every_allowed_transition_leads_where_expected() {
        for (from, step, to) in allowed() {
            assert_eq!(next(from, step), Ok(to), "{from:?} --{step:?}-->");
        }
    }

    #[test]
    fn every_other_transition_is_refused() {
        let allowed = allowed();
        let mut refused = 0;
        for from in Status::ALL {
            for step in EVERY_STEP {
                if allowed.iter().any(|(f, s, _)| f == from && *s == step) {
                    continue;
                }
                assert_eq!(
                    next(*from, step),
                    Err(Refused { from: *from, step }),
                    "{from:?} --{step:?}--> must be refused"
                );
                refused += 1;
            }
        }
        assert_eq!(
            refused,
            Status::ALL.len() * EVERY_STEP.len() - allowed.len()
        );
    }

    #[test]
    fn final_states_accept_nothing_but_a_late_payment_after_expiry() {
        for from in [
            Status::Withdrawn,
            Status::Moved,
            Status::Completed,
            Status::NotCompleted,
        ] {
            for step in EVERY_STEP {
                assert!(next(from, step).is_err(), "{from:?} {step:?}");
            }
        }
        for step in EVERY_STEP {
            assert!(next(Status::Cancelled, step).is_err(), "{step:?}");
            if step != Step::LateCardPaid {
                assert!(next(Status::Expired, step).is_err(), "{step:?}");
            }
        }
    }

    #[test]
    fn seat_holding_and_active_states() {
        let holding: Vec<_> = Status::ALL.iter().filter(|s| s.holds_seat()).collect();
        assert_eq!(
            holding,
            [
                &Status::AwaitingPayment,
                &Status::AwaitingInvoice,
                &Status::Confirmed,
                &Status::Offered
            ]
        );
        assert!(Status::Waitlisted.is_active() && !Status::Waitlisted.holds_seat());
        for finished in [Status::Completed, Status::NotCompleted] {
            assert!(
                !finished.holds_seat() && !finished.is_active(),
                "{finished:?}"
            );
        }
        for status in Status::ALL {
            assert_eq!(
                ACTIVE_SQL.contains(&format!("'{}'", status.as_str())),
                status.is_active()
            );
            assert_eq!(
                HOLDING_SQL.contains(&format!("'{}'", status.as_str())),
                status.holds_seat()
            );
        }
    }

    #[test]
    fn only_a_confirmed_place_is_completed_or_not_and_only_once() {
        for step in [Step::Completed, Step::NotCompleted] {
            for from in Status::ALL {
                let allowed = next(*from, step).is_ok();
                assert_eq!(allowed, *from == Status::Confirmed, "{from:?} {step:?}");
            }
        }
        let twice = next(Status::Completed, Step::Completed);
        assert!(matches!(
            twice,
            Err(Refused {
                from: Status::Completed,
                ..
            })
        ));
    }

    #[test]
    fn newcomers_queue_behind_anyone_waiting() {
        assert_eq!(
            place(Funding::NhsFree, true, false),
            Placement::Seat(Status::Confirmed)
        );
        assert_eq!(
            place(Funding::Card, true, false),
            Placement::Seat(Status::AwaitingPayment)
        );
        assert_eq!(
            place(Funding::Invoice, true, false),
            Placement::Seat(Status::AwaitingInvoice)
        );
        assert_eq!(place(Funding::NhsFree, true, true), Placement::WaitingList);
        assert_eq!(place(Funding::Card, false, false), Placement::WaitingList);
    }

    #[test]
    fn refunds_end_at_midnight_in_london_before_the_cutoff() {
        let starts = NaiveDate::from_ymd_opt(2026, 7, 20).unwrap();
        // 14 days before: 6 July, midnight in London is 23:00 UTC on 5 July (summer time).
        let just_before = Utc.with_ymd_and_hms(2026, 7, 5, 22, 59, 59).unwrap();
        let at_cutoff = Utc.with_ymd_and_hms(2026, 7, 5, 23, 0, 0).unwrap();
        assert_eq!(learner_refund(25_000, starts, 14, just_before), 25_000);
        assert_eq!(learner_refund(25_000, starts, 14, at_cutoff), 0);
        assert_eq!(refund_cutoff(starts, 14), at_cutoff);
    }

    #[test]
    fn learners_may_cancel_until_the_first_day() {
        let starts = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        let before = Utc.with_ymd_and_hms(2026, 1, 9, 23, 59, 0).unwrap();
        let on_the_day = Utc.with_ymd_and_hms(2026, 1, 10, 0, 0, 0).unwrap();
        assert!(learner_may_cancel(Status::Confirmed, starts, before));
        assert!(!learner_may_cancel(Status::Confirmed, starts, on_the_day));
        assert!(!learner_may_cancel(Status::Cancelled, starts, before));
    }

    #[test]
    fn references_are_padded() {
        assert_eq!(reference(42), "ENR-000042");
        assert_eq!(reference(1_234_567), "ENR-1234567");
    }
}
