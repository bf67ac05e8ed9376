//! `/admin/enrolments/{id}`: one enrolment as the education team sees it, with its
//! actions: cancel with a reason, move to another cohort, confirm a purchase order,
//! record an invoice paid.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::cohorts::{self, Cohort};
use crate::db::enrolments::{self, EnrolmentView};
use crate::db::payments::{self, Payment};
use crate::db::users::{self, User};
use crate::domain::catalogue::CohortStatus;
use crate::domain::enrolment::{Status, reference};
use crate::domain::london;
use crate::enrolment::{Actor, EnrolmentError, admin, money};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};

/// What the page's action forms show again as typed.
#[derive(Debug, Default)]
pub struct ActionForm {
    reason: String,
    cohort: String,
}

/// The cancel form: its reason is always sent.
#[derive(Debug, Deserialize)]
pub struct CancelForm {
    reason: String,
}

/// The move form: its cohort select is always sent.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    cohort: String,
}

#[derive(Template)]
#[template(path = "admin/enrolment.html")]
struct EnrolmentPage<'a> {
    layout: Layout,
    view: &'a EnrolmentView,
    learner: &'a User,
    status: Status,
    reference: String,
    payment: Option<Payment>,
    amount: String,
    history: Vec<(String, String, String)>,
    targets: Vec<Cohort>,
    form: &'a ActionForm,
    errors: &'a FormErrors,
}

async fn page_for(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    form: &ActionForm,
    errors: &FormErrors,
    banner: Option<String>,
) -> Result<Response, AppError> {
    let view = enrolments::view(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let learner = users::find(&state.db, view.enrolment.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let payment = payments::for_enrolment(&state.db, id).await?;
    let course_id = cohorts::find(&state.db, view.enrolment.cohort_id)
        .await?
        .ok_or(AppError::NotFound)?
        .course_id;
    let targets = cohorts::for_course(&state.db, course_id)
        .await?
        .into_iter()
        .filter(|c| c.cohort_id != view.enrolment.cohort_id)
        .filter(|c| {
            !matches!(
                c.status(),
                CohortStatus::Cancelled | CohortStatus::Completed
            )
        })
        .collect();
    let history = enrolments::events(&state.db, id)
        .await?
        .into_iter()
        .map(|e| (london::date_time(e.occurred_at), e.to_label(), e.note))
        .collect();
    let page = EnrolmentPage {
        layout: Layout::new(
            format!("Enrolment {}", reference(id)),
            "An enrolment.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty())
        .with_banner(banner),
        status: view.enrolment.status(),
        reference: reference(id),
        amount: payment
            .as_ref()
            .map(|p| money(p.amount_pence))
            .unwrap_or_default(),
        payment,
        history,
        targets,
        learner: &learner,
        view: &view,
        form,
        errors,
    };
    page_or_rejected(&page, errors)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    page_for(
        &state,
        &viewer,
        id,
        &ActionForm::default(),
        &FormErrors::default(),
        notice.banner(),
    )
    .await
}

fn done(id: i64) -> Response {
    Redirect::to(&paths::with_notice(
        &paths::admin_enrolment(id),
        Notice::EnrolmentUpdated.name(),
    ))
    .into_response()
}

/// Shows a refused action as a message next to the field it concerns.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    form: &ActionForm,
    field: &'static str,
    error: EnrolmentError,
) -> Result<Response, AppError> {
    let message = match error {
        error if error.is_internal() => return Err(error.into()),
        EnrolmentError::NotFound => return Err(AppError::NotFound),
        EnrolmentError::CohortFull => {
            "That cohort has no free place, or people are waiting for one. Raise its capacity first, or choose another".to_owned()
        }
        EnrolmentError::NotEnrolling => {
            "Choose another cohort of the same course that is not cancelled".to_owned()
        }
        other => format!(
            "{}{}",
            other.to_string()[..1].to_uppercase(),
            &other.to_string()[1..]
        ),
    };
    let mut errors = FormErrors::default();
    errors.add(field, message);
    page_for(state, viewer, id, form, &errors, None).await
}

macro_rules! actor {
    ($admin:expr, $address:expr) => {
        Actor {
            user_id: Some($admin.user_id),
            client: Some(&$address),
        }
    };
}

pub async fn cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin_user): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(CancelForm { reason }): Form<CancelForm>,
) -> Result<Response, AppError> {
    let form = ActionForm {
        reason,
        ..ActionForm::default()
    };
    let mut errors = FormErrors::default();
    let reason = errors.multiline(
        "reason",
        &form.reason,
        Some("Enter the reason, which the learner is sent"),
        1_000,
    );
    if !errors.is_empty() {
        return page_for(&state, &viewer, id, &form, &errors, None).await;
    }
    let address = client.to_string();
    match admin::cancel(state.enrolment(), id, &reason, actor!(admin_user, address)).await {
        Ok(()) => Ok(done(id)),
        Err(error) => refused(&state, &viewer, id, &form, "reason", error).await,
    }
}

pub async fn move_place(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin_user): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(MoveForm { cohort }): Form<MoveForm>,
) -> Result<Response, AppError> {
    let form = ActionForm {
        cohort,
        ..ActionForm::default()
    };
    let Ok(target) = form.cohort.trim().parse::<i64>() else {
        let mut errors = FormErrors::default();
        errors.add("cohort", "Choose the cohort to move the learner to");
        return page_for(&state, &viewer, id, &form, &errors, None).await;
    };
    let address = client.to_string();
    match admin::move_place(state.enrolment(), id, target, actor!(admin_user, address)).await {
        Ok(new_id) => Ok(done(new_id)),
        Err(error) => refused(&state, &viewer, id, &form, "cohort", error).await,
    }
}

pub async fn confirm_invoice(
    state: State<AppState>,
    viewer: Viewer,
    admin_user: AdminUser,
    client: ClientAddress,
    id: Path<i64>,
) -> Result<Response, AppError> {
    invoice_step(
        state,
        viewer,
        admin_user,
        client,
        id,
        InvoiceStep::ConfirmOrder,
    )
    .await
}

pub async fn invoice_paid(
    state: State<AppState>,
    viewer: Viewer,
    admin_user: AdminUser,
    client: ClientAddress,
    id: Path<i64>,
) -> Result<Response, AppError> {
    invoice_step(
        state,
        viewer,
        admin_user,
        client,
        id,
        InvoiceStep::RecordPaid,
    )
    .await
}

enum InvoiceStep {
    ConfirmOrder,
    RecordPaid,
}

async fn invoice_step(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin_user): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    step: InvoiceStep,
) -> Result<Response, AppError> {
    let address = client.to_string();
    let actor = actor!(admin_user, address);
    let result = match step {
        InvoiceStep::ConfirmOrder => admin::confirm_invoice(state.enrolment(), id, actor).await,
        InvoiceStep::RecordPaid => admin::record_invoice_paid(state.enrolment(), id, actor).await,
    };
    match result {
        Ok(()) => Ok(done(id)),
        Err(error) => {
            refused(
                &state,
                &viewer,
                id,
                &ActionForm::default(),
                "invoice",
                error,
            )
            .await
        }
    }
}

pub async fn document(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path((id, kind)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let view = enrolments::view(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::web::enrolment::document_response(&state, &viewer, &view, &kind).await
}
