//! `/cohorts/{id}/enrol`: how the learner takes a place, and the form that asks for it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::client::ClientAddress;
use crate::auth::{CurrentUser, Viewer};
use crate::db::cohorts::{self, Cohort};
use crate::db::courses::{self, Course};
use crate::db::payments::Billing;
use crate::db::users::User;
use crate::domain::catalogue::CohortStatus;
use crate::domain::eligibility::LearnerType;
use crate::domain::email::Email;
use crate::domain::london;
use crate::enrolment::learner::{self, Choice};
use crate::enrolment::{Actor, EnrolmentError, cohort_dates, money};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, Sent, rejected, required};
use crate::web::layout::{Layout, Section};
use crate::web::render;

use super::after_taking;

/// What the learner may do on this cohort right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {
    VerifyFirst,
    NotEnrolling,
    FreePlace,
    PaidPlace,
    WaitingList,
}

/// The enrol (or accept an offer) form as typed, and shown again.
#[derive(Debug, Default)]
pub struct EnrolForm {
    pub funding: String,
    pub organisation: String,
    pub billing_email: String,
    pub billing_address: String,
    pub purchase_order: String,
}

/// The form as sent. A free place and the waiting list send only their hidden `funding`;
/// the fee-paying form sends the invoice boxes always and `funding` when a radio is
/// chosen (none is, at first, when a card is offered: a field error then).
#[derive(Debug, Deserialize)]
pub struct EnrolBody {
    #[serde(default)]
    funding: String,
    #[serde(default)]
    organisation: Sent,
    #[serde(default)]
    billing_email: Sent,
    #[serde(default)]
    billing_address: Sent,
    #[serde(default)]
    purchase_order: Sent,
}

impl EnrolBody {
    /// The form, or the 422 for an invoice box the fee-paying form left out.
    pub fn complete(self) -> Result<EnrolForm, AppError> {
        if matches!(self.funding.as_str(), "free" | "waitlist") {
            return Ok(EnrolForm {
                funding: self.funding,
                ..EnrolForm::default()
            });
        }
        Ok(EnrolForm {
            funding: self.funding,
            organisation: required(self.organisation, "organisation")?,
            billing_email: required(self.billing_email, "billing_email")?,
            billing_address: required(self.billing_address, "billing_address")?,
            purchase_order: required(self.purchase_order, "purchase_order")?,
        })
    }
}

#[derive(Template)]
#[template(path = "enrolment/enrol.html")]
struct EnrolPage<'a> {
    layout: Layout,
    course: &'a Course,
    cohort: &'a Cohort,
    dates: String,
    offer: Offer,
    fee: String,
    card_offered: bool,
    opens: String,
    form: &'a EnrolForm,
    errors: &'a FormErrors,
}

/// A visible cohort of a published course, or the 404 page.
async fn cohort_and_course(state: &AppState, id: i64) -> Result<(Cohort, Course), AppError> {
    let (cohort, _) = cohorts::find_published(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let course = courses::find(&state.db, cohort.course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((cohort, course))
}

fn offer_for(state: &AppState, user: &User, cohort: &Cohort, course: &Course) -> Offer {
    let now = state.clock.now();
    if !user.is_verified() {
        return Offer::VerifyFirst;
    }
    if !cohort.facts().is_enrolling(now) {
        return Offer::NotEnrolling;
    }
    if cohort.facts().seats_left() == 0 {
        return Offer::WaitingList;
    }
    match (user.learner_type(), course.fee_pence) {
        (LearnerType::Nhs, _) | (_, 0) => Offer::FreePlace,
        _ => Offer::PaidPlace,
    }
}

fn enrol_page<'a>(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    (cohort, course): (&'a Cohort, &'a Course),
    form: &'a EnrolForm,
    errors: &'a FormErrors,
) -> EnrolPage<'a> {
    let opens = match cohort.status() {
        CohortStatus::Open if state.clock.now() < cohort.enrol_opens_at => {
            format!(
                "Enrolment opens on {}.",
                london::date_time(cohort.enrol_opens_at)
            )
        }
        _ => "This cohort is not taking enrolments.".into(),
    };
    EnrolPage {
        layout: Layout::new(
            format!("Enrol on {}", course.title),
            format!("Enrol on the {} of {}.", cohort.name, course.title),
            Section::Courses,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        course,
        cohort,
        dates: cohort_dates(cohort),
        offer: offer_for(state, user, cohort, course),
        fee: money(course.fee_pence),
        card_offered: state.card.is_some(),
        opens,
        form,
        errors,
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    if let Some(existing) = active_enrolment(&state, &user, id).await? {
        return Ok(Redirect::to(&paths::enrolment(existing)).into_response());
    }
    let form = EnrolForm {
        billing_email: user.email.clone(),
        organisation: user.organisation.clone(),
        ..EnrolForm::default()
    };
    let no_errors = FormErrors::default();
    let page = enrol_page(
        &state,
        &viewer,
        &user,
        (&cohort, &course),
        &form,
        &no_errors,
    );
    Ok(render(&page)?.into_response())
}

async fn active_enrolment(
    state: &AppState,
    user: &User,
    cohort_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(
        crate::db::enrolments::active_for_user(&state.db, user.user_id)
            .await?
            .into_iter()
            .find(|(cohort, ..)| *cohort == cohort_id)
            .map(|(_, enrolment_id, _)| enrolment_id),
    )
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(body): Form<EnrolBody>,
) -> Result<Response, AppError> {
    let form = body.complete()?;
    let mut errors = FormErrors::default();
    let choice = choice_from(&form, &mut errors);
    // The cohort and course are read only to show the form again: the service reads what
    // it needs, and answers "not found" for a cohort nobody may enrol on.
    let Some(choice) = choice.filter(|_| errors.is_empty()) else {
        let errors = errors.in_field_order(&FIELD_ORDER);
        let (cohort, course) = cohort_and_course(&state, id).await?;
        return rejected(&enrol_page(
            &state,
            &viewer,
            &user,
            (&cohort, &course),
            &form,
            &errors,
        ));
    };
    let address = client.to_string();
    let actor = Actor {
        user_id: Some(user.user_id),
        client: Some(&address),
    };
    match learner::take_place(state.enrolment(), &user, id, choice, actor).await {
        Ok(next) => Ok(after_taking(next)),
        Err(
            problem @ (EnrolmentError::NotEnrolling
            | EnrolmentError::NotVerified
            | EnrolmentError::FundingNotOffered),
        ) => {
            errors.add("funding", problem.to_string());
            let (cohort, course) = cohort_and_course(&state, id).await?;
            rejected(&enrol_page(
                &state,
                &viewer,
                &user,
                (&cohort, &course),
                &form,
                &errors,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

const FIELD_ORDER: [&str; 5] = [
    "funding",
    "organisation",
    "billing_email",
    "billing_address",
    "purchase_order",
];

/// The learner's choice, with the invoice details checked when they chose an invoice.
pub fn choice_from(form: &EnrolForm, errors: &mut FormErrors) -> Option<Choice> {
    match form.funding.as_str() {
        "free" => Some(Choice::Free),
        "card" => Some(Choice::Card),
        "waitlist" => Some(Choice::WaitingList),
        "invoice" => billing_from(form, errors).map(Choice::Invoice),
        _ => {
            errors.add("funding", "Choose how you will pay");
            None
        }
    }
}

fn billing_from(form: &EnrolForm, errors: &mut FormErrors) -> Option<Billing> {
    let organisation = errors.text(
        "organisation",
        &form.organisation,
        Some("Enter the name of the organisation paying"),
        200,
    );
    let billing_email = errors.text(
        "billing_email",
        &form.billing_email,
        Some("Enter the email address we should send the invoice to"),
        254,
    );
    if !billing_email.is_empty() && Email::parse(&billing_email).is_err() {
        errors.add(
            "billing_email",
            "Enter an email address in the correct format, like finance@trust.example",
        );
    }
    let billing_address = errors.multiline(
        "billing_address",
        &form.billing_address,
        Some("Enter the address for the invoice"),
        500,
    );
    let purchase_order = errors.text("purchase_order", &form.purchase_order, None, 60);
    errors.is_empty().then_some(Billing {
        organisation,
        billing_email,
        billing_address,
        purchase_order,
    })
}
