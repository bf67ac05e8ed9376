//! The HCPC's standards for CPD over the 2 years up to the renewal date: a continuous,
//! up-to-date record, a mixture of activities, each linked to standards 3 and 4.

use chrono::{Days, Months, NaiveDate};

use super::counting::{Amount, Assessment, Counted, Requirement};
use super::cycle::Cycle;
use super::entry::{Flags, HcpcStandard, Method};

pub const YEARS: u32 = 2;
/// "Continuous" is read as at least one activity in every 6 months of the cycle.
pub const STRETCH_MONTHS: u32 = 6;
pub const TYPES: i64 = 2;

/// The cycle's 6-month stretches, in order (the last ends on the cycle's last day).
pub fn stretches(cycle: &Cycle) -> Vec<(NaiveDate, NaiveDate)> {
    let count = YEARS * 12 / STRETCH_MONTHS;
    (0..count)
        .filter_map(|k| {
            let start = cycle
                .starts_on
                .checked_add_months(Months::new(k * STRETCH_MONTHS))?;
            let end = match k + 1 == count {
                true => cycle.ends_on,
                false => {
                    let next = cycle
                        .starts_on
                        .checked_add_months(Months::new((k + 1) * STRETCH_MONTHS))?;
                    next - Days::new(1)
                }
            };
            Some((start, end))
        })
        .collect()
}

/// The HCPC's lines for the entries counted in the cycle, on `today`.
pub fn assess(entries: &[&Counted], cycle: &Cycle, today: NaiveDate) -> Assessment {
    let activities: Vec<&Counted> = entries
        .iter()
        .copied()
        .filter(|e| e.is_activity())
        .collect();
    // A stretch is required once it is over; one with an activity counts either way.
    let ended: Vec<(NaiveDate, NaiveDate)> = stretches(cycle)
        .into_iter()
        .filter(|(_, end)| *end < today)
        .collect();
    let covered = ended
        .iter()
        .filter(|(start, end)| {
            activities
                .iter()
                .any(|a| a.started_on <= *end && a.ended_on >= *start)
        })
        .count() as i64;
    let mut methods: Vec<Method> = activities.iter().filter_map(|a| a.method).collect();
    methods.sort_by_key(|m| m.as_str());
    methods.dedup();
    let total = activities.len() as i64;
    let linked = |standard: HcpcStandard| {
        activities
            .iter()
            .filter(|a| a.hcpc_standards.contains(standard))
            .count() as i64
    };
    let each = |label: &str, standard| {
        let achieved = linked(standard);
        Requirement {
            met: total > 0 && achieved == total,
            ..Requirement::at_least(label, Amount::Count(total), achieved)
        }
    };
    let requirements = vec![
        Requirement::at_least(
            "A continuous, up-to-date and accurate record of your CPD activities: at least one activity in each 6 months of the 2 years so far",
            Amount::Count(ended.len() as i64),
            covered,
        ),
        Requirement::at_least(
            "A mixture of learning activities relevant to current or future practice: at least 2 types of activity",
            Amount::Count(TYPES),
            methods.len() as i64,
        ),
        each(
            "Each activity has contributed to the quality of your practice and service delivery (standard 3)",
            HcpcStandard::ImprovesPractice,
        ),
        each(
            "Each activity benefits the service user (standard 4)",
            HcpcStandard::BenefitsServiceUsers,
        ),
    ];
    let mut notes = Vec::new();
    if ended.is_empty() {
        notes.push("The first 6 months of this cycle have not ended yet.".to_owned());
    }
    let unlinked = activities
        .iter()
        .filter(|a| a.hcpc_standards != Flags::all())
        .count();
    if unlinked > 0 {
        notes.push(format!(
            "{} not yet linked to both standards: say on each how it improved your practice and how it benefits service users.",
            super::counting::entries_are(unlinked)
        ));
    }
    notes.push(
        "The HCPC sets no number of hours. If you are chosen for audit, it asks for a CPD \
         profile: a summary of your practice history, a statement of how you have met the \
         standards for CPD, and the evidence supporting it, which this record holds."
            .to_owned(),
    );
    Assessment {
        requirements,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::counting::sample::*;
    use super::*;

    fn cycle() -> Cycle {
        Cycle::ending_on(day(2027, 9, 30), YEARS)
    }

    fn assessed(entries: &[Counted], today: NaiveDate) -> Assessment {
        let entries: Vec<&Counted> = entries.iter().collect();
        assess(&entries, &cycle(), today)
    }

    #[test]
    fn the_cycle_is_four_stretches_of_six_months() {
        let stretches = stretches(&cycle());
        assert_eq!(stretches.len(), 4);
        assert_eq!(stretches[0], (day(2025, 10, 1), day(2026, 3, 31)));
        assert_eq!(stretches[1], (day(2026, 4, 1), day(2026, 9, 30)));
        assert_eq!(stretches[3].1, day(2027, 9, 30));
    }

    #[test]
    fn continuous_means_an_activity_in_each_stretch_that_has_ended() {
        let first = with_method(Method::Reading, day(2025, 10, 1));
        let last_day_of_second = with_method(Method::Course, day(2026, 9, 30));
        // On the first stretch's last day it is not required yet.
        let result = assessed(&[], day(2026, 3, 31));
        assert_eq!(result.requirements[0].target, Amount::Count(0));
        assert!(result.requirements[0].met);
        assert_eq!(
            result.notes[0],
            "The first 6 months of this cycle have not ended yet."
        );
        // The day after, it is.
        let result = assessed(&[], day(2026, 4, 1));
        assert_eq!(result.requirements[0].progress_text(), "0 of 1");
        assert!(!result.requirements[0].met);
        let result = assessed(&[first, last_day_of_second], day(2026, 10, 1));
        assert!(result.requirements[0].met);
        let gap = assessed(&[first], day(2026, 10, 1));
        assert_eq!(gap.requirements[0].progress_text(), "1 of 2");
    }

    #[test]
    fn a_mixture_is_two_types_each_linked_to_both_standards() {
        let on = day(2026, 1, 1);
        let linked = |method| Counted {
            hcpc_standards: Flags::all(),
            ..with_method(method, on)
        };
        let one_type = assessed(&[linked(Method::Course), linked(Method::Course)], on);
        assert_eq!(one_type.requirements[1].achieved, Amount::Count(1));
        assert!(!one_type.requirements[1].met);
        let two = assessed(&[linked(Method::Course), linked(Method::Supervision)], on);
        assert_eq!(
            two.requirements.iter().map(|r| r.met).collect::<Vec<_>>()[1..],
            [true, true, true]
        );
        let half = Counted {
            hcpc_standards: Flags::of(&[HcpcStandard::ImprovesPractice]),
            ..with_method(Method::Reading, on)
        };
        let result = assessed(&[linked(Method::Course), half], on);
        assert_eq!(
            (result.requirements[2].met, result.requirements[3].met),
            (true, false)
        );
        assert_eq!(result.requirements[3].progress_text(), "1 of 2");
        assert!(
            result
                .notes
                .iter()
                .any(|n| n.starts_with("1 entry is not yet linked"))
        );
        assert!(
            !assessed(&[], on).requirements[2].met,
            "no activity links nothing"
        );
    }
}
