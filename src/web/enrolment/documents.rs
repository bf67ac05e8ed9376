//! Printable pro-forma invoices, invoices and receipts, for the learner and for admins.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::auth::{CurrentUser, Viewer};
use crate::config::Supplier;
use crate::db::enrolments::EnrolmentView;
use crate::db::payments::{self, Payment};
use crate::db::users::{self, User};
use crate::domain::enrolment::reference;
use crate::domain::london;
use crate::enrolment::{date_range, money};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::render;

use super::own_enrolment;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    ProForma,
    Invoice,
    Receipt,
}

impl Kind {
    fn parse(raw: &str) -> Option<Kind> {
        match raw {
            "proforma" => Some(Kind::ProForma),
            "invoice" => Some(Kind::Invoice),
            "receipt" => Some(Kind::Receipt),
            _ => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::ProForma => "Pro-forma invoice",
            Kind::Invoice => "Invoice",
            Kind::Receipt => "Receipt",
        }
    }
}

/// The amounts on a document: the fee includes VAT at the configured rate.
pub struct Amounts {
    pub net: String,
    pub vat: String,
    pub gross: String,
    /// "20%", or empty when VAT does not apply.
    pub rate: String,
}

pub fn amounts(gross_pence: i64, vat_basis_points: i64) -> Amounts {
    let vat = (gross_pence * vat_basis_points + (10_000 + vat_basis_points) / 2)
        / (10_000 + vat_basis_points);
    let rate = match vat_basis_points {
        0 => String::new(),
        bp if bp % 100 == 0 => format!("{}%", bp / 100),
        bp => format!("{}.{:02}%", bp / 100, bp % 100).replace("0%", "%"),
    };
    Amounts {
        net: money(gross_pence - vat),
        vat: money(vat),
        gross: money(gross_pence),
        rate,
    }
}

#[derive(Template)]
#[template(path = "enrolment/document.html")]
struct DocumentPage<'a> {
    layout: Layout,
    kind: Kind,
    number: &'a str,
    date: String,
    supplier: &'a Supplier,
    payment: &'a Payment,
    learner: &'a User,
    view: &'a EnrolmentView,
    reference: String,
    dates: String,
    amounts: Amounts,
    due: String,
}

pub async fn learner_document(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Path((id, kind)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let view = own_enrolment(&state, &user, id).await?;
    document_response(&state, &viewer, &view, &kind).await
}

/// The document of `kind` for an enrolment, if it has been issued; otherwise 404.
pub async fn document_response(
    state: &AppState,
    viewer: &Viewer,
    view: &EnrolmentView,
    kind: &str,
) -> Result<Response, AppError> {
    let kind = Kind::parse(kind).ok_or(AppError::NotFound)?;
    let id = view.enrolment.enrolment_id;
    let payment = payments::for_enrolment(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (number, date) = match kind {
        Kind::ProForma => (payment.proforma_number.as_deref(), Some(payment.created_at)),
        Kind::Invoice => (payment.invoice_number.as_deref(), payment.invoiced_at),
        Kind::Receipt => (payment.receipt_number.as_deref(), payment.paid_at),
    };
    let number = number.ok_or(AppError::NotFound)?;
    let learner = users::find(&state.db, view.enrolment.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = DocumentPage {
        layout: Layout::new(
            format!("{} {number}", kind.title()),
            kind.title(),
            Section::Account,
            viewer,
        ),
        kind,
        number,
        date: date
            .map(|d| london::date(london::day_of(d)))
            .unwrap_or_default(),
        supplier: &state.config.supplier,
        payment: &payment,
        learner: &learner,
        view,
        reference: reference(id),
        dates: date_range(view.starts_on, view.ends_on),
        amounts: amounts(
            payment.amount_pence,
            state.config.enrolment.vat_basis_points,
        ),
        due: view
            .enrolment
            .hold_expires_at
            .map(london::date_time)
            .unwrap_or_default(),
    };
    // Documents hold personal and financial details: never cached by shared caches.
    Ok((
        [(header::CACHE_CONTROL, "private, no-store")],
        render(&page)?,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::amounts;

    #[test]
    fn vat_is_taken_out_of_the_fee() {
        let none = amounts(25_000, 0);
        assert_eq!(
            (none.net.as_str(), none.vat.as_str(), none.rate.as_str()),
            ("£250", "£0", "")
        );
        let standard = amounts(30_000, 2000);
        assert_eq!(
            (
                standard.net.as_str(),
                standard.vat.as_str(),
                standard.rate.as_str()
            ),
            ("£250", "£50", "20%")
        );
        let odd = amounts(10_001, 1750);
        assert_eq!(odd.gross, "£100.01");
        assert_eq!(odd.vat, "£14.90");
        assert_eq!(odd.rate, "17.5%");
    }
}
