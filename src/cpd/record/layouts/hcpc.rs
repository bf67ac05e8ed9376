//! The HCPC layout: the CPD profile's sections (a summary of practice history, a
//! statement of how the standards are met, the evidence list).

use super::{activities, dates, facts, numbered, reflection};
use crate::cpd::record::{Entries, Field, Item, Section, entries_text};
use crate::db::cpd::Entry;
use crate::db::users::User;
use crate::domain::cpd::entry::{HcpcStandard, Method};
use crate::domain::london;

/// The HCPC's CPD profile: a summary of practice history, a statement of how the
/// standards are met (with each activity's reflection), and the evidence list.
pub fn sections(user: &User, shown: &Entries<'_>) -> Vec<Section> {
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
