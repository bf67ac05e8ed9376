//! The record's sections for each layout, worded as each regulator's own forms are: the
//! NMC's CPD log and reflective account form, the HCPC's profile, a GMC appraisal summary
//! and the GPhC's record types; a plain list for another body or none.

use super::{Entries, Field, Item, Section, entries_text};
use crate::db::cpd::Entry;
use crate::db::users::User;
use crate::domain::cpd::entry::{
    EntryKind, FeedbackSource, GmpDomain, HcpcStandard, Method, Planning,
};
use crate::domain::cpd::hours::{credits_text, hours_text};
use crate::domain::cpd::record_layout::RecordLayout;
use crate::domain::london;

pub fn sections(layout: RecordLayout, user: &User, shown: &Entries<'_>) -> Vec<Section> {
    match layout {
        RecordLayout::Nmc => nmc(shown),
        RecordLayout::Hcpc => hcpc(user, shown),
        RecordLayout::Gmc => gmc(shown),
        RecordLayout::Gphc => gphc(shown),
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
fn source(entry: &Entry) -> String {
    match (entry.is_verified(), entry.is_revoked()) {
        (true, true) => format!(
            "Verified by {}; its certificate was revoked, so it is not counted",
            entry.provider
        ),
        (true, false) => format!("Verified by {}", entry.provider),
        (false, _) => "Self-declared".to_owned(),
    }
}

fn method(entry: &Entry) -> String {
    entry
        .method
        .map_or_else(String::new, |m| m.label().to_owned())
}

fn activities<'a>(shown: &'a Entries<'_>) -> impl Iterator<Item = &'a Entry> {
    shown
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Activity)
}

fn of_kind<'a>(shown: &'a Entries<'_>, kind: EntryKind) -> impl Iterator<Item = &'a Entry> {
    shown.entries.iter().filter(move |e| e.kind == kind)
}

fn has_reflection(entry: &Entry) -> bool {
    [
        &entry.reflection_learned,
        &entry.reflection_practice,
        &entry.reflection_benefit,
    ]
    .iter()
    .any(|part| !part.trim().is_empty())
}

fn numbered(n: usize, entry: &Entry) -> String {
    format!("{}. {}", n + 1, entry.title)
}

/// An activity's facts, as every layout lists them.
fn facts(entry: &Entry, shown: &Entries<'_>, credits: bool) -> Vec<Field> {
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
fn reflection(entry: &Entry, benefit: &str) -> Vec<Field> {
    vec![
        Field::long("What I learned", &entry.reflection_learned),
        Field::long(
            "How my practice changed or will change",
            &entry.reflection_practice,
        ),
        Field::long(benefit, &entry.reflection_benefit),
    ]
}

fn feedback_from(entry: &Entry) -> String {
    match entry.feedback_source {
        Some(FeedbackSource::Other) => entry.source_other.clone(),
        Some(source) => source.label().to_owned(),
        None => String::new(),
    }
}

fn feedback_items(shown: &Entries<'_>) -> Vec<Item> {
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

fn discussion_items(shown: &Entries<'_>) -> Vec<Item> {
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

/// The NMC's CPD log (its columns for each activity), each reflective account on the NMC
/// form's headings, the practice-related feedback and the reflective discussion.
fn nmc(shown: &Entries<'_>) -> Vec<Section> {
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

/// The HCPC's CPD profile: a summary of practice history, a statement of how the
/// standards are met (with each activity's reflection), and the evidence list.
fn hcpc(user: &User, shown: &Entries<'_>) -> Vec<Section> {
    let activities: Vec<&Entry> = activities(shown).collect();
    let mut summary = Section::new("Summary of practice history");
    let role = match (user.job_role.is_empty(), user.organisation.is_empty()) {
        (false, false) => format!(
            "{} works as {} at {}.",
            user.full_name, user.job_role, user.organisation
        ),
        (false, true) => format!("{} works as {}.", user.full_name, user.job_role),
        _ => format!("{}'s role is not given on the account.", user.full_name),
    };
    summary.paragraphs.push(role);
    summary.paragraphs.push(
        "The HCPC asks for a summary of up to 500 words of your role and the people you work with; write it from this record."
            .to_owned(),
    );
    let mut types: Vec<(Method, usize)> = Vec::new();
    for entry in &activities {
        if let Some(m) = entry.method {
            match types.iter_mut().find(|(t, _)| *t == m) {
                Some((_, n)) => *n += 1,
                None => types.push((m, 1)),
            }
        }
    }
    let mut statement = Section::new("Statement of how I have met the standards");
    let span = match (activities.last(), activities.first()) {
        (Some(oldest), Some(latest)) => format!(
            " from {} to {}",
            london::date(oldest.started_on),
            london::date(latest.ended_on)
        ),
        _ => String::new(),
    };
    statement.bullets = vec![
        format!(
            "Standard 1, a continuous, up-to-date and accurate record of my CPD activities: {}{span}.",
            entries_text(activities.len())
        ),
        format!(
            "Standard 2, a mixture of learning activities relevant to current or future practice: {}.",
            match types.is_empty() {
                true => "none yet".to_owned(),
                false => types
                    .iter()
                    .map(|(m, n)| format!("{} ({n})", m.label()))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        ),
        format!(
            "Standard 3, my CPD has contributed to the quality of my practice and service delivery: {} linked.",
            entries_text(activities.iter().filter(|e| e.hcpc().contains(HcpcStandard::ImprovesPractice)).count())
        ),
        format!(
            "Standard 4, my CPD benefits the service user: {} linked.",
            entries_text(activities.iter().filter(|e| e.hcpc().contains(HcpcStandard::BenefitsServiceUsers)).count())
        ),
        "Standard 5, present a written profile of my own work, supported by evidence: this profile and the evidence list below.".to_owned(),
    ];
    statement.empty = Some("No CPD activities are shown.".to_owned());
    statement.items = activities
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let standards: Vec<&str> = e.hcpc().iter().map(|s| s.label()).collect();
            let mut fields = facts(e, shown, false);
            fields.push(Field::short(
                "Standards it is linked to",
                match standards.is_empty() {
                    true => "None chosen".to_owned(),
                    false => standards.join("; "),
                },
            ));
            fields.extend(reflection(e, "How it benefits service users"));
            Item {
                heading: numbered(n, e),
                fields,
            }
        })
        .collect();
    let mut evidence = Section::new("Evidence list").empty("No evidence is listed.");
    evidence.bullets = shown
        .entries
        .iter()
        .enumerate()
        .map(|(n, e)| {
            format!(
                "{}. {} ({}): {}",
                n + 1,
                e.title,
                dates(e),
                shown.evidence_of(e)
            )
        })
        .collect();
    evidence.empty = None;
    vec![summary, statement, evidence]
}

/// A GMC appraisal summary: CPD credits per Good Medical Practice domain, then the
/// activities and their reflections.
fn gmc(shown: &Entries<'_>) -> Vec<Section> {
    let counted: Vec<&Entry> = activities(shown).filter(|e| !e.is_revoked()).collect();
    let mut credits = Section::new("CPD credits by Good Medical Practice domain").paragraph(
        "The GMC itself sets no number of CPD credits: the Academy of Medical Royal Colleges suggests 50 a year, where 1 credit is 1 hour. An activity linked to several domains counts in each.",
    );
    for domain in GmpDomain::ALL {
        let minutes: i64 = counted
            .iter()
            .filter(|e| e.gmp().contains(*domain))
            .map(|e| e.minutes)
            .sum();
        credits
            .bullets
            .push(format!("{}: {}", domain.label(), credits_text(minutes)));
    }
    let unlinked: i64 = counted
        .iter()
        .filter(|e| e.gmp().is_empty())
        .map(|e| e.minutes)
        .sum();
    credits.bullets.push(format!(
        "Not linked to a domain: {}",
        credits_text(unlinked)
    ));
    credits.bullets.push(format!(
        "All CPD shown: {}",
        credits_text(counted.iter().map(|e| e.minutes).sum())
    ));
    let mut reflections =
        Section::new("CPD activities and reflections").empty("No CPD activities are shown.");
    reflections.items = activities(shown)
        .enumerate()
        .map(|(n, e)| {
            let domains: Vec<&str> = e.gmp().iter().map(|d| d.label()).collect();
            let mut fields = facts(e, shown, true);
            fields.push(Field::short(
                "Good Medical Practice domains",
                match domains.is_empty() {
                    true => "None chosen".to_owned(),
                    false => domains.join("; "),
                },
            ));
            fields.extend(reflection(e, "How it benefits patients"));
            Item {
                heading: numbered(n, e),
                fields,
            }
        })
        .collect();
    vec![credits, reflections]
}

/// The GPhC's records by type: planned and unplanned CPD, the peer discussion and the
/// reflective account.
fn gphc(shown: &Entries<'_>) -> Vec<Section> {
    let peer = |e: &&Entry| {
        e.kind == EntryKind::ReflectiveDiscussion || e.method == Some(Method::PeerDiscussion)
    };
    let record = |heading: &str, entries: Vec<&Entry>, empty: &str| {
        let mut section = Section::new(heading).empty(empty);
        section.items = entries
            .into_iter()
            .enumerate()
            .map(|(n, e)| {
                let mut fields = match e.kind {
                    EntryKind::Activity => facts(e, shown, false),
                    _ => vec![
                        Field::short("Date", dates(e)),
                        Field::short("Discussed with", e.partner_name.clone()),
                        Field::long("What we discussed", &e.about),
                    ],
                };
                if e.kind == EntryKind::Activity {
                    fields.extend(reflection(
                        e,
                        "How it benefited the people using my services",
                    ));
                }
                Item {
                    heading: numbered(n, e),
                    fields,
                }
            })
            .collect();
        section
    };
    let planned: Vec<&Entry> = activities(shown)
        .filter(|e| !peer(e) && e.planning == Some(Planning::Planned))
        .collect();
    let unplanned: Vec<&Entry> = activities(shown)
        .filter(|e| !peer(e) && e.planning != Some(Planning::Planned))
        .collect();
    let discussions: Vec<&Entry> = shown.entries.iter().filter(peer).collect();
    let accounts: Vec<&Entry> = activities(shown)
        .filter(|e| e.counted().reflection_complete)
        .collect();
    let mut unplanned_section = record(
        "Unplanned learning",
        unplanned,
        "No unplanned learning is shown.",
    );
    unplanned_section.paragraphs.push(
        "Activities not marked as planned or unplanned are listed here; mark them planned to count them as planned learning."
            .to_owned(),
    );
    vec![
        record("Planned learning", planned, "No planned learning is shown."),
        unplanned_section,
        record(
            "Peer discussion",
            discussions,
            "No peer discussion is shown.",
        ),
        record(
            "Reflective account",
            accounts,
            "No activity among those shown has all three parts of its reflection written.",
        ),
    ]
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
