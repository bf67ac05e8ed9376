//! The GPhC layout: the revalidation records by type (planned and unplanned CPD, the peer
//! discussion, the reflective account).

use super::{activities, dates, facts, numbered, reflection};
use crate::cpd::record::{Entries, Field, Item, Section};
use crate::db::cpd::Entry;
use crate::domain::cpd::entry::{EntryKind, Method, Planning};

/// The GPhC's records by type: planned and unplanned CPD, the peer discussion and the
/// reflective account.
pub fn sections(shown: &Entries<'_>) -> Vec<Section> {
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
