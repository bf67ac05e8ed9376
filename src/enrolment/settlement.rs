//! What happens to the money when a place ends: void, refund, or hand it to a person.

use crate::db::Tx;
use crate::db::payments;
use crate::domain::enrolment as rules;

use super::notify::{money, notify_admins};
use super::place::Place;
use super::{EnrolmentCtx, EnrolmentError};

/// Settles the payment of a place that just ended: an unpaid one is void; a paid card
/// payment is refunded (`refund_pence`, by the refund job); a paid or invoiced invoice is
/// left to the education team, who are told. Returns what the learner's email says.
pub async fn settle_payment(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    place: &Place,
    refund_pence: i64,
) -> Result<String, EnrolmentError> {
    let Some(payment) = payments::for_enrolment_in(tx, place.enrolment.enrolment_id).await? else {
        return Ok(String::new());
    };
    let now = ctx.now();
    let settled = payments::settle_for_cancellation(tx, &payment, refund_pence, now).await?;
    // An organisation may be raising a purchase order or paying already: a person follows up.
    let invoiced = payment.method == "invoice" && payment.status != "void";
    if invoiced {
        let reference = rules::reference(place.enrolment.enrolment_id);
        notify_admins(
            ctx.ctx,
            tx,
            &format!("invoice-cancelled:{}", payment.payment_id),
            format!("an invoiced place was cancelled ({reference})"),
            format!(
                "{} ({}) no longer has a place on {}: {}. Invoice {} for {} ({}) may need a credit note or refund.",
                place.learner.full_name,
                place.learner.email,
                place.course.title,
                place.cohort.name,
                payment.invoice_number.as_deref().unwrap_or("(not yet issued)"),
                money(payment.amount_pence),
                payment.organisation.as_deref().unwrap_or(""),
            ),
            Some(place.cohort.cohort_id),
        )
        .await?;
        return Ok(
            "The education team will contact you or your organisation about the invoice.".into(),
        );
    }
    Ok(match (settled, payment.status.as_str()) {
        (Some("refund_due"), _) => format!(
            "We are refunding {} to your card. Refunds usually reach your account within 5 to 10 working days.",
            money(refund_pence)
        ),
        (None, "paid") if payment.method == "card" => format!(
            "Places cancelled less than {} days before the start are not refunded.",
            ctx.policy.refund_cutoff_days
        ),
        _ => String::new(),
    })
}
