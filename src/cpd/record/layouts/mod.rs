//! The record's sections for each layout, worded as each regulator's own forms are: the
//! NMC's CPD log and reflective account form ([`nmc`]), the HCPC's profile ([`hcpc`]), a
//! GMC appraisal summary ([`gmc`]) and the GPhC's record types ([`gphc`]); here, what they
//! share and the plain list for another body or none.

mod gmc;
mod gphc;
mod hcpc;
mod nmc;

use super::{Entries, Field, Item, Section};
use crate::db::cpd::Entry;
use crate::db::users::User;
use crate::domain::cpd::entry::{EntryKind, FeedbackSource};
use crate::domain::cpd::hours::{credits_text, hours_text};
use crate::domain::cpd::record_layout::RecordLayout;
use crate::domain::london;

pub fn sections(layout: RecordLayout, user: &User, shown: &Entries<'_>) -> Vec<Section> {
    match layout {
        RecordLayout::Nmc => nmc::sections(shown),
        RecordLayout::Hcpc => hcpc::sections(user, shown),
        RecordLayout::Gmc => gmc::sections(shown),
        RecordLayout::Gphc => gphc::sections(shown),
        RecordLayout::General => general(shown),
    }
}

/// "4 May 2026" or "4 May 2026 to 1 June 2026".
pub fn dates(entry: &Entry) -> String {
    match entry.started_on == entry.ended_on {
        true => london::date(entry.started_on),
        false => format!(
            "{} to {}",
            london::date(entry.started_on),
            london::date(entry.ended_on)
        ),
    }
}

/// "Verified by <provider>" or "Self-declared", and whether it still counts.
pub(super) fn source(entry: &Entry) -> String {
    match (entry.is_verified(), entry.is_revoked()) {
        (true, true) => format!(
            "Verified by {}; its certificate was revoked, so it is not counted",
            entry.provider
        ),
        (true, false) => format!("Verified by {}", entry.provider),
        (false, _) => "Self-declared".to_owned(),
    }
}

pub(super) fn method(entry: &Entry) -> String {
    entry
        .method
        .map_or_else(String::new, |m| m.label().to_owned())
}

pub(super) fn activities<'a>(shown: &'a Entries<'_>) -> impl Iterator<Item = &'a Entry> {
    shown
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Activity)
}

pub(super) fn of_kind<'a>(
    shown: &'a Entries<'_>,
    kind: EntryKind,
) -> impl Iterator<Item = &'a Entry> {
    shown.entries.iter().filter(move |e| e.kind == kind)
}

pub(super) fn has_reflection(entry: &Entry) -> bool {
    [
        &entry.reflection_learned,
        &entry.reflection_practice,
        &entry.reflection_benefit,
    ]
    .iter()
    .any(|part| !part.trim().is_empty())
}

pub(super) fn numbered(n: usize, entry: &Entry) -> String {
    format!("{}. {}", n + 1, entry.title)
}

/// An activity's facts, as every layout lists them.
pub(super) fn facts(entry: &Entry, shown: &Entries<'_>, credits: bool) -> Vec<Field> {
    let time = match credits {
        true => credits_text(entry.minutes),
        false => hours_text(entry.minutes),
    };
    let mut fields = vec![
        Field::short("Dates", dates(entry)),
        Field::short("Type of activity", method(entry)),
        Field::short("Provider", entry.provider.clone()),
        Field::short(
            match credits {
                true => "Credits",
                false => "Hours",
            },
            time,
        ),
        Field::short(
            "Participatory hours",
            hours_text(entry.participatory_minutes),
        ),
        Field::short("Source", source(entry)),
    ];
    if !entry.topic.is_empty() {
        fields.push(Field::long(
            "Topic and how it relates to practice",
            &entry.topic,
        ));
    }
    if !entry.learning_outcomes.is_empty() {
        fields.push(Field::long("Learning outcomes", &entry.learning_outcomes));
    }
    fields.push(Field::short("Evidence", shown.evidence_of(entry)));
    fields
}

/// The reflection in the Academy's three parts.
pub(super) fn reflection(entry: &Entry, benefit: &str) -> Vec<Field> {
    vec![
        Field::long("What I learned", &entry.reflection_learned),
        Field::long(
            "How my practice changed or will change",
            &entry.reflection_practice,
        ),
        Field::long(benefit, &entry.reflection_benefit),
    ]
}

pub(super) fn feedback_from(entry: &Entry) -> String {
    match entry.feedback_source {
        Some(FeedbackSource::Other) => entry.source_other.clone(),
        Some(source) => source.label().to_owned(),
        None => String::new(),
    }
}

pub(super) fn feedback_items(shown: &Entries<'_>) -> Vec<Item> {
    of_kind(shown, EntryKind::Feedback)
        .enumerate()
        .map(|(n, e)| Item {
            heading: numbered(n, e),
            fields: vec![
                Field::short("Date", dates(e)),
                Field::short("Feedback from", feedback_from(e)),
                Field::long("What the feedback was about", &e.about),
                Field::long("How I used it to improve my practice", &e.how_used),
            ],
        })
        .collect()
}

pub(super) fn discussion_items(shown: &Entries<'_>) -> Vec<Item> {
    of_kind(shown, EntryKind::ReflectiveDiscussion)
        .enumerate()
        .map(|(n, e)| Item {
            heading: numbered(n, e),
            fields: vec![
                Field::short("Date of the discussion", dates(e)),
                Field::short("Discussed with", e.partner_name.clone()),
                Field::short("Their NMC PIN", e.partner_pin.clone()),
                Field::long("What we discussed", &e.about),
            ],
        })
        .collect()
}

/// Every entry with all it holds, for another body or none.
fn general(shown: &Entries<'_>) -> Vec<Section> {
    let mut list = Section::new("CPD activities").empty("No CPD activities are shown.");
    list.items = activities(shown)
        .enumerate()
        .map(|(n, e)| {
            let mut fields = facts(e, shown, false);
            fields.extend(reflection(e, "How it benefits patients and service users"));
            Item {
                heading: numbered(n, e),
                fields,
            }
        })
        .collect();
    let mut feedback = Section::new("Practice-related feedback");
    feedback.items = feedback_items(shown);
    let mut discussion = Section::new("Reflective discussions");
    discussion.items = discussion_items(shown);
    let mut sections = vec![list];
    sections.extend(
        [feedback, discussion]
            .into_iter()
            .filter(|s| !s.items.is_empty()),
    );
    sections
}
