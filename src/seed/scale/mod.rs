//! `seed-scale`: the data set of the performance goals (100,000 learners; 200 courses with
//! 2,000 cohorts and their sessions; 1,000,000 places with their history, card payments and
//! certificates; 10,000 reports and posts; 1,000,000 audit events; 1,000,000 CPD entries),
//! or a fraction of it. It is added in one transaction of batched inserts beside what the
//! database holds (nothing, or the demo content), and refused where it was added before.

mod audit;
mod catalogue;
mod certificates;
mod content;
mod courses;
mod cpd;
mod enrolments;
mod ids;
mod people;
mod places;
mod plan;
mod progress;
mod words;
mod write;

use chrono::{DateTime, NaiveDate, Utc};

pub use audit::SEEDED_ACTION;
pub use people::ADMIN_EMAIL;
pub use plan::Size;
pub use progress::Progress;
pub use write::{Added, describe};

use crate::auth::password::HashError;
use crate::db::{DbError, Tx, run};
use crate::state::AppState;
use catalogue::CourseFacts;
use people::People;
use places::{Crowd, Place};
use plan::CohortPlan;

/// Why nothing was added.
#[derive(Debug, thiserror::Error)]
pub enum ScaleError {
    /// A run added the data before (its admin account or its audit event is there).
    #[error(
        "this database already has the scale data (the account {ADMIN_EMAIL} or the \
         `{SEEDED_ACTION}` audit event is there); nothing was changed. Run it on an empty \
         database or one with only the demo content (seed-demo)."
    )]
    AlreadyThere,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot hash the scale learners' password: {0}")]
    Hash(#[from] HashError),
    /// A configuration the data cannot fit (NHS domains that leave out its addresses).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Everything the passes over the tables share: the plan, and where the ids start.
pub(super) struct World {
    now: DateTime<Utc>,
    today: NaiveDate,
    cohorts: Vec<CohortPlan>,
    courses: Vec<CourseFacts>,
    people: People,
    crowd: Crowd,
    first_cohort_id: i64,
    first_enrolment_id: i64,
    refund_cutoff_days: i64,
    provider: String,
}

impl World {
    fn cohort_id(&self, cohort: &CohortPlan) -> i64 {
        self.first_cohort_id + cohort.index as i64
    }

    fn enrolment_id(&self, place: &Place) -> i64 {
        self.first_enrolment_id + place.number as i64
    }

    /// Every place of every cohort, in the same order on every pass.
    fn places(&self) -> impl Iterator<Item = (&CohortPlan, Place)> + '_ {
        let crowd = self.crowd;
        self.cohorts
            .iter()
            .flat_map(move |cohort| places::stories(cohort, crowd).map(move |p| (cohort, p)))
    }
}

/// Adds the scale data of `size`, showing how far it got on `progress`.
pub async fn seed_scale(
    state: &AppState,
    size: Size,
    progress: &mut Progress,
) -> Result<Added, ScaleError> {
    let started = std::time::Instant::now();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if already_there(&mut tx).await? {
        return Err(ScaleError::AlreadyThere);
    }
    // Nobody signs in as a scale learner: one hash of a password nobody knows.
    let password_hash = state
        .passwords
        .hash(&uuid::Uuid::new_v4().to_string())
        .await?;
    write::bigger_cache(&mut tx).await?;
    let first_user_id = ids::first_free(&mut tx, "users", "user_id").await?;
    let first_cohort_id = ids::first_free(&mut tx, "cohorts", "cohort_id").await?;
    let first_enrolment_id = ids::first_free(&mut tx, "enrolments", "enrolment_id").await?;
    progress.note("courses");
    let courses = catalogue::add_courses(&mut tx, size.courses, now).await?;
    let world = World {
        now,
        today: crate::domain::london::day_of(now),
        cohorts: plan::cohorts(&size, now),
        courses,
        people: People::new(
            &state.config.nhs_domains,
            first_user_id,
            size.learners,
            password_hash,
        )?,
        crowd: Crowd::new(size.learners),
        first_cohort_id,
        first_enrolment_id,
        refund_cutoff_days: state.config.enrolment.refund_cutoff_days,
        provider: state.site().provider.clone(),
    };
    let added = write::everything(&mut tx, &world, &size, progress).await?;
    progress.note("counting each cohort's waiting and finished places");
    crate::db::enrolments::recount_place_counts(&mut tx).await?;
    progress.note("committing");
    tx.commit().await?;
    progress.note("refreshing the query planner's statistics");
    write::after_commit(&state.db).await?;
    progress.finish();
    Ok(Added {
        seconds: started.elapsed().as_secs_f64(),
        ..added
    })
}

/// Whether an earlier run added the data: its admin account, or the event it recorded.
async fn already_there(tx: &mut Tx) -> Result<bool, DbError> {
    let sql = "select (select count(*) from users where email = $1) \
               + (select count(*) from audit_events where action = $2)";
    let found: i64 = run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(ADMIN_EMAIL)
        .bind(SEEDED_ACTION)
        .fetch_one(c)
        .await)?;
    Ok(found > 0)
}
