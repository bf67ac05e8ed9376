//! The NMC layout: the CPD log's columns for each activity, each reflective account on
//! the NMC form's headings, the practice-related feedback and the reflective discussion.

use super::{
    activities, dates, discussion_items, feedback_items, has_reflection, method, numbered, source,
};
use crate::cpd::record::{Entries, Field, Item, Section};
use crate::domain::cpd::hours::hours_text;

/// The NMC's CPD log (its columns for each activity), each reflective account on the NMC
/// form's headings, the practice-related feedback and the reflective discussion.
pub fn sections(shown: &Entries<'_>) -> Vec<Section> {
    let mut log = Section::new("CPD log")
        .paragraph("Each activity with the columns of the NMC's CPD log.")
        .empty("No CPD activities are shown.");
    log.items = activities(shown)
        .enumerate()
        .map(|(n, e)| Item {
            heading: numbered(n, e),
            fields: vec![
                Field::short("Dates", dates(e)),
                Field::short("Method", format!("{} ({})", method(e), source(e))),
                Field::short("Topic", e.title.clone()),
                Field::long("Link to practice", &e.topic),
                Field::short("Number of hours", hours_text(e.minutes)),
                Field::short(
                    "Number of participatory hours",
                    hours_text(e.participatory_minutes),
                ),
                Field::short("Evidence", shown.evidence_of(e)),
            ],
        })
        .collect();
    let mut accounts = Section::new("Reflective accounts")
        .paragraph("Each written reflection on the headings of the NMC's reflective accounts form.")
        .empty("No reflective accounts are written among the entries shown.");
    accounts.items = activities(shown)
        .filter(|e| has_reflection(e))
        .enumerate()
        .map(|(n, e)| Item {
            heading: format!("Reflective account {}: {}", n + 1, e.title),
            fields: vec![
                Field::long(
                    "What was the nature of the CPD activity and/or practice-related feedback and/or event or experience in your practice?",
                    &format!("{}, {} ({}). {}", method(e), dates(e), source(e), e.topic),
                ),
                Field::long(
                    "What did you learn from the CPD activity and/or feedback and/or event or experience in your practice?",
                    &e.reflection_learned,
                ),
                Field::long(
                    "How did you change or improve your practice as a result?",
                    &e.reflection_practice,
                ),
                Field::long(
                    "How is this relevant to the Code?",
                    &format!(
                        "Theme: {}.\n{}",
                        e.code_theme.map_or("None chosen", |t| t.label()),
                        e.reflection_benefit
                    ),
                ),
            ],
        })
        .collect();
    let mut feedback =
        Section::new("Practice-related feedback").empty("No practice-related feedback is shown.");
    feedback.items = feedback_items(shown);
    let mut discussion =
        Section::new("Reflective discussion").empty("No reflective discussion is shown.");
    discussion.items = discussion_items(shown);
    vec![log, accounts, feedback, discussion]
}
