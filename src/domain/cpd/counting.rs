//! What the regulators' rules read of an entry ([`Counted`]), which entries count in a
//! cycle, and the requirement lines a rule produces.

use chrono::NaiveDate;

use super::cycle::Cycle;
use super::entry::{CodeTheme, EntryKind, Flags, GmpDomain, HcpcStandard, Method, Planning};
use super::hours::{credits_text, hours_text};

/// One entry as the rules see it; storage builds it from a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counted {
    pub kind: EntryKind,
    /// An activity's method; `None` for feedback and discussion records.
    pub method: Option<Method>,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub minutes: i64,
    pub participatory_minutes: i64,
    pub planning: Option<Planning>,
    /// All three parts of the reflection are written.
    pub reflection_complete: bool,
    pub code_theme: Option<CodeTheme>,
    pub hcpc_standards: Flags<HcpcStandard>,
    pub gmp_domains: Flags<GmpDomain>,
    /// False for a verified entry whose certificate was revoked: it never counts.
    pub counts: bool,
}

impl Counted {
    /// A feedback or discussion record on `on`: no time, no method, no reflection.
    pub fn record(kind: EntryKind, on: NaiveDate) -> Counted {
        Counted {
            kind,
            method: None,
            started_on: on,
            ended_on: on,
            minutes: 0,
            participatory_minutes: 0,
            planning: None,
            reflection_complete: false,
            code_theme: None,
            hcpc_standards: Flags::default(),
            gmp_domains: Flags::default(),
            counts: true,
        }
    }

    /// Whether it counts in `cycle`.
    ///
    /// The rule: an entry belongs wholly to the cycle in which it **ended**. An activity
    /// from 20 March to 5 April counts in full in a cycle starting on 1 April and not at
    /// all in the one before, so each entry counts in exactly one cycle, is never split
    /// (the hours were not recorded day by day) and never counted twice. Feedback and
    /// discussions have one date. An entry that does not count (revoked) is in no cycle.
    pub fn counts_in(&self, cycle: &Cycle) -> bool {
        self.counts && cycle.contains(self.ended_on)
    }

    pub fn is_activity(&self) -> bool {
        self.kind == EntryKind::Activity
    }
}

/// The entries of `entries` that count in `cycle`.
pub fn in_cycle<'a>(entries: &'a [Counted], cycle: &Cycle) -> Vec<&'a Counted> {
    entries.iter().filter(|e| e.counts_in(cycle)).collect()
}

/// Totals of some entries: how many, and their time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub entries: usize,
    /// Of activities (feedback and discussions carry no time).
    pub minutes: i64,
    pub participatory_minutes: i64,
}

impl Tally {
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a Counted>) -> Tally {
        entries
            .into_iter()
            .fold(Tally::default(), |tally, e| Tally {
                entries: tally.entries + 1,
                minutes: tally.minutes + e.minutes.max(0),
                participatory_minutes: tally.participatory_minutes + e.participatory_minutes.max(0),
            })
    }
}

/// An amount a requirement is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Amount {
    /// Minutes, shown as hours ("34.75 hours").
    Hours(i64),
    /// Minutes, shown as credits (GMC: 1 credit is 1 hour).
    Credits(i64),
    /// A number of things: records, pieces of feedback, types, domains.
    Count(i64),
}

impl Amount {
    /// The number behind it (minutes or a count), for comparing and bars.
    pub fn value(self) -> i64 {
        match self {
            Amount::Hours(n) | Amount::Credits(n) | Amount::Count(n) => n,
        }
    }

    /// "34.75 hours", "50 credits", "3".
    pub fn text(self) -> String {
        match self {
            Amount::Hours(minutes) => hours_text(minutes),
            Amount::Credits(minutes) => credits_text(minutes),
            Amount::Count(n) => n.to_string(),
        }
    }

    fn with_value(self, value: i64) -> Amount {
        match self {
            Amount::Hours(_) => Amount::Hours(value),
            Amount::Credits(_) => Amount::Credits(value),
            Amount::Count(_) => Amount::Count(value),
        }
    }
}

/// One line of a regulator's expectations, with where the learner stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// Worded as the regulator words it.
    pub label: String,
    pub target: Amount,
    pub achieved: Amount,
    pub met: bool,
}

impl Requirement {
    /// Met when `achieved` reaches `target` (both in the target's unit).
    pub fn at_least(label: impl Into<String>, target: Amount, achieved: i64) -> Requirement {
        Requirement {
            label: label.into(),
            target,
            achieved: target.with_value(achieved),
            met: achieved >= target.value(),
        }
    }

    /// What is still missing ("0.25 hours", "2"), `None` when met.
    pub fn missing(&self) -> Option<Amount> {
        (!self.met).then(|| {
            self.target
                .with_value((self.target.value() - self.achieved.value()).max(0))
        })
    }

    /// "34.75 of 35 hours", "3 of 5".
    pub fn progress_text(&self) -> String {
        match self.target {
            Amount::Count(n) => format!("{} of {n}", self.achieved.value()),
            target => format!("{} of {}", number(self.achieved), target.text()),
        }
    }
}

/// An amount's number without its unit: "34.75".
fn number(amount: Amount) -> String {
    let text = amount.text();
    text.split(' ').next().unwrap_or_default().to_owned()
}

/// What one regulator's rules say about a cycle's entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assessment {
    pub requirements: Vec<Requirement>,
    /// Sentences for the page: what the rules leave out, what needs the learner's attention.
    pub notes: Vec<String>,
}

/// "1 entry is", "3 entries are": the start of a note about some entries.
pub fn entries_are(n: usize) -> String {
    match n {
        1 => "1 entry is".to_owned(),
        n => format!("{n} entries are"),
    }
}

#[cfg(test)]
pub(super) mod sample {
    //! Entries for the rules' tests.
    use super::*;

    pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An activity on one day with `minutes`, `participatory` of them with others.
    pub fn activity(on: NaiveDate, minutes: i64, participatory: i64) -> Counted {
        Counted {
            kind: EntryKind::Activity,
            method: Some(Method::Course),
            minutes,
            participatory_minutes: participatory,
            ..Counted::record(EntryKind::Activity, on)
        }
    }

    pub fn with_method(method: Method, on: NaiveDate) -> Counted {
        Counted {
            method: Some(method),
            ..activity(on, 60, 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sample::*;
    use super::*;

    #[test]
    fn an_entry_counts_in_the_cycle_it_ended_in() {
        let cycle = Cycle::ending_on(day(2027, 3, 31), 3);
        assert_eq!(cycle.starts_on, day(2024, 4, 1));
        let first_day = activity(day(2024, 4, 1), 60, 0);
        let last_day = activity(day(2027, 3, 31), 60, 0);
        let day_before = activity(day(2024, 3, 31), 60, 0);
        let spanning = Counted {
            started_on: day(2024, 3, 20),
            ..activity(day(2024, 4, 5), 60, 0)
        };
        assert!(first_day.counts_in(&cycle));
        assert!(last_day.counts_in(&cycle));
        assert!(!day_before.counts_in(&cycle));
        assert!(
            spanning.counts_in(&cycle),
            "ended in the cycle: counted whole"
        );
        let before = Cycle::ending_on(day(2024, 3, 31), 3);
        assert!(!spanning.counts_in(&before), "and not in the cycle before");
        let revoked = Counted {
            counts: false,
            ..first_day
        };
        assert!(!revoked.counts_in(&cycle));
    }

    #[test]
    fn requirements_say_what_is_missing() {
        let short = Requirement::at_least("35 hours", Amount::Hours(2100), 2085);
        assert!(!short.met);
        assert_eq!(short.missing(), Some(Amount::Hours(15)));
        assert_eq!(short.progress_text(), "34.75 of 35 hours");
        let done = Requirement::at_least("5 pieces", Amount::Count(5), 6);
        assert!(done.met);
        assert_eq!(done.missing(), None);
        assert_eq!(done.progress_text(), "6 of 5");
        assert_eq!(
            Requirement::at_least("50 credits", Amount::Credits(3000), 60).progress_text(),
            "1 of 50 credits"
        );
        let tally = Tally::of(&[
            activity(day(2026, 1, 1), 90, 30),
            activity(day(2026, 1, 2), 60, 60),
        ]);
        assert_eq!(
            (tally.entries, tally.minutes, tally.participatory_minutes),
            (2, 150, 90)
        );
    }
}
