//! Demo courses and cohorts: the flagship course and a few others, with cohorts past,
//! running, open, coming and cancelled, dated from today so the site always looks current.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

use crate::db::cohorts::{self, CohortFields};
use crate::db::courses::{self, CourseFields};
use crate::domain::catalogue::{CohortStatus, Format, Level};
use crate::domain::learning::CompletionRule;
use crate::domain::london;
use crate::state::AppState;

struct DemoCourse {
    fields: CourseFields<'static>,
    /// (weeks from this Monday to the start, status, enrolment opens weeks from now); each
    /// cohort is named after the month it starts in.
    cohorts: &'static [(i64, CohortStatus, i64)],
    sessions: u32,
}

const FLAGSHIP_DESCRIPTION: &str = "\
Patient safety incidents rarely have a single cause. This course teaches the method our \
investigators use to look past individual actions to the conditions that shaped them: the \
tasks, tools, environment and organisation around the people involved.

## How the course runs

Each week there is a live online session with an investigator, a short piece of reading and \
a practical exercise based on a fictional incident. You will plan an investigation, carry out \
a practice interview, map the contributing factors and write safety recommendations.

## After the course

You will receive a certificate with your CPD hours, which you can add to your revalidation \
portfolio.";

const DEMO_COURSES: [DemoCourse; 4] = [
    DemoCourse {
        fields: CourseFields {
            slug: "a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents",
            title: "A systems approach to investigating and learning from patient safety incidents",
            summary: "Our flagship course: learn to investigate patient safety incidents the way national investigators do, looking at the whole system rather than at who to blame.",
            description: FLAGSHIP_DESCRIPTION,
            who_for: "Staff who lead or take part in patient safety incident investigations, including patient safety specialists, clinical governance teams and clinicians.",
            learning_outcomes: "Explain why a systems approach finds more useful learning than a search for individual error\nPlan a proportionate investigation and involve patients, families and staff\nIdentify contributing factors using a recognised human factors framework\nWrite safety recommendations that are specific, measurable and owned",
            level: Level::Intermediate,
            format: Format::OnlineLive,
            duration: "6 weeks, about 3 hours a week",
            cpd_minutes: 18 * 60,
            accreditation: "CPD accredited (18 hours)",
            accreditation_reference: "DEMO-CPD-018",
            fee_pence: 45_000,
            published: true,
            completion_rule: CompletionRule::Attendance,
            sessions_required: Some(5),
            evaluation_required: false,
        },
        // The finished cohort is closed here and marked completed by the learning seed,
        // after its registers and completions.
        cohorts: &[
            (-20, CohortStatus::Closed, -26),
            (-2, CohortStatus::Closed, -8),
            (5, CohortStatus::Open, -3),
            (9, CohortStatus::Cancelled, -1),
            (16, CohortStatus::Open, 6),
        ],
        sessions: 6,
    },
    DemoCourse {
        fields: CourseFields {
            slug: "human-factors-in-healthcare-an-introduction",
            title: "Human factors in healthcare: an introduction",
            summary: "How people, tasks, equipment and the working environment interact, and why it matters for safe care.",
            description: "A short self-paced introduction to human factors, with examples from real investigations and a live question-and-answer session at the end.",
            who_for: "Anyone working in health or care who wants to understand why good people can be set up to fail.",
            learning_outcomes: "Describe the main ideas of human factors and ergonomics\nRecognise common error traps in clinical work\nSuggest changes to a task or environment that make errors less likely",
            level: Level::Introductory,
            format: Format::OnlineSelfPaced,
            duration: "4 weeks at your own pace",
            cpd_minutes: 6 * 60,
            accreditation: "CPD accredited (6 hours)",
            accreditation_reference: "DEMO-CPD-006",
            fee_pence: 15_000,
            published: true,
            completion_rule: CompletionRule::Attendance,
            sessions_required: None,
            evaluation_required: false,
        },
        cohorts: &[(3, CohortStatus::Open, -4), (14, CohortStatus::Open, 8)],
        sessions: 1,
    },
    DemoCourse {
        fields: CourseFields {
            slug: "involving-patients-and-families-in-safety-investigations",
            title: "Involving patients and families in safety investigations",
            summary: "Practical skills for working openly and compassionately with patients and families from the first contact to sharing the findings.",
            description: "Three live half-day workshops with investigators and family liaison specialists, built around role play and case studies.",
            who_for: "Investigators, family liaison staff and managers who meet people affected by patient safety incidents.",
            learning_outcomes: "Prepare for and hold a first conversation with a family\nInvolve patients and families in shaping an investigation\nShare findings in a way people can understand and question",
            level: Level::Intermediate,
            format: Format::OnlineLive,
            duration: "3 half-day workshops",
            cpd_minutes: 9 * 60 + 30,
            accreditation: "CPD accredited (9.5 hours)",
            accreditation_reference: "DEMO-CPD-095",
            fee_pence: 29_500,
            published: true,
            completion_rule: CompletionRule::Attendance,
            sessions_required: None,
            evaluation_required: false,
        },
        cohorts: &[(6, CohortStatus::Open, -2)],
        sessions: 3,
    },
    DemoCourse {
        fields: CourseFields {
            slug: "writing-safety-recommendations-that-lead-to-change",
            title: "Writing safety recommendations that lead to change",
            summary: "Turn investigation findings into recommendations that the right organisations can act on and measure.",
            description: "An advanced two-day course combining online preparation with a day in person. New dates will be announced soon.",
            who_for: "Experienced investigators and those who review or respond to safety recommendations.",
            learning_outcomes: "Direct a recommendation to the organisation able to act on it\nWrite recommendations that can be measured\nRespond to recommendations addressed to your organisation",
            level: Level::Advanced,
            format: Format::Blended,
            duration: "2 days",
            cpd_minutes: 12 * 60,
            accreditation: "CPD accredited (12 hours)",
            accreditation_reference: "DEMO-CPD-012",
            fee_pence: 39_500,
            published: true,
            completion_rule: CompletionRule::Attendance,
            sessions_required: None,
            evaluation_required: false,
        },
        cohorts: &[(-10, CohortStatus::Completed, -16)],
        sessions: 2,
    },
];

/// Adds each demo course that is missing (by slug), with its cohorts and sessions.
pub async fn seed(state: &AppState) -> anyhow::Result<Vec<String>> {
    let mut added = Vec::new();
    let now = state.clock.now();
    for demo in &DEMO_COURSES {
        let mut tx = state.db.begin().await?;
        if courses::find_by_slug_in(&mut tx, demo.fields.slug)
            .await?
            .is_some()
        {
            continue;
        }
        let course_id = courses::insert(&mut tx, &demo.fields, now).await?;
        for &(start_weeks, status, opens_weeks) in demo.cohorts {
            let starts_on = monday_in_weeks(now, start_weeks);
            let name = format!("{} cohort", starts_on.format("%B %Y"));
            let ends_on =
                starts_on + Duration::weeks(i64::from(demo.sessions.max(1))) - Duration::days(3);
            let opens = now + Duration::weeks(opens_weeks);
            let closes = london::to_utc(
                starts_on - Duration::days(2),
                NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default(),
            )
            .unwrap_or(opens + Duration::weeks(2));
            let cohort = CohortFields {
                course_id,
                name: &name,
                starts_on,
                ends_on,
                enrol_opens_at: opens,
                enrol_closes_at: closes.max(opens + Duration::days(1)),
                capacity: 24,
                status,
                delivery_notes: "Sessions run on Microsoft Teams. Joining details are emailed to learners with a place.",
            };
            let cohort_id = cohorts::insert(&mut tx, &cohort, now).await?;
            for week in 0..demo.sessions {
                let day = starts_on + Duration::weeks(i64::from(week)) + Duration::days(1);
                let (start, end) = (session_time(day, 9, 30), session_time(day, 12, 30));
                let title = format!("Session {}", week + 1);
                cohorts::insert_session(&mut tx, cohort_id, &title, start, end, "").await?;
            }
        }
        tx.commit().await?;
        added.push(demo.fields.title.to_owned());
    }
    Ok(added)
}

fn monday_in_weeks(now: DateTime<Utc>, weeks: i64) -> NaiveDate {
    let today = london::day_of(now);
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    monday + Duration::weeks(weeks)
}

/// A London wall-clock time; these morning times never fall in a clock change.
fn session_time(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let at = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    london::to_utc(day, at).unwrap_or_else(|_| day.and_time(at).and_utc())
}
