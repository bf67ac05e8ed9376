//! The finished flagship cohort as its education team left it: every session's register
//! taken, evaluations sent, everyone who met the course's rule completed (one learner not,
//! with the reason), the cohort marked completed, and certificates issued: one revoked, one
//! reissued after a name change, and the demo NHS learner's valid. All of it through the
//! learning, catalogue, account and certificate services, as the demo admin and learners,
//! each step dated when it would have happened (a register at its session's end, the
//! evaluations the days after the last session, completion a week after it), on a clock of
//! the seed's own that stops at today.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};

use crate::accounts::profile::{ProfileDetails, save_profile};
use crate::catalogue::{Admin, lifecycle};
use crate::certificates::{self, Reissue, Revocation};
use crate::clock::Clock;
use crate::db::attendance::{self, OnRegister};
use crate::db::{certificates as stored, cohorts, users};
use crate::domain::learning::Mark;
use crate::learning::Actor;
use crate::learning::attendance::{MarkInput, record};
use crate::learning::completion::{complete_everyone_who_meets_the_rule, not_complete};
use crate::learning::evaluation::{EvaluationInput, submit};
use crate::state::AppState;

use super::enrolments::{cohorts_of, demo_user};

const CLIENT: &str = "seed-demo";

/// The learners other than the demo NHS learner (who attends everything), by their place
/// in the register without her, whose marks are not all "present": (who, session number
/// from 1, mark, note).
const ABSENCES: [(usize, usize, Mark, &str); 6] = [
    (3, 4, Mark::Excused, "On shift: the ward was short-staffed"),
    (6, 2, Mark::Absent, ""),
    (LEFT_EARLY, 3, Mark::Absent, ""),
    (LEFT_EARLY, 4, Mark::Absent, ""),
    (LEFT_EARLY, 5, Mark::Absent, ""),
    (LEFT_EARLY, 6, Mark::Excused, "Long-term sickness absence"),
];
/// The learner who attended two of the six sessions and did not complete.
const LEFT_EARLY: usize = 9;
const NOT_COMPLETED: &str = "Attended 2 of the 6 live sessions (the course asks for 5). You are \
     welcome to join a later cohort free of charge.";

const PRACTICE: [&str; 4] = [
    "I will use the contributing factors framework in our next patient safety review.",
    "Our team will change how we interview staff after an incident: less about who, more about why.",
    "I am rewriting our recommendations template so each one has an owner and a measure.",
    "I will involve families earlier, and tell them what the investigation can and cannot do.",
];
const COMMENTS: [&str; 4] = [
    "The practice interview was the most useful part of the course.",
    "More time on writing recommendations would help; the sessions felt rushed at the end.",
    "",
    "Excellent facilitators, and the fictional incidents felt real.",
];

/// Seeds the finished cohort once (when it has no certificates yet). Returns how many
/// certificates it issued.
pub async fn seed(state: &AppState) -> anyhow::Result<usize> {
    let flagship = cohorts_of(
        state,
        "a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents",
    )
    .await?;
    let past = *flagship.first().context("the finished flagship cohort")?;
    if !stored::for_cohort(&state.db, past).await?.is_empty() {
        return Ok(0);
    }
    let admin = demo_user(state, "admin@academy.example").await?;
    let by_admin = Actor {
        user_id: Some(admin.user_id),
        client: Some(CLIENT),
    };
    let amina = demo_user(state, "amina.okafor@example.nhs.uk").await?;
    let register = attendance::register(&state.db, past).await?;
    let (demo_learner, others): (Vec<OnRegister>, Vec<OnRegister>) = register
        .into_iter()
        .partition(|learner| learner.user_id == amina.user_id);
    anyhow::ensure!(
        demo_learner.len() == 1 && others.len() > LEFT_EARLY,
        "the finished cohort has the demo NHS learner and others"
    );
    let sessions = cohorts::sessions_for(&state.db, &[past]).await?;
    let last = sessions
        .last()
        .context("the finished cohort's sessions")?
        .ends_at;
    let today = state.clock.now();
    // The seed's own clock: each step below happens at a time in the cohort's past.
    let then = state.with(|h| h.clock = Clock::manual(sessions[0].ends_at));
    let at = |when: DateTime<Utc>| {
        let now = then.clock.now();
        then.clock
            .advance((when.min(today) - now).max(Duration::zero()));
    };

    for (n, session) in sessions.iter().enumerate() {
        at(session.ends_at + Duration::minutes(20));
        let marks = marks_for(n, &demo_learner, &others);
        record(then.ctx(), by_admin, session.cohort_session_id, &marks).await?;
    }
    let evaluating = demo_learner.iter().chain(others.iter().step_by(2));
    for (n, learner) in evaluating.enumerate() {
        at(last + Duration::hours(6 + 7 * i64::try_from(n).unwrap_or(0)));
        send_evaluation(&then, n, learner).await?;
    }
    at(last + Duration::days(7));
    let left_early = others[LEFT_EARLY].enrolment_id;
    not_complete(then.enrolment(), by_admin, left_early, NOT_COMPLETED).await?;
    complete_everyone_who_meets_the_rule(then.enrolment(), by_admin, past).await?;
    lifecycle::complete(then.ctx(), Admin::new(admin.user_id, CLIENT), past).await?;
    at(last + Duration::days(30));
    correct_a_name_and_reissue(&then, admin.user_id, &others[0]).await?;
    at(last + Duration::days(45));
    revoke_one(&then, admin.user_id, &others[1]).await?;
    if let Some(&running) = flagship.get(1) {
        registers_so_far(state, by_admin, running).await?;
    }
    Ok(stored::for_cohort(&state.db, past).await?.len())
}

/// Session `n`'s register: present, apart from [`ABSENCES`].
fn marks_for(n: usize, demo_learner: &[OnRegister], others: &[OnRegister]) -> Vec<MarkInput> {
    let present = demo_learner.iter().map(|learner| MarkInput {
        enrolment_id: learner.enrolment_id,
        mark: Some(Mark::Present),
        note: String::new(),
    });
    let marked = others.iter().enumerate().map(|(who, learner)| {
        let absence = ABSENCES.iter().find(|a| a.0 == who && a.1 == n + 1);
        MarkInput {
            enrolment_id: learner.enrolment_id,
            mark: Some(absence.map_or(Mark::Present, |a| a.2)),
            note: absence.map_or("", |a| a.3).to_owned(),
        }
    });
    present.chain(marked).collect()
}

/// The running cohort's registers for the sessions that have ended, each taken as its
/// session ended: everyone present but one learner a week.
async fn registers_so_far(state: &AppState, by: Actor<'_>, cohort_id: i64) -> anyhow::Result<()> {
    let today = state.clock.now();
    let register = attendance::register(&state.db, cohort_id).await?;
    let sessions = cohorts::sessions_for(&state.db, &[cohort_id]).await?;
    for (n, session) in sessions.iter().enumerate() {
        if session.ends_at >= today || register.is_empty() {
            break;
        }
        let then = state.with(|h| h.clock = Clock::manual(session.ends_at + Duration::minutes(20)));
        let away = register.len() - 1 - n % register.len();
        let marks: Vec<MarkInput> = register
            .iter()
            .enumerate()
            .map(|(who, learner)| MarkInput {
                enrolment_id: learner.enrolment_id,
                mark: Some(if who == away {
                    Mark::Absent
                } else {
                    Mark::Present
                }),
                note: String::new(),
            })
            .collect();
        record(then.ctx(), by, session.cohort_session_id, &marks).await?;
    }
    Ok(())
}

/// One learner's evaluation (the `n`th sent), as they send the form.
async fn send_evaluation(state: &AppState, n: usize, learner: &OnRegister) -> anyhow::Result<()> {
    let rating = |offset: usize| i64::try_from(3 + (n + offset) % 3).unwrap_or(4);
    let input = EvaluationInput {
        overall: rating(1),
        outcomes: (0..4).map(rating).collect(),
        practice: PRACTICE[n % PRACTICE.len()].to_owned(),
        comments: COMMENTS[n % COMMENTS.len()].to_owned(),
    };
    let by = Actor {
        user_id: Some(learner.user_id),
        client: Some(CLIENT),
    };
    submit(
        state.ctx(),
        learner.user_id,
        learner.enrolment_id,
        &input,
        by,
    )
    .await?;
    Ok(())
}

/// A learner changes their name on their profile, and an admin reissues their certificate
/// with it: the old code then shows "replaced" and links the new one.
async fn correct_a_name_and_reissue(
    state: &AppState,
    admin_id: i64,
    learner: &OnRegister,
) -> anyhow::Result<()> {
    let user = users::find(&state.db, learner.user_id)
        .await?
        .context("the learner")?;
    let details = ProfileDetails {
        full_name: format!("{}-Clarke", user.full_name),
        organisation: user.organisation.clone(),
        job_role: user.job_role.clone(),
        professional_body: Some("NMC"),
        registration_number: user.registration_number.clone(),
    };
    save_profile(state.ctx(), &user, &details).await?;
    let certificate = stored::current_for_enrolment(&state.db, learner.enrolment_id)
        .await?
        .context("the learner's certificate")?;
    let reason = Reissue {
        reason: "Name changed after marriage, at the learner's request.".to_owned(),
    };
    let by = certificates::Admin {
        user_id: admin_id,
        client: CLIENT,
    };
    certificates::reissue(state.ctx(), by, certificate.certificate_id, &reason).await?;
    Ok(())
}

/// An admin revokes a certificate while a concern is looked into, with a public reason.
async fn revoke_one(state: &AppState, admin_id: i64, learner: &OnRegister) -> anyhow::Result<()> {
    let certificate = stored::current_for_enrolment(&state.db, learner.enrolment_id)
        .await?
        .context("the learner's certificate")?;
    let revocation = Revocation {
        reason: "A concern was raised about the attendance recorded for session 4; revoked \
                 while the register is checked with the facilitator."
            .to_owned(),
        public_reason: Some("Under review by the provider.".to_owned()),
    };
    let by = certificates::Admin {
        user_id: admin_id,
        client: CLIENT,
    };
    certificates::revoke(state.ctx(), by, certificate.certificate_id, &revocation).await?;
    Ok(())
}
