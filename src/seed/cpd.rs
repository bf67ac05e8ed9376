//! The demo NHS learner's CPD record, two years into her NMC cycle: the verified entry of
//! the course she completed here (made when it was completed), activities she logged
//! herself with reflections on the Code's themes, two pieces of feedback, an active share
//! link for her line manager, and her revalidation date a year ahead, so the progress view shows real, partial progress. Added
//! through the CPD services as she would add them.

use chrono::{Datelike, Duration, NaiveDate};

use crate::accounts::cpd_date::{CpdDate, save_cpd_date};
use crate::cpd::Learner;
use crate::cpd::entries::add_activity;
use crate::cpd::records::add_feedback;
use crate::cpd::share::create_link;
use crate::db::cpd::{self as store, Filter};
use crate::domain::cpd::fields::DateParts;
use crate::domain::cpd::nmc_records::FeedbackDraft;
use crate::domain::cpd::share::{ShareDays, ShareScope};
use crate::domain::cpd::validation::{ActivityDraft, ReflectionDraft};
use crate::domain::london;
use crate::state::AppState;

use super::enrolments::demo_user;

const CLIENT: &str = "seed-demo";

/// One demo activity. An empty reflection part leaves it short of a reflective account.
struct DemoActivity {
    title: &'static str,
    provider: &'static str,
    method: &'static str,
    /// Days before today that it ended, and how many days it ran.
    ended_days_ago: i64,
    days: i64,
    hours: &'static str,
    participatory: &'static str,
    planning: &'static str,
    topic: &'static str,
    outcomes: &'static str,
    learned: &'static str,
    practice: &'static str,
    benefit: &'static str,
    code_theme: &'static str,
    tags: &'static str,
}

const ACTIVITIES: [DemoActivity; 5] = [
    DemoActivity {
        title: "Sepsis recognition and escalation study day",
        provider: "Example NHS Foundation Trust education team",
        method: "course",
        ended_days_ago: 660,
        days: 1,
        hours: "7.5",
        participatory: "6",
        planning: "planned",
        topic: "Recognising deterioration on a surgical ward and escalating early",
        outcomes: "Use the NEWS2 score and the sepsis screening tool at every observation round",
        learned: "How quickly a patient with a normal temperature can still be septic, and how the screening tool prompts the question.",
        practice: "I now screen every patient with a NEWS2 of 5 or more, and I brief new starters on the tool in their first week.",
        benefit: "Patients on the ward are escalated sooner, and two were started on antibiotics within the hour last month.",
        code_theme: "preserve_safety",
        tags: "sepsis, deterioration",
    },
    DemoActivity {
        title: "Reading: learning from patient safety events",
        provider: "Health Services Safety Investigations Body",
        method: "reading",
        ended_days_ago: 480,
        days: 1,
        hours: "2",
        participatory: "0",
        planning: "unplanned",
        topic: "National investigation reports on missed observations",
        outcomes: "",
        learned: "How conditions on a ward (staffing, equipment, handover) make a missed observation likely.",
        practice: "",
        benefit: "",
        code_theme: "",
        tags: "reading, human factors",
    },
    DemoActivity {
        title: "Ward handover quality improvement project",
        provider: "Example NHS Foundation Trust",
        method: "audit_or_qi",
        ended_days_ago: 300,
        days: 90,
        hours: "12",
        participatory: "8",
        planning: "planned",
        topic: "Making the nursing handover safer with a structured sheet",
        outcomes: "Plan, run and measure a small test of change",
        learned: "That a structured sheet only helps if the team designs it together.",
        practice: "Our handover now follows the SBAR sheet we wrote as a team, and I audit it monthly.",
        benefit: "Fewer jobs are missed between shifts; patients are asked fewer repeated questions.",
        code_theme: "practise_effectively",
        tags: "handover, quality improvement",
    },
    DemoActivity {
        title: "Regional patient safety conference",
        provider: "NHS England (North East and Yorkshire)",
        method: "conference",
        ended_days_ago: 150,
        days: 1,
        hours: "6",
        participatory: "4",
        planning: "unplanned",
        topic: "Involving patients and families after an incident",
        outcomes: "",
        learned: "What families say they need in the first conversation after something goes wrong.",
        practice: "I join the duty of candour conversations on my ward rather than leaving them to the matron.",
        benefit: "Families hear from someone who cared for their relative, early and honestly.",
        code_theme: "prioritise_people",
        tags: "candour, families",
    },
    DemoActivity {
        title: "Supervision: supporting a newly qualified nurse",
        provider: "Example NHS Foundation Trust",
        method: "supervision",
        ended_days_ago: 40,
        days: 1,
        hours: "1.5",
        participatory: "1.5",
        planning: "planned",
        topic: "Preceptorship of a newly qualified nurse",
        outcomes: "",
        learned: "",
        practice: "",
        benefit: "",
        code_theme: "",
        tags: "preceptorship",
    },
];

/// (days ago, source, what it was about, how it was used).
const FEEDBACK: [(i64, &str, &str, &str); 2] = [
    (
        400,
        "patient_or_service_user",
        "A thank-you card from a patient's daughter about how we explained her mother's discharge plan.",
        "I shared it with the team and we now give every family the same written discharge summary.",
    ),
    (
        90,
        "colleague",
        "A colleague pointed out that my handovers ran long when the ward was busy.",
        "I trimmed my handover to the SBAR sheet and asked her to tell me if it slipped again.",
    ),
];

/// Adds the record once (when the demo NHS learner has no self-declared entry yet).
/// Returns how many entries it added.
pub async fn seed(state: &AppState) -> anyhow::Result<usize> {
    let amina = demo_user(state, "amina.okafor@example.nhs.uk").await?;
    let own = Filter {
        verified: Some(false),
        ..Filter::default()
    };
    if store::count(&state.db, amina.user_id, &own).await? > 0 {
        return Ok(0);
    }
    let today = london::day_of(state.clock.now());
    let date = CpdDate {
        renewal_on: Some(a_year_after(today)),
        reminders: true,
    };
    save_cpd_date(state.ctx(), &amina, date).await?;
    let by = Learner {
        user_id: amina.user_id,
        client: CLIENT,
    };
    for activity in &ACTIVITIES {
        add(state, by, today, activity).await?;
    }
    for (ago, source, about, how_used) in FEEDBACK {
        let (day, month, year) = parts(today - Duration::days(ago));
        let draft = FeedbackDraft {
            received_on: DateParts::new(&day, &month, &year),
            source,
            source_other: "",
            about,
            how_used,
        };
        add_feedback(state.ctx(), by, &draft, "feedback")
            .await
            .map_err(|e| anyhow::anyhow!("the demo feedback: {e:?}"))?;
    }
    // A link her line manager is using to check the record before her confirmation.
    let scope = ShareScope {
        from_on: None,
        to_on: None,
        include_evidence: false,
    };
    create_link(state.ctx(), by, scope, ShareDays::Month)
        .await
        .map_err(|e| anyhow::anyhow!("the demo share link: {e:?}"))?;
    Ok(ACTIVITIES.len() + FEEDBACK.len())
}

async fn add(
    state: &AppState,
    by: Learner<'_>,
    today: NaiveDate,
    activity: &DemoActivity,
) -> anyhow::Result<()> {
    let ended = today - Duration::days(activity.ended_days_ago);
    let started = ended - Duration::days(activity.days - 1);
    let (end_day, end_month, end_year) = parts(ended);
    let (start_day, start_month, start_year) = parts(started);
    let draft = ActivityDraft {
        title: activity.title,
        provider: activity.provider,
        method: activity.method,
        started_on: DateParts::new(&start_day, &start_month, &start_year),
        ended_on: DateParts::new(&end_day, &end_month, &end_year),
        hours: activity.hours,
        participatory_hours: activity.participatory,
        planning: activity.planning,
        topic: activity.topic,
        learning_outcomes: activity.outcomes,
        reflection: ReflectionDraft {
            learned: activity.learned,
            practice: activity.practice,
            benefit: activity.benefit,
            code_theme: activity.code_theme,
            hcpc_standards: &[],
            gmp_domains: &[],
        },
    };
    add_activity(state.ctx(), by, &draft, activity.tags)
        .await
        .map_err(|e| anyhow::anyhow!("the demo activity {:?}: {e:?}", activity.title))?;
    Ok(())
}

fn parts(day: NaiveDate) -> (String, String, String) {
    (
        day.day().to_string(),
        day.month().to_string(),
        day.year().to_string(),
    )
}

/// The same day next year (28 February for a 29th).
fn a_year_after(today: NaiveDate) -> NaiveDate {
    let next = today.year() + 1;
    today
        .with_year(next)
        .or_else(|| today.pred_opt()?.with_year(next))
        .unwrap_or(today + Duration::days(365))
}
