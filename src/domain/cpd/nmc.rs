//! The NMC's revalidation expectations for the 3 years up to the renewal date: CPD hours
//! with participatory learning, reflective accounts on the Code, feedback, a discussion.

use chrono::NaiveDate;

use super::counting::{Amount, Assessment, Counted, Requirement, Tally, entries_are};
use super::cycle::Cycle;
use super::entry::EntryKind;

pub const YEARS: u32 = 3;
/// 35 hours of CPD.
pub const CPD_MINUTES: i64 = 35 * 60;
/// Of which 20 hours participatory.
pub const PARTICIPATORY_MINUTES: i64 = 20 * 60;
pub const REFLECTIVE_ACCOUNTS: i64 = 5;
pub const FEEDBACK: i64 = 5;
pub const DISCUSSIONS: i64 = 1;

/// A written reflective account: all three parts of a reflection written and linked to
/// one of the Code's themes (on an activity, or any other entry that has one).
fn is_reflective_account(entry: &Counted) -> bool {
    entry.reflection_complete && entry.code_theme.is_some()
}

/// The NMC's lines for the entries counted in the cycle.
pub fn assess(entries: &[&Counted], _cycle: &Cycle, _today: NaiveDate) -> Assessment {
    let activities = Tally::of(entries.iter().copied().filter(|e| e.is_activity()));
    let kind = |kind: EntryKind| entries.iter().filter(|e| e.kind == kind).count() as i64;
    let accounts = entries.iter().filter(|e| is_reflective_account(e)).count() as i64;
    let requirements = vec![
        Requirement::at_least(
            "35 hours of continuing professional development (CPD) relevant to your scope of practice",
            Amount::Hours(CPD_MINUTES),
            activities.minutes,
        ),
        Requirement::at_least(
            "20 of those hours must include participatory learning",
            Amount::Hours(PARTICIPATORY_MINUTES),
            activities.participatory_minutes,
        ),
        Requirement::at_least(
            "5 written reflective accounts, each linked to a theme of the Code",
            Amount::Count(REFLECTIVE_ACCOUNTS),
            accounts,
        ),
        Requirement::at_least(
            "5 pieces of practice-related feedback",
            Amount::Count(FEEDBACK),
            kind(EntryKind::Feedback),
        ),
        Requirement::at_least(
            "A reflective discussion with another NMC registrant",
            Amount::Count(DISCUSSIONS),
            kind(EntryKind::ReflectiveDiscussion),
        ),
    ];
    let mut notes = Vec::new();
    let no_theme = entries
        .iter()
        .filter(|e| e.reflection_complete && e.code_theme.is_none())
        .count();
    if no_theme > 0 {
        notes.push(format!(
            "{} reflected on in full but not linked to a theme of the Code: choose a theme to count it as a reflective account.",
            entries_are(no_theme)
        ));
    }
    let unfinished = entries
        .iter()
        .filter(|e| !e.reflection_complete && e.code_theme.is_some())
        .count();
    if unfinished > 0 {
        notes.push(format!(
            "{} linked to a theme of the Code with a reflection not yet finished: write all three parts to count it as a reflective account.",
            entries_are(unfinished)
        ));
    }
    notes.push(
        "Revalidation also asks for 450 practice hours, a health and character declaration, \
         professional indemnity arrangements and confirmation: this record covers your CPD, \
         feedback, reflective accounts and reflective discussion."
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
    use super::super::entry::CodeTheme;
    use super::*;

    fn cycle() -> Cycle {
        Cycle::ending_on(day(2027, 3, 31), YEARS)
    }

    fn assessed(entries: &[Counted]) -> Assessment {
        let entries: Vec<&Counted> = entries.iter().collect();
        assess(&entries, &cycle(), day(2026, 3, 3))
    }

    fn met(entries: &[Counted]) -> Vec<bool> {
        assessed(entries)
            .requirements
            .iter()
            .map(|r| r.met)
            .collect()
    }

    #[test]
    fn exactly_35_hours_is_met_and_34_75_is_not() {
        let on = day(2025, 1, 1);
        let exactly = [activity(on, 20 * 60, 20 * 60), activity(on, 15 * 60, 0)];
        let result = assessed(&exactly);
        assert!(result.requirements[0].met);
        assert_eq!(result.requirements[0].progress_text(), "35 of 35 hours");
        let short = [
            activity(on, 20 * 60, 20 * 60),
            activity(on, 14 * 60 + 45, 0),
        ];
        let result = assessed(&short);
        assert!(!result.requirements[0].met);
        assert_eq!(result.requirements[0].progress_text(), "34.75 of 35 hours");
        assert_eq!(result.requirements[0].missing(), Some(Amount::Hours(15)));
    }

    #[test]
    fn exactly_20_participatory_hours_is_met_and_19_75_is_not() {
        let on = day(2025, 1, 1);
        assert_eq!(met(&[activity(on, 35 * 60, 20 * 60)])[..2], [true, true]);
        let short = assessed(&[activity(on, 35 * 60, 19 * 60 + 45)]);
        assert!(!short.requirements[1].met);
        assert_eq!(short.requirements[1].progress_text(), "19.75 of 20 hours");
    }

    #[test]
    fn reflective_accounts_need_a_full_reflection_and_a_theme() {
        let on = day(2025, 6, 1);
        let account = Counted {
            reflection_complete: true,
            code_theme: Some(CodeTheme::PreserveSafety),
            ..activity(on, 60, 0)
        };
        let no_theme = Counted {
            code_theme: None,
            ..account
        };
        let unfinished = Counted {
            reflection_complete: false,
            ..account
        };
        let result = assessed(&[account, account, account, account, no_theme, unfinished]);
        assert_eq!(result.requirements[2].achieved, Amount::Count(4));
        assert!(!result.requirements[2].met);
        assert!(result.notes[0].starts_with("1 entry is reflected on in full but not linked"));
        assert!(result.notes[1].starts_with("1 entry is linked to a theme"));
        assert!(assessed(&[account; 5]).requirements[2].met);
    }

    #[test]
    fn feedback_and_a_discussion_are_records_of_their_own() {
        let on = day(2026, 1, 5);
        let feedback = Counted::record(EntryKind::Feedback, on);
        let discussion = Counted::record(EntryKind::ReflectiveDiscussion, on);
        let four = assessed(&[feedback, feedback, feedback, feedback]);
        assert_eq!(
            (four.requirements[3].met, four.requirements[4].met),
            (false, false)
        );
        let all = met(&[feedback, feedback, feedback, feedback, feedback, discussion]);
        assert_eq!(all[3..], [true, true]);
        assert_eq!(
            assessed(&[feedback; 5]).requirements[0].achieved,
            Amount::Hours(0)
        );
    }
}
