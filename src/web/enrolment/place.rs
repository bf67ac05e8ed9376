//! `/enrolments/{id}`: one of the learner's enrolments with its history and what they can
//! do next (pay, answer an offer, cancel).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};

use crate::auth::client::ClientAddress;
use crate::auth::{CurrentUser, Viewer};
use crate::db::certificates::{self, Certificate};
use crate::db::cohorts;
use crate::db::enrolments::{self, EnrolmentView};
use crate::db::payments::{self, Payment};
use crate::domain::enrolment::{self as rules, Status};
use crate::domain::london;
use crate::enrolment::card::start_checkout;
use crate::enrolment::learner::{self, NextStep};
use crate::enrolment::{Actor, date_range, money};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::render;

use super::learning::{EvaluationState, LearningSection, section};
use super::{after_taking, own_enrolment, to_place};

/// A row of the enrolment's history.
pub struct HistoryRow {
    pub when: String,
    pub what: String,
    pub note: String,
}

/// A live session as a learner with a place sees it.
pub struct SessionRow {
    pub title: String,
    pub when: String,
    pub joining_details: String,
    /// It has ended: no joining details are coming.
    pub ended: bool,
}

#[derive(Template)]
#[template(path = "enrolment/show.html")]
struct PlacePage<'a> {
    layout: Layout,
    view: &'a EnrolmentView,
    status: Status,
    reference: String,
    dates: String,
    position: Option<i64>,
    hold_until: String,
    offer_until: String,
    payment: Option<Payment>,
    amount: String,
    can_pay_by_card: bool,
    can_cancel: bool,
    history: Vec<HistoryRow>,
    sessions: Vec<SessionRow>,
    materials: Vec<super::materials::LearnerMaterial>,
    learning: LearningSection,
    /// The enrolment's certificate, once it has one.
    certificate: Option<Certificate>,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let view = own_enrolment(&state, &user, id).await?;
    let status = view.enrolment.status();
    let payment = payments::for_enrolment(&state.db, id).await?;
    let now = state.clock.now();
    let page = PlacePage {
        layout: Layout::new(
            format!("Your enrolment on {}", view.course_title),
            "One of your enrolments.",
            Section::Account,
            &viewer,
        )
        .with_banner(notice.banner()),
        status,
        reference: rules::reference(id),
        dates: date_range(view.starts_on, view.ends_on),
        position: enrolments::waitlist_position(&state.db, &view.enrolment).await?,
        hold_until: view
            .enrolment
            .hold_expires_at
            .map(london::date_time)
            .unwrap_or_default(),
        offer_until: view
            .enrolment
            .offer_expires_at
            .map(london::date_time)
            .unwrap_or_default(),
        amount: payment
            .as_ref()
            .map(|p| money(p.amount_pence))
            .unwrap_or_default(),
        can_pay_by_card: status == Status::AwaitingPayment && state.card.is_some(),
        can_cancel: rules::learner_may_cancel(status, view.starts_on, now),
        history: history(&state, id).await?,
        sessions: sessions(&state, &view).await?,
        materials: super::materials::for_place(&state, &view).await?,
        learning: section(&state, &view).await?,
        certificate: certificates::current_for_enrolment(&state.db, id).await?,
        payment,
        view: &view,
    };
    Ok(render(&page)?.into_response())
}

async fn history(state: &AppState, id: i64) -> Result<Vec<HistoryRow>, AppError> {
    Ok(enrolments::events(&state.db, id)
        .await?
        .into_iter()
        .map(|event| HistoryRow {
            when: london::date_time(event.occurred_at),
            what: event.to_label(),
            note: event.note,
        })
        .collect())
}

/// Joining details are for learners with a confirmed place only.
async fn sessions(state: &AppState, view: &EnrolmentView) -> Result<Vec<SessionRow>, AppError> {
    let confirmed = view.enrolment.status() == Status::Confirmed;
    let now = state.clock.now();
    Ok(
        cohorts::sessions_for(&state.db, &[view.enrolment.cohort_id])
            .await?
            .into_iter()
            .map(|s| SessionRow {
                title: s.title,
                when: format!(
                    "{} to {}",
                    london::date_time(s.starts_at),
                    london::time(s.ends_at)
                ),
                joining_details: if confirmed {
                    s.joining_details
                } else {
                    String::new()
                },
                ended: s.ends_at <= now,
            })
            .collect(),
    )
}

/// "Pay by card": back to the provider's checkout for a held place.
pub async fn pay(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    own_enrolment(&state, &user, id).await?;
    let checkout = start_checkout(state.enrolment(), &user, id).await;
    Ok(after_taking(NextStep::Pay(id, checkout)))
}

#[derive(Template)]
#[template(path = "enrolment/cancel.html")]
struct CancelPage<'a> {
    layout: Layout,
    view: &'a EnrolmentView,
    status: Status,
    paid: bool,
    refund: i64,
    cutoff: String,
    cutoff_days: i64,
}

/// What cancelling means for this place (the refund policy), and the button.
pub async fn confirm_cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let view = own_enrolment(&state, &user, id).await?;
    let status = view.enrolment.status();
    let now = state.clock.now();
    if !rules::learner_may_cancel(status, view.starts_on, now) {
        return Ok(to_place(id));
    }
    let days = state.config.enrolment.refund_cutoff_days;
    let paid = payments::for_enrolment(&state.db, id)
        .await?
        .filter(|p| p.method == "card" && p.status == "paid")
        .map_or(0, |p| p.amount_pence);
    let refund = rules::learner_refund(paid, view.starts_on, days, now);
    let page = CancelPage {
        layout: Layout::new(
            "Cancel your place",
            "Cancel your place.",
            Section::Account,
            &viewer,
        ),
        status,
        paid: paid > 0,
        refund,
        cutoff: london::date_time(rules::refund_cutoff(view.starts_on, days)),
        cutoff_days: days,
        view: &view,
    };
    Ok(render(&page)?.into_response())
}

pub async fn cancel(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let address = client.to_string();
    let actor = Actor {
        user_id: Some(user.user_id),
        client: Some(&address),
    };
    let result = learner::cancel(state.enrolment(), &user, id, actor).await;
    super::after_learner_step(id, result, Notice::PlaceCancelled)
}
