//! Demo materials on the running flagship cohort, which the demo NHS learner has a
//! confirmed place on: a PDF, a recording's link, a note, and a case study not available
//! until next week. Added through the learning service as the demo admin, without
//! announcements (a demo site must not email its made-up learners).

use anyhow::Context;
use chrono::{Datelike, Duration, NaiveTime};

use crate::catalogue::Admin;
use crate::db::materials;
use crate::domain::london;
use crate::domain::material::parse_link;
use crate::learning::materials::{Content, NewMaterial, add};
use crate::state::AppState;

use super::enrolments::{cohorts_of, demo_user};

const READING: &[u8] = include_bytes!("files/report.pdf");

const BEFORE_SESSION_TWO: &str = "\
## Before session 2

Bring one incident from your own work (anonymised) that you would like to look at again.

- What happened, in two or three sentences
- Who was involved, by role
- What the investigation at the time concluded

We will use them in small groups; nothing leaves the room.";

const CASE_STUDY: &str = "\
## Case study: the missed observation

A fictional case for week 3. Read it before the session and note which conditions, \
rather than which people, made the missed observation likely.";

/// Adds the demo materials once (when the running cohort has none). Returns how many.
pub async fn seed(state: &AppState) -> anyhow::Result<usize> {
    let flagship = cohorts_of(
        state,
        "a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents",
    )
    .await?;
    let running = *flagship.get(1).context("the running flagship cohort")?;
    if !materials::for_cohort(&state.db, running).await?.is_empty() {
        return Ok(0);
    }
    let admin = demo_user(state, "admin@academy.example").await?;
    let by = Admin::new(admin.user_id, "seed-demo");
    let recording = parse_link("https://recordings.example.org/systems-approach/session-1")
        .map_err(|problem| anyhow::anyhow!("the demo link: {problem}"))?;
    let now = state.clock.now();
    let today = london::day_of(now);
    let next_monday = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let next_week = london::to_utc(
        next_monday,
        NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
    )
    .unwrap_or(now + Duration::weeks(1));
    let demo = [
        NewMaterial {
            title: "Week 1 reading: the systems approach",
            available_from: None,
            content: Content::File {
                filename: "week-1-reading.pdf",
                bytes: READING,
            },
            announce: false,
        },
        NewMaterial {
            title: "Recording of session 1",
            available_from: None,
            content: Content::Link(&recording),
            announce: false,
        },
        NewMaterial {
            title: "Preparing for session 2",
            available_from: None,
            content: Content::Note(BEFORE_SESSION_TWO),
            announce: false,
        },
        NewMaterial {
            title: "Week 3 case study",
            available_from: Some(next_week),
            content: Content::Note(CASE_STUDY),
            announce: false,
        },
    ];
    for material in &demo {
        add(state.ctx(), by, running, material).await?;
    }
    Ok(demo.len())
}
