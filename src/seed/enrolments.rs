//! Demo enrolments in every state, made through the real enrolment workflows so seats,
//! queues, documents and history add up: a past and a running cohort with confirmed
//! learners (the demo NHS learner among them, so the running cohort's materials show), a
//! nearly full cohort, a full one with a waiting list and an offer, and the demo learners'
//! own places. Background learners cannot sign in (random passwords).

use anyhow::Context;
use chrono::Duration;

use crate::db::enrolments::{self, NewEnrolment};
use crate::db::payments::{self, Billing};
use crate::db::users::{self, LearnerType, NewUser, Role, User};
use crate::db::{cohorts, courses, run};
use crate::domain::email::Email;
use crate::domain::enrolment::{Funding, Status};
use crate::enrolment::learner::{Choice, enrol};
use crate::enrolment::{Actor, admin, jobs, learner};
use crate::state::AppState;

const FIRST_NAMES: [&str; 12] = [
    "Olivia", "Mohammed", "Grace", "Tomasz", "Aisha", "Daniel", "Chloe", "Kwame", "Ella", "Ravi",
    "Niamh", "Joseph",
];
const LAST_NAMES: [&str; 6] = ["Patel", "Williams", "Nowak", "Evans", "Mensah", "Hughes"];
const CROWD: usize = 40;

/// Adds the demo enrolments once (when no enrolment exists yet).
pub async fn seed(state: &AppState) -> anyhow::Result<usize> {
    if count_enrolments(state).await? > 0 {
        return Ok(0);
    }
    let flagship = cohorts_of(
        state,
        "a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents",
    )
    .await?;
    let human_factors = cohorts_of(state, "human-factors-in-healthcare-an-introduction").await?;
    let families = cohorts_of(
        state,
        "involving-patients-and-families-in-safety-investigations",
    )
    .await?;
    let [past, running, open, _cancelled, future] = flagship.as_slice() else {
        anyhow::bail!("the flagship course does not have its five demo cohorts");
    };
    let full = *human_factors.first().context("human factors cohort")?;
    let workshop = *families.first().context("families cohort")?;
    let crowd = crowd(state).await?;
    let amina = demo_user(state, "amina.okafor@example.nhs.uk").await?;
    let sam = demo_user(state, "sam.taylor@example.com").await?;
    let admin_user = demo_user(state, "admin@academy.example").await?;
    let by_admin = Actor {
        user_id: Some(admin_user.user_id),
        client: None,
    };
    let nhs: Vec<&User> = crowd
        .iter()
        .filter(|u| u.learner_type() == LearnerType::Nhs)
        .collect();
    let external: Vec<&User> = crowd
        .iter()
        .filter(|u| u.learner_type() == LearnerType::External)
        .collect();

    // Finished and running cohorts: confirmed places (their enrolment windows have closed).
    for learner in std::iter::once(&amina).chain(nhs.iter().copied()).take(18) {
        place_directly(state, learner, *past).await?;
    }
    for learner in std::iter::once(&amina).chain(nhs.iter().skip(5).take(20).copied()) {
        place_directly(state, learner, *running).await?;
    }

    // The next flagship cohort: nearly full, with a held invoice place and a confirmed one.
    free_place(state, &amina, *open).await?;
    for learner in nhs.iter().take(19) {
        free_place(state, learner, *open).await?;
    }
    enrol(
        state.enrolment(),
        &sam,
        *open,
        Choice::Invoice(billing(&sam)),
        as_learner(&sam),
    )
    .await?;
    let invoiced = enrol(
        state.enrolment(),
        external[0],
        *open,
        Choice::Invoice(billing(external[0])),
        as_learner(external[0]),
    )
    .await?;
    admin::confirm_invoice(state.enrolment(), invoiced.enrolment_id, by_admin).await?;
    let leaving = enrolment_of(state, nhs[3].user_id, *open).await?;
    learner::cancel(state.enrolment(), nhs[3], leaving, as_learner(nhs[3])).await?;
    let moving = enrolment_of(state, nhs[4].user_id, *open).await?;
    admin::move_place(state.enrolment(), moving, *future, by_admin).await?;
    for learner in &nhs[20..23] {
        free_place(state, learner, *open).await?;
    }

    // Human factors: full, with a queue; one offer lapses and passes to Sam.
    for learner in nhs.iter().skip(8).take(24) {
        free_place(state, learner, full).await?;
    }
    for learner in [nhs[0], &sam, &amina, nhs[1], nhs[2]] {
        enrol(
            state.enrolment(),
            learner,
            full,
            Choice::WaitingList,
            as_learner(learner),
        )
        .await?;
    }
    let withdrawing = enrolment_of(state, nhs[2].user_id, full).await?;
    learner::cancel(state.enrolment(), nhs[2], withdrawing, as_learner(nhs[2])).await?;
    let cancelling = enrolment_of(state, nhs[8].user_id, full).await?;
    admin::cancel(
        state.enrolment(),
        cancelling,
        "Moved to a later cohort at the learner's request.",
        by_admin,
    )
    .await?;
    lapse_offer(state, enrolment_of(state, nhs[0].user_id, full).await?).await?;

    // A card hold in progress on the families workshop.
    hold_for_card(state, external[1], workshop).await?;
    count_enrolments(state).await.map(|n| n as usize)
}

fn as_learner(user: &User) -> Actor<'static> {
    Actor {
        user_id: Some(user.user_id),
        client: None,
    }
}

fn billing(user: &User) -> Billing {
    Billing {
        organisation: user.organisation.clone(),
        billing_email: user.email.clone(),
        billing_address: "Finance department\n1 Riverside Way\nLeeds\nLS1 4AB".into(),
        purchase_order: String::new(),
    }
}

async fn free_place(state: &AppState, learner: &User, cohort_id: i64) -> anyhow::Result<()> {
    enrol(
        state.enrolment(),
        learner,
        cohort_id,
        Choice::Free,
        as_learner(learner),
    )
    .await?;
    Ok(())
}

async fn count_enrolments(state: &AppState) -> anyhow::Result<i64> {
    Ok(run!(read & state.db, |c| sqlx::query_scalar(
        "select count(*) from enrolments"
    )
    .fetch_one(c)
    .await)?)
}

/// Visible cohorts of a demo course, soonest first.
pub(super) async fn cohorts_of(state: &AppState, slug: &str) -> anyhow::Result<Vec<i64>> {
    let course = courses::find_published_by_slug(&state.db, slug)
        .await?
        .with_context(|| format!("demo course {slug}"))?;
    let all = cohorts::for_course(&state.db, course.course_id).await?;
    Ok(all.iter().map(|c| c.cohort_id).collect())
}

pub(super) async fn demo_user(state: &AppState, email: &str) -> anyhow::Result<User> {
    users::find_by_email(&state.db, &Email::parse(email)?)
        .await?
        .with_context(|| format!("demo account {email}"))
}

async fn enrolment_of(state: &AppState, user_id: i64, cohort_id: i64) -> anyhow::Result<i64> {
    enrolments::active_for_user(&state.db, user_id)
        .await?
        .into_iter()
        .find(|(cohort, ..)| *cohort == cohort_id)
        .map(|(_, id, _)| id)
        .context("the demo enrolment")
}

/// Background learners: mostly NHS staff, a few from independent providers.
async fn crowd(state: &AppState) -> anyhow::Result<Vec<User>> {
    let unusable = state
        .passwords
        .hash(&uuid::Uuid::new_v4().to_string())
        .await?;
    let now = state.clock.now();
    let mut people = Vec::with_capacity(CROWD);
    for n in 0..CROWD {
        // Each round of first names shifts the surnames by one, so no two share a name.
        let (first, last) = (
            FIRST_NAMES[n % FIRST_NAMES.len()],
            LAST_NAMES[(n + n / FIRST_NAMES.len()) % LAST_NAMES.len()],
        );
        let nhs = n % 8 != 7;
        let domain = if nhs {
            "nhs.net"
        } else {
            "independent-care.example"
        };
        let email = Email::parse(&format!(
            "{}.{}{n}@{domain}",
            first.to_lowercase(),
            last.to_lowercase()
        ))?;
        if let Some(existing) = users::find_by_email(&state.db, &email).await? {
            people.push(existing);
            continue;
        }
        let full_name = format!("{first} {last}");
        let new_user = NewUser {
            email: &email,
            password_hash: &unusable,
            full_name: &full_name,
            role: Role::Learner,
            organisation: if nhs {
                "Example NHS Foundation Trust"
            } else {
                "Independent Care Group"
            },
            job_role: "Registered nurse",
            professional_body: Some("NMC"),
            registration_number: None,
            learner_type: if nhs {
                LearnerType::Nhs
            } else {
                LearnerType::External
            },
            learner_type_reason: "Demo learner",
            email_verified_at: Some(now),
        };
        let mut tx = state.db.begin().await?;
        let id = users::insert(&mut tx, &new_user, now).await?;
        tx.commit().await?;
        people.push(
            users::find(&state.db, id)
                .await?
                .context("the new demo learner")?,
        );
    }
    Ok(people)
}

/// A confirmed place on a cohort whose enrolment has closed, with its seat and history.
async fn place_directly(state: &AppState, learner: &User, cohort_id: i64) -> anyhow::Result<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    cohorts::lock(&mut tx, cohort_id).await?;
    anyhow::ensure!(
        enrolments::take_seat(&mut tx, cohort_id).await?,
        "a seat is free"
    );
    let new = NewEnrolment {
        user_id: learner.user_id,
        cohort_id,
        status: Status::Confirmed,
        funding: Some(Funding::NhsFree),
        fee_pence: 0,
        over_capacity: false,
        waitlist_number: None,
        hold_expires_at: None,
    };
    let id = enrolments::insert(&mut tx, &new, now).await?.enrolment_id;
    enrolments::record_event(&mut tx, id, None, Status::Confirmed, None, "", now).await?;
    tx.commit().await?;
    Ok(())
}

/// A card hold as if the learner had just gone to the checkout (demo sites have no card
/// provider, so it is written directly, with its seat taken).
async fn hold_for_card(state: &AppState, learner: &User, cohort_id: i64) -> anyhow::Result<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    cohorts::lock(&mut tx, cohort_id).await?;
    anyhow::ensure!(
        enrolments::take_seat(&mut tx, cohort_id).await?,
        "the workshop has a seat"
    );
    let new = NewEnrolment {
        user_id: learner.user_id,
        cohort_id,
        status: Status::AwaitingPayment,
        funding: Some(Funding::Card),
        fee_pence: 29_500,
        over_capacity: false,
        waitlist_number: None,
        hold_expires_at: Some(now + state.config.enrolment.card_hold),
    };
    let id = enrolments::insert(&mut tx, &new, now).await?.enrolment_id;
    enrolments::record_event(
        &mut tx,
        id,
        None,
        Status::AwaitingPayment,
        Some(learner.user_id),
        "",
        now,
    )
    .await?;
    payments::insert_card(
        &mut tx,
        id,
        "Involving patients and families in safety investigations",
        29_500,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends an offer as if its time had run out, through the expiry job.
async fn lapse_offer(state: &AppState, enrolment_id: i64) -> anyhow::Result<()> {
    let past = state.clock.now() - Duration::minutes(1);
    run!(write & state.db, |c| sqlx::query(
        "update enrolments set offer_expires_at = $2 where enrolment_id = $1"
    )
    .bind(enrolment_id)
    .bind(past)
    .execute(c)
    .await
    .map(|_| ()))?;
    jobs::expire_lapsed(state.enrolment()).await?;
    Ok(())
}
