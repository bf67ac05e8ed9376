//! `/enrolments/{id}/offer`: a waiting-list offer, accepted or declined by POST (mail
//! scanners follow links, so the link only opens this page).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use crate::auth::client::ClientAddress;
use crate::auth::{CurrentUser, Viewer};
use crate::db::courses;
use crate::db::enrolments::EnrolmentView;
use crate::db::users::User;
use crate::domain::eligibility::LearnerType;
use crate::domain::enrolment::Status;
use crate::domain::london;
use crate::enrolment::{Actor, EnrolmentError, learner, money};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

use super::enrol::{EnrolBody, EnrolForm, choice_from};
use super::{after_taking, own_enrolment, to_place};

#[derive(Template)]
#[template(path = "enrolment/offer.html")]
struct OfferPage<'a> {
    layout: Layout,
    view: &'a EnrolmentView,
    offer_until: String,
    free: bool,
    fee: String,
    card_offered: bool,
    form: &'a EnrolForm,
    errors: &'a FormErrors,
}

async fn offer_page<'a>(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    view: &'a EnrolmentView,
    form: &'a EnrolForm,
    errors: &'a FormErrors,
) -> Result<OfferPage<'a>, AppError> {
    let course = courses::find_published_by_slug(&state.db, &view.course_slug).await?;
    let fee_pence = course.map_or(0, |c| c.fee_pence);
    Ok(OfferPage {
        layout: Layout::new(
            "A place is free for you",
            "Accept or decline a place.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        view,
        offer_until: view
            .enrolment
            .offer_expires_at
            .map(london::date_time)
            .unwrap_or_default(),
        free: user.learner_type() == LearnerType::Nhs || fee_pence == 0,
        fee: money(fee_pence),
        card_offered: state.card.is_some(),
        form,
        errors,
    })
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let view = own_enrolment(&state, &user, id).await?;
    if view.enrolment.status() != Status::Offered {
        return Ok(to_place(id));
    }
    let form = EnrolForm {
        billing_email: user.email.clone(),
        organisation: user.organisation.clone(),
        ..EnrolForm::default()
    };
    let no_errors = FormErrors::default();
    let page = offer_page(&state, &viewer, &user, &view, &form, &no_errors).await?;
    Ok(render(&page)?.into_response())
}

pub async fn accept(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(body): Form<EnrolBody>,
) -> Result<Response, AppError> {
    let view = own_enrolment(&state, &user, id).await?;
    let form = body.complete()?;
    let mut errors = FormErrors::default();
    let choice = choice_from(&form, &mut errors).filter(|_| errors.is_empty());
    let Some(choice) = choice else {
        return rejected(&offer_page(&state, &viewer, &user, &view, &form, &errors).await?);
    };
    let address = client.to_string();
    let actor = Actor {
        user_id: Some(user.user_id),
        client: Some(&address),
    };
    match learner::take_offer(state.enrolment(), &user, id, choice, actor).await {
        Ok(next) => Ok(after_taking(next)),
        // Ended or answered already: the enrolment page says where it stands.
        Err(EnrolmentError::OfferEnded | EnrolmentError::Changed(_)) => Ok(to_place(id)),
        Err(problem @ EnrolmentError::FundingNotOffered) => {
            errors.add("funding", problem.to_string());
            rejected(&offer_page(&state, &viewer, &user, &view, &form, &errors).await?)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn decline(
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
    let result = learner::decline_offer(state.enrolment(), &user, id, actor).await;
    super::after_learner_step(id, result, Notice::OfferDeclined)
}
