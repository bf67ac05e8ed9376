//! The GMC layout: an appraisal summary of CPD credits per Good Medical Practice domain,
//! then the activities and their reflections.

use super::{activities, facts, numbered, reflection};
use crate::cpd::record::{Entries, Field, Item, Section};
use crate::db::cpd::Entry;
use crate::domain::cpd::entry::GmpDomain;
use crate::domain::cpd::hours::credits_text;

/// A GMC appraisal summary: CPD credits per Good Medical Practice domain, then the
/// activities and their reflections.
pub fn sections(shown: &Entries<'_>) -> Vec<Section> {
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
