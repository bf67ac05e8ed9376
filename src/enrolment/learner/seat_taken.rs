//! What follows taking a seat: the payment record (a card hold's checkout, an invoice's
//! pro-forma) and the learner's email, in the transaction that took it.

use crate::context::Ctx;
use crate::db::Tx;
use crate::db::payments::{self, Series};
use crate::domain::email::Email;
use crate::domain::enrolment::{self as rules, Status};
use crate::domain::london;
use crate::enrolment::EnrolmentError;
use crate::enrolment::mails::{PaymentNeeded, ProForma};
use crate::enrolment::notify::{facts, money, send, send_confirmation, send_copy};
use crate::enrolment::place::Place;
use crate::paths;

use super::Choice;

/// What follows taking a seat: the payment record and the learner's email.
pub(super) async fn seat_taken(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    place: &Place,
    choice: &Choice,
) -> Result<(), EnrolmentError> {
    let now = ctx.now();
    let enrolment = &place.enrolment;
    let hold_until = enrolment
        .hold_expires_at
        .map(london::date_time)
        .unwrap_or_default();
    let description = format!(
        "{}: {} ({})",
        place.course.title,
        place.cohort.name,
        rules::reference(enrolment.enrolment_id)
    );
    match enrolment.status() {
        Status::Confirmed => send_confirmation(ctx, tx, place, None).await,
        Status::AwaitingPayment => {
            payments::insert_card(
                tx,
                enrolment.enrolment_id,
                &description,
                enrolment.fee_pence,
                now,
            )
            .await?;
            let mail = PaymentNeeded {
                p: facts(ctx.site, place),
                by_card: true,
                amount: money(enrolment.fee_pence),
                hold_until,
                expiring: false,
            };
            send(ctx, tx, place, "payment_needed", &mail).await
        }
        Status::AwaitingInvoice => {
            let Choice::Invoice(billing) = choice else {
                return Err(EnrolmentError::FundingNotOffered);
            };
            let number = payments::next_number(tx, Series::ProForma).await?;
            payments::insert_invoice(
                tx,
                enrolment.enrolment_id,
                &description,
                enrolment.fee_pence,
                billing,
                &number,
                now,
            )
            .await?;
            let mail = ProForma {
                p: facts(ctx.site, place),
                number,
                amount: money(enrolment.fee_pence),
                hold_until,
                document_url: ctx.site.url(&paths::enrolment_document(
                    enrolment.enrolment_id,
                    "proforma",
                )),
            };
            send(ctx, tx, place, "proforma", &mail).await?;
            // The pro-forma also goes to whoever pays it.
            match Email::parse(&billing.billing_email) {
                Ok(billing_contact) => {
                    send_copy(ctx, tx, place, "proforma", &billing_contact, &mail).await
                }
                Err(_) => Ok(()),
            }
        }
        _ => Ok(()),
    }
}
