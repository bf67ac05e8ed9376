//! The GPhC's revalidation records for the year to the renewal date: 4 CPD records (2 of
//! them planned), a peer discussion and a reflective account.

use chrono::NaiveDate;

use super::counting::{Amount, Assessment, Counted, Requirement, entries_are};
use super::cycle::Cycle;
use super::entry::{EntryKind, Method, Planning};

pub const YEARS: u32 = 1;
pub const CPD_RECORDS: i64 = 4;
pub const PLANNED: i64 = 2;
pub const PEER_DISCUSSIONS: i64 = 1;
pub const REFLECTIVE_ACCOUNTS: i64 = 1;

/// A peer discussion: an activity of that method (or a reflective discussion record).
/// It is the GPhC's separate peer discussion record, not one of the 4 CPD records.
fn is_peer_discussion(entry: &Counted) -> bool {
    entry.kind == EntryKind::ReflectiveDiscussion || entry.method == Some(Method::PeerDiscussion)
}

/// The GPhC's lines for the entries counted in the year.
pub fn assess(entries: &[&Counted], _cycle: &Cycle, _today: NaiveDate) -> Assessment {
    let records: Vec<&Counted> = entries
        .iter()
        .copied()
        .filter(|e| e.is_activity() && !is_peer_discussion(e))
        .collect();
    let planned = records
        .iter()
        .filter(|r| r.planning == Some(Planning::Planned))
        .count() as i64;
    let discussions = entries.iter().filter(|e| is_peer_discussion(e)).count() as i64;
    // Any activity with all three parts of its reflection written can stand as one.
    let accounts = entries
        .iter()
        .filter(|e| e.is_activity() && e.reflection_complete)
        .count() as i64;
    let requirements = vec![
        Requirement::at_least(
            "4 CPD records",
            Amount::Count(CPD_RECORDS),
            records.len() as i64,
        ),
        Requirement::at_least(
            "At least 2 of your CPD records must be planned learning",
            Amount::Count(PLANNED),
            planned,
        ),
        Requirement::at_least(
            "1 peer discussion record",
            Amount::Count(PEER_DISCUSSIONS),
            discussions,
        ),
        Requirement::at_least(
            "1 reflective account record",
            Amount::Count(REFLECTIVE_ACCOUNTS),
            accounts,
        ),
    ];
    let mut notes = Vec::new();
    let unsaid = records.iter().filter(|r| r.planning.is_none()).count();
    if unsaid > 0 {
        notes.push(format!(
            "{} not marked as planned or unplanned learning: say which to count it as planned.",
            entries_are(unsaid)
        ));
    }
    notes.push(
        "A peer discussion is recorded on its own and is not one of your 4 CPD records. An \
         activity with all three parts of its reflection written counts as your reflective \
         account, which the GPhC asks to be about how you meet its standards for pharmacy \
         professionals. Submit your records by your renewal date."
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

    fn assessed(entries: &[Counted]) -> Assessment {
        let entries: Vec<&Counted> = entries.iter().collect();
        let cycle = Cycle::ending_on(day(2026, 6, 30), YEARS);
        assess(&entries, &cycle, day(2026, 3, 3))
    }

    fn planned(planning: Option<Planning>) -> Counted {
        Counted {
            planning,
            ..activity(day(2026, 1, 1), 60, 0)
        }
    }

    #[test]
    fn four_records_two_planned() {
        let (p, u) = (
            planned(Some(Planning::Planned)),
            planned(Some(Planning::Unplanned)),
        );
        let three = assessed(&[p, p, u]);
        assert_eq!(
            (three.requirements[0].met, three.requirements[1].met),
            (false, true)
        );
        let one_planned = assessed(&[p, u, u, u]);
        assert_eq!(
            (
                one_planned.requirements[0].met,
                one_planned.requirements[1].met
            ),
            (true, false)
        );
        let unsaid = assessed(&[p, planned(None)]);
        assert_eq!(unsaid.requirements[1].progress_text(), "1 of 2");
        assert!(unsaid.notes[0].starts_with("1 entry is not marked as planned"));
    }

    #[test]
    fn a_peer_discussion_and_a_reflective_account_are_their_own_records() {
        let on = day(2026, 1, 1);
        let discussion = with_method(Method::PeerDiscussion, on);
        let result = assessed(&[discussion]);
        assert_eq!(
            result.requirements[0].achieved,
            Amount::Count(0),
            "not a CPD record"
        );
        assert!(result.requirements[2].met);
        assert!(!result.requirements[3].met);
        let reflected = Counted {
            reflection_complete: true,
            ..activity(on, 60, 0)
        };
        let result = assessed(&[reflected]);
        assert_eq!(
            (result.requirements[0].achieved, result.requirements[3].met),
            (Amount::Count(1), true)
        );
    }
}
