//! CPD for doctors over the appraisal year ending on the appraisal date: the Academy of
//! Medical Royal Colleges' guide of 50 credits, and learning across Good Medical Practice.

use chrono::NaiveDate;

use super::counting::{Amount, Assessment, Counted, Requirement, Tally, entries_are};
use super::cycle::Cycle;
use super::entry::{Flags, GmpDomain};

pub const YEARS: u32 = 1;
/// The Academy of Medical Royal Colleges' guide: 50 credits a year, 1 credit an hour.
pub const CREDIT_MINUTES: i64 = 50 * 60;
/// Good Medical Practice 2024 has four domains.
pub const DOMAINS: i64 = 4;

/// The lines for the entries counted in the appraisal year.
pub fn assess(entries: &[&Counted], _cycle: &Cycle, _today: NaiveDate) -> Assessment {
    let activities: Vec<&Counted> = entries
        .iter()
        .copied()
        .filter(|e| e.is_activity())
        .collect();
    let tally = Tally::of(activities.iter().copied());
    let domains = activities
        .iter()
        .fold(Flags::<GmpDomain>::default(), |all, a| {
            all.union(a.gmp_domains)
        });
    let requirements = vec![
        Requirement::at_least(
            "50 credits of CPD a year (the Academy of Medical Royal Colleges' guide: 1 credit is 1 hour of learning)",
            Amount::Credits(CREDIT_MINUTES),
            tally.minutes,
        ),
        Requirement::at_least(
            "CPD across the 4 domains of Good Medical Practice",
            Amount::Count(DOMAINS),
            domains.len() as i64,
        ),
    ];
    let mut notes = vec![
        "The GMC itself sets no number of hours or credits for CPD. The 50 credits a year is \
         the Academy of Medical Royal Colleges' guide, and your college or faculty may ask \
         for something different. At your appraisal you reflect on what you learned across \
         your whole scope of practice."
            .to_owned(),
    ];
    let missing: Vec<&str> = GmpDomain::ALL
        .iter()
        .filter(|d| !domains.contains(**d))
        .map(|d| d.label())
        .collect();
    if !missing.is_empty() && !activities.is_empty() {
        notes.push(format!("No entry yet covers: {}.", missing.join("; ")));
    }
    let untagged = activities
        .iter()
        .filter(|a| a.gmp_domains.is_empty())
        .count();
    if untagged > 0 {
        notes.push(format!(
            "{} not linked to a domain of Good Medical Practice.",
            entries_are(untagged)
        ));
    }
    Assessment {
        requirements,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::counting::sample::*;
    use super::*;

    fn assessed(entries: &[Counted]) -> Assessment {
        let entries: Vec<&Counted> = entries.iter().collect();
        let cycle = Cycle::ending_on(day(2026, 6, 30), YEARS);
        assess(&entries, &cycle, day(2026, 3, 3))
    }

    #[test]
    fn fifty_credits_is_the_guide_and_says_the_gmc_sets_no_number() {
        let on = day(2026, 1, 1);
        let exactly = assessed(&[activity(on, 49 * 60, 0), activity(on, 60, 0)]);
        assert!(exactly.requirements[0].met);
        assert_eq!(exactly.requirements[0].progress_text(), "50 of 50 credits");
        let short = assessed(&[activity(on, 49 * 60 + 45, 0)]);
        assert!(!short.requirements[0].met);
        assert_eq!(short.requirements[0].progress_text(), "49.75 of 50 credits");
        assert!(short.notes[0].starts_with("The GMC itself sets no number of hours"));
    }

    #[test]
    fn the_domains_are_counted_across_entries() {
        let on = day(2026, 1, 1);
        let tagged = |domains: &[GmpDomain]| Counted {
            gmp_domains: Flags::of(domains),
            ..activity(on, 60, 0)
        };
        let three = assessed(&[
            tagged(&[GmpDomain::Knowledge, GmpDomain::Patients]),
            tagged(&[GmpDomain::Colleagues]),
            activity(on, 60, 0),
        ]);
        assert_eq!(three.requirements[1].progress_text(), "3 of 4");
        assert!(!three.requirements[1].met);
        assert_eq!(
            three.notes[1],
            "No entry yet covers: Trust and professionalism."
        );
        assert_eq!(
            three.notes[2],
            "1 entry is not linked to a domain of Good Medical Practice."
        );
        let all = assessed(&[
            tagged(&[GmpDomain::Knowledge, GmpDomain::Patients]),
            tagged(&[GmpDomain::Colleagues, GmpDomain::Trust]),
        ]);
        assert!(all.requirements[1].met);
    }
}
