//! The regulators whose CPD expectations the record knows, and a learner's progress
//! against theirs in the current cycle (or totals by year when there is no target).

use chrono::NaiveDate;

use super::counting::{Assessment, Counted, Requirement, Tally, entries_are, in_cycle};
use super::cycle::Cycle;
use super::totals::{PeriodTotal, by_calendar_year};
use super::{gmc, gphc, hcpc, nmc};

// Stored values are the profile's professional body values.
labelled_enum!(Regulator {
    Nmc = "NMC", "Nursing and Midwifery Council (NMC)";
    Gmc = "GMC", "General Medical Council (GMC)";
    Hcpc = "HCPC", "Health and Care Professions Council (HCPC)";
    Gphc = "GPhC", "General Pharmaceutical Council (GPhC)";
});

impl Regulator {
    /// The regulator of the profile's professional body; `None` for another body ("other")
    /// or none, which have no target, only totals by year.
    pub fn from_professional_body(body: Option<&str>) -> Option<Regulator> {
        body.and_then(Regulator::parse)
    }

    /// Years in a cycle: NMC 3, HCPC 2, GMC 1 (the appraisal year), GPhC 1.
    pub fn cycle_years(self) -> u32 {
        match self {
            Regulator::Nmc => nmc::YEARS,
            Regulator::Hcpc => hcpc::YEARS,
            Regulator::Gmc => gmc::YEARS,
            Regulator::Gphc => gphc::YEARS,
        }
    }

    /// What the learner's date is called: "renewal date", or for doctors "appraisal date".
    pub fn date_kind(self) -> &'static str {
        match self {
            Regulator::Gmc => "appraisal date",
            _ => "renewal date",
        }
    }

    /// The current cycle from the learner's renewal or appraisal date ([`Cycle::current`]).
    pub fn cycle(self, date: NaiveDate, today: NaiveDate) -> Cycle {
        Cycle::current(date, self.cycle_years(), today)
    }

    fn assess(self, entries: &[&Counted], cycle: &Cycle, today: NaiveDate) -> Assessment {
        match self {
            Regulator::Nmc => nmc::assess(entries, cycle, today),
            Regulator::Hcpc => hcpc::assess(entries, cycle, today),
            Regulator::Gmc => gmc::assess(entries, cycle, today),
            Regulator::Gphc => gphc::assess(entries, cycle, today),
        }
    }
}

/// Where a learner stands against their regulator in the current cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub regulator: Regulator,
    pub cycle: Cycle,
    /// The regulator's expectations in its order, each with the learner's figure.
    pub requirements: Vec<Requirement>,
    /// Sentences for the page: first the date check (ask for a new date), then what did
    /// not count and why, then the regulator's own notes.
    pub notes: Vec<String>,
    /// The entries counted in the cycle.
    pub totals: Tally,
}

impl Progress {
    pub fn all_met(&self) -> bool {
        self.requirements.iter().all(|r| r.met)
    }

    /// The requirements not yet met (for reminders: "what is missing").
    pub fn missing(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements.iter().filter(|r| !r.met)
    }
}

/// Progress for `regulator` on `today` from the learner's renewal or appraisal `date`
/// and all their entries. Only entries that count and ended in the cycle are counted
/// ([`Counted::counts_in`]).
pub fn progress(
    regulator: Regulator,
    date: NaiveDate,
    entries: &[Counted],
    today: NaiveDate,
) -> Progress {
    let cycle = regulator.cycle(date, today);
    let counted = in_cycle(entries, &cycle);
    let assessment = regulator.assess(&counted, &cycle, today);
    let mut notes = Vec::new();
    if let Some(check) = cycle.date_check {
        notes.push(check.message(regulator.date_kind(), &cycle));
    }
    let revoked = entries
        .iter()
        .filter(|e| !e.counts && cycle.contains(e.ended_on))
        .count();
    if revoked > 0 {
        notes.push(format!(
            "{} not counted because {} certificate was revoked.",
            entries_are(revoked),
            if revoked == 1 { "its" } else { "their" }
        ));
    }
    let spanning = counted
        .iter()
        .filter(|e| e.started_on < cycle.starts_on)
        .count();
    if spanning > 0 {
        notes.push(format!(
            "{} counted in full although {} started before this cycle: an entry counts in the cycle in which it ended.",
            entries_are(spanning),
            if spanning == 1 { "it" } else { "they" }
        ));
    }
    notes.extend(assessment.notes);
    Progress {
        regulator,
        cycle,
        requirements: assessment.requirements,
        notes,
        totals: Tally::of(counted),
    }
}

/// Why the page shows totals by year instead of a regulator's target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoTarget {
    /// Another professional body, or none.
    NoRegulator,
    /// A regulator, but no renewal or appraisal date yet: the page asks for it.
    NoDate(Regulator),
}

/// What the CPD page shows about the record as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overview {
    Progress(Progress),
    Totals {
        reason: NoTarget,
        years: Vec<PeriodTotal>,
    },
}

/// The page's summary from the profile's professional body value, the learner's renewal
/// or appraisal date (if given) and all their entries.
pub fn overview(
    professional_body: Option<&str>,
    date: Option<NaiveDate>,
    entries: &[Counted],
    today: NaiveDate,
) -> Overview {
    let reason = match (Regulator::from_professional_body(professional_body), date) {
        (Some(regulator), Some(date)) => {
            return Overview::Progress(progress(regulator, date, entries, today));
        }
        (Some(regulator), None) => NoTarget::NoDate(regulator),
        (None, _) => NoTarget::NoRegulator,
    };
    Overview::Totals {
        reason,
        years: by_calendar_year(entries, today),
    }
}

/// The earliest end date [`overview`] reads for these arguments: with a regulator and a
/// date only the current cycle's entries matter, so storage can leave older ones unread.
/// `None` (the calendar-year totals) reads every entry: how far back the years go depends
/// on the oldest.
pub fn reads_entries_from(
    professional_body: Option<&str>,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let regulator = Regulator::from_professional_body(professional_body)?;
    Some(regulator.cycle(date?, today).starts_on)
}

#[cfg(test)]
mod tests {
    use super::super::counting::Amount;
    use super::super::counting::sample::*;
    use super::super::cycle::DateCheck;
    use super::super::entry::{CodeTheme, EntryKind};
    use super::*;

    #[test]
    fn the_profile_value_names_the_regulator() {
        assert_eq!(
            Regulator::from_professional_body(Some("NMC")),
            Some(Regulator::Nmc)
        );
        assert_eq!(
            Regulator::from_professional_body(Some("GPhC")),
            Some(Regulator::Gphc)
        );
        assert_eq!(Regulator::from_professional_body(Some("other")), None);
        assert_eq!(Regulator::from_professional_body(Some("none")), None);
        assert_eq!(Regulator::from_professional_body(None), None);
        let years: Vec<u32> = Regulator::ALL.iter().map(|r| r.cycle_years()).collect();
        assert_eq!(years, [3, 1, 2, 1]);
        assert_eq!(Regulator::Gmc.date_kind(), "appraisal date");
    }

    /// A complete NMC record inside the cycle to 31 March 2027.
    fn complete_nmc(on: NaiveDate) -> Vec<Counted> {
        let account = Counted {
            reflection_complete: true,
            code_theme: Some(CodeTheme::PrioritisePeople),
            ..activity(on, 7 * 60, 4 * 60)
        };
        let mut entries = vec![account; 5];
        entries.extend([Counted::record(EntryKind::Feedback, on); 5]);
        entries.push(Counted::record(EntryKind::ReflectiveDiscussion, on));
        entries
    }

    #[test]
    fn entries_on_the_cycles_first_and_last_days_count_and_the_day_before_does_not() {
        let date = day(2027, 3, 31);
        let first = progress(
            Regulator::Nmc,
            date,
            &complete_nmc(day(2024, 4, 1)),
            day(2027, 3, 31),
        );
        assert!(first.all_met(), "{:?}", first.requirements);
        assert_eq!(first.totals.minutes, 35 * 60);
        let last = progress(Regulator::Nmc, date, &complete_nmc(date), date);
        assert!(last.all_met());
        let before = progress(
            Regulator::Nmc,
            date,
            &complete_nmc(day(2024, 3, 31)),
            day(2027, 3, 30),
        );
        assert_eq!(before.totals.entries, 0);
        assert_eq!(before.missing().count(), 5);
    }

    #[test]
    fn the_day_after_the_renewal_date_shows_the_next_cycle_and_asks_for_the_date() {
        let date = day(2027, 3, 31);
        let entries = complete_nmc(day(2027, 3, 1));
        let on = progress(Regulator::Nmc, date, &entries, date);
        assert!(on.all_met() && on.cycle.date_check.is_none());
        let after = progress(Regulator::Nmc, date, &entries, day(2027, 4, 1));
        assert_eq!(after.cycle.date_check, Some(DateCheck::Passed { date }));
        assert_eq!(after.cycle.ends_on, day(2030, 3, 31));
        assert_eq!(
            after.totals.entries, 0,
            "last cycle's entries are not this one's"
        );
        assert!(after.notes[0].contains("update your renewal date"));
    }

    #[test]
    fn a_revoked_verified_entry_never_counts() {
        let date = day(2027, 3, 31);
        let mut entries = complete_nmc(day(2026, 1, 1));
        entries[0].counts = false;
        let result = progress(Regulator::Nmc, date, &entries, day(2026, 3, 3));
        assert_eq!(result.requirements[0].achieved, Amount::Hours(28 * 60));
        assert!(!result.requirements[0].met);
        assert_eq!(result.requirements[2].achieved, Amount::Count(4));
        assert_eq!(
            result.notes[0],
            "1 entry is not counted because its certificate was revoked."
        );
    }

    #[test]
    fn a_leap_year_cycle_counts_the_29th_of_february() {
        let date = day(2028, 2, 29);
        let entries = complete_nmc(day(2025, 3, 1));
        let result = progress(Regulator::Nmc, date, &entries, day(2028, 2, 29));
        assert_eq!(result.cycle.starts_on, day(2025, 3, 1));
        assert!(result.all_met());
        let gphc = progress(Regulator::Gphc, date, &[activity(date, 60, 0)], date);
        assert_eq!(
            (gphc.cycle.starts_on, gphc.totals.entries),
            (day(2027, 3, 1), 1)
        );
        let too_early = progress(
            Regulator::Gphc,
            date,
            &[activity(day(2027, 2, 28), 60, 0)],
            date,
        );
        assert_eq!(too_early.totals.entries, 0);
    }

    #[test]
    fn an_entry_spanning_the_start_counts_whole_and_says_so() {
        let spanning = Counted {
            started_on: day(2025, 6, 20),
            ..activity(day(2025, 7, 2), 10 * 60, 0)
        };
        let result = progress(
            Regulator::Gmc,
            day(2026, 6, 30),
            &[spanning],
            day(2026, 3, 3),
        );
        assert_eq!(result.cycle.starts_on, day(2025, 7, 1));
        assert_eq!(result.requirements[0].achieved, Amount::Credits(600));
        assert!(
            result.notes[0].starts_with("1 entry is counted in full although it started before")
        );
    }

    #[test]
    fn without_a_regulator_or_a_date_the_page_shows_totals() {
        let today = day(2026, 3, 3);
        let entries = [activity(day(2025, 5, 1), 60, 0)];
        match overview(Some("other"), Some(day(2027, 1, 1)), &entries, today) {
            Overview::Totals { reason, years } => {
                assert_eq!(reason, NoTarget::NoRegulator);
                assert_eq!(years.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            overview(Some("HCPC"), None, &entries, today),
            Overview::Totals {
                reason: NoTarget::NoDate(Regulator::Hcpc),
                ..
            }
        ));
        assert!(matches!(
            overview(None, None, &entries, today),
            Overview::Totals { .. }
        ));
        match overview(Some("HCPC"), Some(day(2027, 9, 30)), &entries, today) {
            Overview::Progress(progress) => assert_eq!(progress.regulator, Regulator::Hcpc),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_overview_from_the_entries_it_reads_is_the_overview_from_all() {
        let today = day(2026, 3, 3);
        let entries: Vec<Counted> = (0..40)
            .map(|n| activity(day(2018, 1, 1) + chrono::Duration::days(n * 73), 60 + n, 0))
            .collect();
        for (body, date) in [
            (Some("NMC"), Some(day(2027, 1, 31))),
            (Some("HCPC"), Some(day(2026, 3, 3))),
            (Some("GMC"), Some(day(2025, 1, 1))),
            (Some("GPhC"), Some(day(2030, 6, 1))),
            (Some("NMC"), None),
            (None, Some(day(2027, 1, 31))),
        ] {
            let read: Vec<Counted> = match reads_entries_from(body, date, today) {
                Some(from) => entries
                    .iter()
                    .filter(|e| e.ended_on >= from)
                    .copied()
                    .collect(),
                None => entries.clone(),
            };
            if body.is_some() && date.is_some() {
                assert!(
                    read.len() < entries.len(),
                    "{body:?}: older entries are left out"
                );
            }
            assert_eq!(
                overview(body, date, &read, today),
                overview(body, date, &entries, today),
                "{body:?} {date:?}"
            );
        }
    }
}
