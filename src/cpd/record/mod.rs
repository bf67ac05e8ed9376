//! The CPD record as a document to print or take to revalidation: the learner's name,
//! registration number and the cycle's progress at the top, then the entries the list's
//! filters keep, in the sections of the chosen regulator's layout ([`layouts`]). One
//! [`RecordDocument`] is shown two ways, as the printable page (`web::cpd::record`) and
//! as a PDF ([`pdf`]), so both say exactly the same.

pub mod layouts;
pub mod pdf;

use chrono::NaiveDate;

use crate::accounts::profile::PROFESSIONAL_BODIES;
use crate::context::Ctx;
use crate::db::DbError;
use crate::db::cpd::evidence::{self, Evidence};
use crate::db::cpd::{self as store, Entry, Filter};
use crate::db::users::User;
use crate::domain::cpd::counting::{Counted, Tally};
use crate::domain::cpd::hours::hours_text;
use crate::domain::cpd::record_layout::RecordLayout;
use crate::domain::cpd::regulator::{self, Regulator};
use crate::domain::cpd::totals::by_calendar_year;
use crate::domain::london;

/// The most entries one printed record holds (the latest first); the page says when
/// more matched and asks for narrower filters.
pub const MAX_ENTRIES: i64 = 2_000;

/// What the record says, in order.
#[derive(Clone, Debug)]
pub struct RecordDocument {
    pub title: String,
    pub layout: RecordLayout,
    /// Who it is about and what it holds: name, registration number, regulator, entries.
    pub about: Vec<Field>,
    pub sections: Vec<Section>,
}

/// A part of the record under its own heading.
#[derive(Clone, Debug, Default)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub bullets: Vec<String>,
    pub items: Vec<Item>,
    /// Said when the section has no items.
    pub empty: Option<String>,
}

/// One entry (or one standard, one domain) with its fields.
#[derive(Clone, Debug)]
pub struct Item {
    pub heading: String,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub label: String,
    pub value: String,
    /// Written text (a reflection): shown under its label rather than beside it.
    pub long: bool,
}

impl Field {
    pub fn short(label: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            label: label.into(),
            value: value.into(),
            long: false,
        }
    }

    /// Written text; "Not written yet." when empty.
    pub fn long(label: impl Into<String>, value: &str) -> Field {
        let value = match value.trim().is_empty() {
            true => "Not written yet.".to_owned(),
            false => value.to_owned(),
        };
        Field {
            label: label.into(),
            value,
            long: true,
        }
    }
}

impl Section {
    pub fn new(heading: impl Into<String>) -> Section {
        Section {
            heading: heading.into(),
            ..Section::default()
        }
    }

    pub fn paragraph(mut self, text: impl Into<String>) -> Section {
        self.paragraphs.push(text.into());
        self
    }

    pub fn empty(mut self, text: impl Into<String>) -> Section {
        self.empty = Some(text.into());
        self
    }
}

/// What the layouts read: the entries shown, their files, and the site's base address.
pub struct Entries<'a> {
    pub entries: &'a [Entry],
    pub evidence: &'a [Evidence],
    /// The site's absolute base, for certificates' public check addresses.
    pub base_url: &'a str,
}

impl Entries<'_> {
    /// An entry's evidence: its files by name and a verified entry's certificate check.
    pub fn evidence_of(&self, entry: &Entry) -> String {
        let mut parts: Vec<String> = self
            .evidence
            .iter()
            .filter(|f| f.entry_id == entry.entry_id)
            .map(|f| format!("File: {}", f.filename))
            .collect();
        if let Some(code) = &entry.certificate_code {
            parts.push(format!(
                "Certificate from {}: {}{}",
                entry.provider,
                self.base_url,
                crate::paths::certificate(code)
            ));
        }
        match parts.is_empty() {
            true => "None recorded".to_owned(),
            false => parts.join("; "),
        }
    }
}

/// The record of `user` in `layout`, of the entries `filter` keeps (at most
/// [`MAX_ENTRIES`]), with the progress of the current cycle over all their entries.
pub async fn gather(
    ctx: Ctx<'_>,
    user: &User,
    filter: &Filter,
    layout: RecordLayout,
) -> Result<RecordDocument, DbError> {
    let matching = store::count(ctx.db, user.user_id, filter).await?;
    let entries = store::list(ctx.db, user.user_id, filter, MAX_ENTRIES, 0).await?;
    let files = evidence::for_user(ctx.db, user.user_id).await?;
    let today = london::day_of(ctx.now());
    // Every entry: the layout chosen, not the profile, says which regulator's cycle is shown.
    let counted = store::counted_for_user(ctx.db, user.user_id, None).await?;
    let base_url = ctx.site.url("");
    let shown = Entries {
        entries: &entries,
        evidence: &files,
        base_url: &base_url,
    };
    Ok(document(
        user,
        layout,
        &shown,
        &counted,
        Summary {
            matching,
            filters_text: &describe(filter),
            today,
        },
    ))
}

/// How many matched and which filters, for the record's top.
pub struct Summary<'a> {
    pub matching: i64,
    pub filters_text: &'a str,
    pub today: NaiveDate,
}

/// The document from what [`gather`] read.
pub fn document(
    user: &User,
    layout: RecordLayout,
    shown: &Entries<'_>,
    all: &[Counted],
    summary: Summary<'_>,
) -> RecordDocument {
    let body = PROFESSIONAL_BODIES
        .iter()
        .find(|(value, _)| Some(*value) == user.professional_body.as_deref())
        .map_or("None given", |(_, label)| label);
    let counted: Vec<Counted> = shown.entries.iter().map(Entry::counted).collect();
    let tally = Tally::of(counted.iter().filter(|c| c.counts));
    let revoked = counted.iter().filter(|c| !c.counts).count();
    let mut held = format!(
        "{}: {} in total, {} participatory",
        entries_text(shown.entries.len()),
        hours_text(tally.minutes),
        hours_text(tally.participatory_minutes),
    );
    if revoked > 0 {
        held.push_str(&format!(
            " ({} whose certificate was revoked not counted)",
            entries_text(revoked)
        ));
    }
    let mut about = vec![
        Field::short("Name", user.full_name.clone()),
        Field::short(
            "Registration number",
            user.registration_number
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Not given".to_owned()),
        ),
        Field::short("Professional body", body),
    ];
    if !user.job_role.is_empty() {
        about.push(Field::short("Role", user.job_role.clone()));
    }
    about.push(Field::short(
        "Entries shown",
        summary.filters_text.to_owned(),
    ));
    about.push(Field::short("Totals of these entries", held));
    if summary.matching > shown.entries.len() as i64 {
        about.push(Field::short(
            "Not shown",
            format!(
                "{} matched; this record holds the latest {}. Narrow the dates to see the others.",
                summary.matching,
                shown.entries.len()
            ),
        ));
    }
    about.push(Field::short("Made on", london::date(summary.today)));
    let mut sections = vec![progress(user, layout, all, summary.today)];
    sections.extend(layouts::sections(layout, user, shown));
    RecordDocument {
        title: match layout.regulator() {
            Some(regulator) => format!("CPD record for the {}", short_name(regulator)),
            None => "CPD record".to_owned(),
        },
        layout,
        about,
        sections,
    }
}

/// "NMC", "GPhC".
fn short_name(regulator: Regulator) -> &'static str {
    regulator.as_str()
}

/// The filters in words: "All entries", or "Entries ending on or after 1 January 2026,
/// of the type Conference, tagged sepsis".
pub fn describe(filter: &Filter) -> String {
    let mut parts = Vec::new();
    if let Some(from) = filter.from {
        parts.push(format!("ending on or after {}", london::date(from)));
    }
    if let Some(to) = filter.to {
        parts.push(format!("starting on or before {}", london::date(to)));
    }
    if let Some(method) = filter.method {
        parts.push(format!("of the type {}", method.label()));
    }
    match filter.verified {
        Some(true) => parts.push("verified only".to_owned()),
        Some(false) => parts.push("self-declared only".to_owned()),
        None => {}
    }
    if let Some(kind) = filter.kind {
        parts.push(format!("of the kind {}", kind.label()));
    }
    if let Some(tag) = &filter.tag {
        parts.push(format!("tagged {tag}"));
    }
    if let Some(query) = &filter.query {
        parts.push(format!("matching \u{201c}{query}\u{201d}"));
    }
    match parts.is_empty() {
        true => "All entries".to_owned(),
        false => format!("Entries {}", parts.join(", ")),
    }
}

/// "1 entry", "12 entries".
pub fn entries_text(n: usize) -> String {
    match n {
        1 => "1 entry".to_owned(),
        n => format!("{n} entries"),
    }
}

/// The cycle's progress against the layout's regulator (over all the learner's entries,
/// whatever the filters), or totals by calendar year without one.
fn progress(user: &User, layout: RecordLayout, all: &[Counted], today: NaiveDate) -> Section {
    let by_year = |mut section: Section| {
        for year in by_calendar_year(all, today) {
            section.bullets.push(format!(
                "{}{}: {}, {} ({} participatory)",
                year.label,
                if year.so_far { " so far" } else { "" },
                entries_text(year.tally.entries),
                hours_text(year.tally.minutes),
                hours_text(year.tally.participatory_minutes)
            ));
        }
        section
    };
    let Some(regulator) = layout.regulator() else {
        return by_year(Section::new("Totals by year"));
    };
    let Some(date) = user.cpd_renewal_on else {
        return by_year(Section::new("Progress").paragraph(format!(
            "No {} has been added to the account, so progress for the {} cycle cannot be shown. Totals by calendar year:",
            regulator.date_kind(),
            short_name(regulator)
        )));
    };
    let progress = regulator::progress(regulator, date, all, today);
    let mut section = Section::new("Progress in the current cycle").paragraph(format!(
        "{} cycle: {} ({} {}).",
        short_name(regulator),
        progress.cycle.label(),
        regulator.date_kind(),
        london::date(date)
    ));
    for requirement in &progress.requirements {
        section.bullets.push(format!(
            "{}: {}{}",
            requirement.label,
            requirement.progress_text(),
            if requirement.met {
                " (met)"
            } else {
                " (not yet met)"
            }
        ));
    }
    section.paragraphs.extend(progress.notes.iter().cloned());
    section
}
