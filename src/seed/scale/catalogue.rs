//! The scale catalogue: 200 courses (titles from 20 topics and 10 kinds of course, a few
//! unpublished, completed by an admin's decision), written through `db::courses`, and their
//! cohorts and live sessions as `plan` dates them, written in batches.

use chrono::{DateTime, Duration, Utc};

use super::courses::{course_fee_pence, course_format, course_published};
use super::places::CANCELLATION_MESSAGE;
use super::plan::{CohortPlan, Phase};
use crate::db::Tx;
use crate::db::binds::Value;
use crate::db::courses::{self, CourseFields};
use crate::domain::catalogue::{Format, Level, cpd_hours};
use crate::domain::learning::CompletionRule;
use crate::domain::slug::slugify;

/// (topic in a title, the same as the subject of a sentence).
const TOPICS: [&str; 20] = [
    "medication safety",
    "the deteriorating patient",
    "maternity care",
    "mental health inpatient care",
    "diagnostic error",
    "clinical handover",
    "falls prevention",
    "infection prevention",
    "surgical safety",
    "digital clinical safety",
    "urgent and emergency care",
    "primary care",
    "children's services",
    "end of life care",
    "safety culture",
    "learning from deaths",
    "discharge and transfers of care",
    "care of older people",
    "ambulance services",
    "community nursing",
];

/// (title with `{}` for the topic, level).
const KINDS: [(&str, Level); 10] = [
    ("An introduction to {}", Level::Introductory),
    (
        "Investigating patient safety incidents in {}",
        Level::Intermediate,
    ),
    ("Human factors in {}", Level::Introductory),
    ("Leading safety improvement in {}", Level::Advanced),
    ("Learning from incidents in {}", Level::Intermediate),
    ("Systems thinking for {}", Level::Intermediate),
    ("Writing safety recommendations about {}", Level::Advanced),
    ("Involving patients and families in {}", Level::Intermediate),
    ("Measuring and monitoring safety in {}", Level::Intermediate),
    ("Advanced investigation practice: {}", Level::Advanced),
];

/// What every certificate and verified CPD entry of a course repeats.
#[derive(Clone, Debug)]
pub struct CourseFacts {
    pub course_id: i64,
    pub title: String,
    pub level: Level,
    pub cpd_minutes: i64,
    pub accreditation: String,
    pub accreditation_reference: String,
    pub learning_outcomes: String,
}

fn title(course: usize) -> (String, Level, &'static str) {
    let topic = TOPICS[course % TOPICS.len()];
    let (kind, level) = KINDS[course / TOPICS.len() % KINDS.len()];
    let title = kind.replacen("{}", topic, 1);
    let mut chars = title.chars();
    let title = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    (title, level, topic)
}

fn cpd_minutes(course: usize, format: Format) -> i64 {
    let base = match format {
        Format::OnlineLive => 15 * 60,
        Format::Blended => 12 * 60,
        Format::OnlineSelfPaced => 5 * 60,
    };
    base + 90 * (course as i64 % 3)
}

/// Adds `count` courses through the courses store, dated two years back. Returns their facts.
pub async fn add_courses(
    tx: &mut Tx,
    count: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<CourseFacts>> {
    let written = now - Duration::days(730);
    let mut added = Vec::with_capacity(count);
    for course in 0..count {
        let (title, level, topic) = title(course);
        let format = course_format(course);
        let minutes = cpd_minutes(course, format);
        let hours = cpd_hours(minutes);
        let outcomes = format!(
            "Explain how the conditions of work shape what happens in {topic}\n\
             Use a recognised framework to find the contributing factors of an incident\n\
             Involve patients, families and staff in learning from what happened\n\
             Turn findings into improvements that are owned and measured"
        );
        let facts = CourseFacts {
            course_id: 0,
            title: title.clone(),
            level,
            cpd_minutes: minutes,
            accreditation: format!("CPD accredited ({hours})"),
            accreditation_reference: format!("SCALE-CPD-{:04}", course + 1),
            learning_outcomes: outcomes,
        };
        let slug = slugify(&title);
        let summary = format!(
            "A {} course on {topic} for health and care staff: how our investigators look past \
             individual actions to the system around them, and what you can change on Monday.",
            level.label().to_lowercase()
        );
        let description = description(topic, format);
        let fields = CourseFields {
            slug: &slug,
            title: &title,
            summary: &summary,
            description: &description,
            who_for: "Nurses, midwives, doctors, allied health professionals, managers and \
                      patient safety specialists who take part in or lead learning responses.",
            learning_outcomes: &facts.learning_outcomes,
            level,
            format,
            duration: duration(format),
            cpd_minutes: minutes,
            accreditation: &facts.accreditation,
            accreditation_reference: &facts.accreditation_reference,
            fee_pence: course_fee_pence(course),
            published: course_published(course),
            completion_rule: CompletionRule::AdminDecides,
            sessions_required: None,
            evaluation_required: false,
        };
        let course_id = courses::insert(tx, &fields, written).await?;
        added.push(CourseFacts { course_id, ..facts });
    }
    Ok(added)
}

fn duration(format: Format) -> &'static str {
    match format {
        Format::OnlineLive => "6 weeks, about 3 hours a week",
        Format::Blended => "4 weeks, with two days in person",
        Format::OnlineSelfPaced => "4 weeks at your own pace",
    }
}

fn description(topic: &str, format: Format) -> String {
    let rhythm = match format {
        Format::OnlineLive => {
            "Each week there is a live online session with an investigator, a short piece of \
             reading and a practical exercise based on a fictional incident."
        }
        Format::Blended => {
            "Two days in person, three weeks apart, with online reading and an exercise to do \
             at work in between."
        }
        Format::OnlineSelfPaced => {
            "Work through the online units at your own pace over four weeks, then bring your \
             questions to a live session with an investigator."
        }
    };
    format!(
        "Incidents in {topic} rarely have a single cause. This course teaches the method our \
         investigators use to look past individual actions to the conditions that shaped them: \
         the tasks, tools, environment and organisation around the people involved.\n\n\
         ## How the course runs\n\n{rhythm} You will plan a proportionate investigation, practise \
         an interview, map the contributing factors and write safety recommendations.\n\n\
         ## What you will take away\n\n\
         - a framework for the contributing factors you can use at work\n\
         - questions that open up a conversation with staff and families\n\
         - recommendations that say who acts, what changes and how it is measured\n\n\
         ## After the course\n\nYou will receive a certificate with your CPD hours, which you \
         can add to your revalidation portfolio."
    )
}

pub const COHORT_COLUMNS: [&str; 16] = [
    "cohort_id",
    "course_id",
    "name",
    "starts_on",
    "ends_on",
    "enrol_opens_at",
    "enrol_closes_at",
    "capacity",
    "seats_taken",
    "status",
    "delivery_notes",
    "calendar_sequence",
    "cancellation_message",
    "waitlist_last",
    "created_at",
    "updated_at",
];

pub fn cohort_row(plan: &CohortPlan, cohort_id: i64, course_id: i64) -> [Value; 16] {
    let notes = match course_format(plan.course) {
        Format::OnlineLive | Format::OnlineSelfPaced => {
            "Sessions run on Microsoft Teams. Joining details are emailed to learners with a place."
        }
        Format::Blended => {
            "The in-person days are at our Leeds office, 5 minutes from the station."
        }
    };
    // Opening, closing, completing and cancelling each move the calendar sequence on.
    let sequence = match plan.phase {
        Phase::Completed | Phase::Cancelled | Phase::Closing => 2,
        Phase::Draft => 0,
        _ => 1,
    };
    let message = (plan.phase == Phase::Cancelled).then_some(CANCELLATION_MESSAGE);
    [
        cohort_id.into(),
        course_id.into(),
        plan.name.as_str().into(),
        plan.starts_on.into(),
        plan.ends_on.into(),
        plan.enrol_opens_at.into(),
        plan.enrol_closes_at.into(),
        plan.capacity.into(),
        plan.seats_taken.into(),
        plan.phase.status().as_str().into(),
        notes.into(),
        sequence.into(),
        message.into(),
        plan.waitlist_last.into(),
        plan.created_at.into(),
        plan.updated_at.into(),
    ]
}

pub const SESSION_COLUMNS: [&str; 5] = [
    "cohort_id",
    "title",
    "starts_at",
    "ends_at",
    "joining_details",
];

pub fn session_rows(plan: &CohortPlan, cohort_id: i64) -> impl Iterator<Item = [Value; 5]> + '_ {
    let format = course_format(plan.course);
    plan.sessions
        .iter()
        .enumerate()
        .map(move |(n, (starts_at, ends_at))| {
            let title = match format {
                Format::Blended => format!("Day {} in person", n + 1),
                Format::OnlineSelfPaced => "Live questions and answers".to_owned(),
                Format::OnlineLive => format!("Session {}", n + 1),
            };
            [
                cohort_id.into(),
                title.into(),
                (*starts_at).into(),
                (*ends_at).into(),
                "".into(),
            ]
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_slugs_are_distinct_and_valid() {
        let mut slugs = std::collections::HashSet::new();
        for course in 0..200 {
            let slug = slugify(&title(course).0);
            assert_eq!(
                crate::domain::slug::parse(&slug).as_deref(),
                Ok(slug.as_str())
            );
            assert!(slugs.insert(slug));
        }
    }
}
