//! The scale reports (with their findings and the courses that teach from them) and posts
//! (news, blogs, events): two in five items are reports; most are published over the last
//! ten years, a few are drafts or scheduled. Slugs are made from titles as the admin pages
//! make them, kept unique beside the ones already in the database.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::plan::at;
use super::words::{
    ADDRESSEES, ASPECTS, AUTHORS, BLOGS, EVENTS, LOCATIONS, NEWS, RESPONSES, SETTINGS, SUBJECTS,
    lower_first, post_body, report_body,
};
use crate::db::binds::Value;
use crate::domain::content::{FindingKind, PostKind};
use crate::domain::london;
use crate::domain::search;
use crate::domain::slug::{MAX_LEN, slugify};

/// (reports, posts) of `content` items.
pub fn split(content: usize) -> (usize, usize) {
    let reports = content * 2 / 5;
    (reports, content - reports)
}

/// The slugs taken so far: a repeated title gets "-2", "-3"… as an admin would add.
pub struct Slugs(HashSet<String>);

impl Slugs {
    pub fn new(taken: Vec<String>) -> Slugs {
        Slugs(taken.into_iter().collect())
    }

    fn unique(&mut self, title: &str) -> String {
        let slug = slugify(title);
        let mut candidate = slug.clone();
        let mut n = 2;
        while !self.0.insert(candidate.clone()) {
            let suffix = format!("-{n}");
            let stem: String = slug.chars().take(MAX_LEN - suffix.len()).collect();
            candidate = format!("{}{suffix}", stem.trim_end_matches('-'));
            n += 1;
        }
        candidate
    }
}

/// Item `n`'s publication: mostly over the last ten years; every 40th a draft, and another
/// every 40th scheduled within two months.
fn publish_at(n: usize, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match n % 40 {
        17 => None,
        23 => Some(now + Duration::days(1 + (n % 60) as i64)),
        _ => Some(now - Duration::minutes(60 + (n * 104_729 % (3_650 * 1_440)) as i64)),
    }
}

fn written(publish_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    publish_at.unwrap_or(now).min(now) - Duration::days(21)
}

pub const REPORT_COLUMNS: [&str; 10] = [
    "report_id",
    "slug",
    "title",
    "summary",
    "body",
    "topic",
    "publish_at",
    "search_text",
    "created_at",
    "updated_at",
];

fn subject_of(n: usize) -> (&'static str, &'static str, &'static str) {
    let (subject, topic) = SUBJECTS[n % SUBJECTS.len()];
    (
        subject,
        SETTINGS[n / SUBJECTS.len() % SETTINGS.len()],
        topic,
    )
}

pub fn report_row(r: usize, report_id: i64, slugs: &mut Slugs, now: DateTime<Utc>) -> [Value; 10] {
    let (subject, setting, topic) = subject_of(r);
    let aspect = ASPECTS[r / (SUBJECTS.len() * SETTINGS.len()) % ASPECTS.len()];
    let title = match aspect {
        "" => format!("{subject} {setting}"),
        aspect => format!("{subject} {setting}: {aspect}"),
    };
    let summary = format!(
        "{subject} {setting} can cause serious harm. We looked at why it keeps happening and \
         make safety recommendations to the national bodies able to act, with learning \
         prompts for every organisation."
    );
    let publish_at = publish_at(r, now);
    let created = written(publish_at, now);
    // As `db::reports` folds them for the public search.
    let search_text = search::fold(&format!("{title} {summary} {topic}"));
    [
        report_id.into(),
        slugs.unique(&title).into(),
        title.into(),
        summary.into(),
        report_body(subject, setting).into(),
        topic.into(),
        publish_at.into(),
        search_text.into(),
        created.into(),
        (created + Duration::days(1)).into(),
    ]
}

pub const FINDING_COLUMNS: [&str; 9] = [
    "report_id",
    "kind",
    "position",
    "reference",
    "text",
    "addressee",
    "response_status",
    "response_due_on",
    "response",
];

/// Report `r`'s findings: one to three recommendations, and for some an observation and a
/// safety action, in the order the report lists them.
pub fn finding_rows(r: usize, report_id: i64, now: DateTime<Utc>) -> Vec<[Value; 9]> {
    let (subject, setting, _) = subject_of(r);
    let subject = lower_first(subject);
    let published = publish_at(r, now).unwrap_or(now);
    let year = london::day_of(published).year();
    let due = london::day_of(published) + Duration::days(180);
    let mut kinds = vec![FindingKind::Recommendation; 1 + r % 3];
    if r % 2 == 0 {
        kinds.push(FindingKind::Observation);
    }
    if r % 3 == 0 {
        kinds.push(FindingKind::Action);
    }
    kinds
        .into_iter()
        .enumerate()
        .map(|(position, kind)| {
            let number = r * 5 + position + 1;
            let (reference, text, addressee, (status, response), due_on) = match kind {
                FindingKind::Recommendation => (
                    format!("R/{year}/{number:04}"),
                    format!("Develop national guidance on preventing {subject} {setting}, with the staff and families it affects."),
                    ADDRESSEES[(r + position) % ADDRESSEES.len()],
                    RESPONSES[(r + position) % RESPONSES.len()],
                    Some(due),
                ),
                FindingKind::Observation => (
                    format!("O/{year}/{number:04}"),
                    format!("Organisations may benefit from reviewing how they learn from {subject} {setting}."),
                    "",
                    ("", ""),
                    None::<NaiveDate>,
                ),
                FindingKind::Action => (
                    format!("A/{year}/{number:04}"),
                    "The organisation involved has added a prompt to its checklist and audits it monthly.".to_owned(),
                    "",
                    ("", ""),
                    None,
                ),
            };
            [
                report_id.into(),
                kind.as_str().into(),
                (position as i64).into(),
                reference.into(),
                text.into(),
                addressee.into(),
                status.into(),
                due_on.into(),
                response.into(),
            ]
        })
        .collect()
}

/// The course (an index into the courses) report `r` is linked to.
pub fn linked_course(r: usize, courses: usize) -> usize {
    (r * 7) % courses.max(1)
}

pub const POST_COLUMNS: [&str; 12] = [
    "kind",
    "slug",
    "title",
    "summary",
    "body",
    "author",
    "event_starts_at",
    "event_ends_at",
    "event_location",
    "publish_at",
    "created_at",
    "updated_at",
];

/// Post `p`: half news, three in ten blogs, two in ten events.
pub fn post_row(p: usize, slugs: &mut Slugs, now: DateTime<Utc>) -> [Value; 12] {
    let (subject, setting, _) = subject_of(p);
    let about = format!("{} {setting}", lower_first(subject));
    let turn = p / (SUBJECTS.len() * SETTINGS.len());
    let (kind, template) = match p % 10 {
        0..=4 => (PostKind::News, NEWS[turn % NEWS.len()]),
        5..=7 => (PostKind::Blog, BLOGS[turn % BLOGS.len()]),
        _ => (PostKind::Event, EVENTS[turn % EVENTS.len()]),
    };
    let title = template.replacen("{}", &about, 1);
    let publish_at = publish_at(p + 7, now);
    let created = written(publish_at, now);
    let (summary, author, event) = match kind {
        PostKind::News => (
            format!("Our latest work on {about}, and what it means for patients and staff."),
            "",
            None,
        ),
        PostKind::Blog => (
            format!("A personal view of {about}, and what helped the teams who changed it."),
            AUTHORS[p % AUTHORS.len()],
            None,
        ),
        PostKind::Event => {
            let day =
                london::day_of(publish_at.unwrap_or(now)) + Duration::days(14 + (p % 40) as i64);
            let starts = at(day, (12, 30));
            let ends = starts + Duration::hours(1 + (p % 2) as i64);
            (
                format!(
                    "A free session with two of our investigators on {about}, with time for questions."
                ),
                "",
                Some((starts, ends, LOCATIONS[p % LOCATIONS.len()])),
            )
        }
    };
    [
        kind.as_str().into(),
        slugs.unique(&title).into(),
        title.into(),
        summary.into(),
        post_body(subject, setting).into(),
        author.into(),
        event.map(|e| e.0).into(),
        event.map(|e| e.1).into(),
        event.map_or("", |e| e.2).into(),
        publish_at.into(),
        created.into(),
        (created + Duration::days(1)).into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn slugs_are_valid_and_unique_across_the_full_set() {
        let now = Utc.with_ymd_and_hms(2026, 3, 4, 10, 0, 0).unwrap();
        let (reports, posts) = split(10_000);
        let mut report_slugs = Slugs::new(vec!["delays-in-recognising-sepsis-at-night".into()]);
        let mut post_slugs = Slugs::new(Vec::new());
        let slug_of = |v: &Value| match v {
            Value::Text(Some(s)) => s.clone(),
            _ => panic!(),
        };
        for r in 0..reports {
            let slug = slug_of(&report_row(r, 1, &mut report_slugs, now)[1]);
            assert_eq!(crate::domain::slug::parse(&slug), Ok(slug.clone()));
        }
        for p in 0..posts {
            let row = post_row(p, &mut post_slugs, now);
            let slug = slug_of(&row[1]);
            assert_eq!(crate::domain::slug::parse(&slug), Ok(slug.clone()));
        }
        assert_eq!(report_slugs.0.len(), reports + 1);
        assert_eq!(post_slugs.0.len(), posts);
    }
}
