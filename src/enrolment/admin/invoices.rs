//! Invoiced places as the education team records them: the purchase order arrived (the
//! place is confirmed and the invoice issued), and the invoice was paid (a receipt).

use crate::context::Actor;
use crate::db::enrolments::Changes;
use crate::db::payments::{self, Series};
use crate::domain::enrolment::{self as rules, Status, Step};
use crate::enrolment::mails::Receipt;
use crate::enrolment::notify::{facts, money, send, send_confirmation};
use crate::enrolment::place::open_place;
use crate::enrolment::seats::apply;
use crate::enrolment::{EnrolmentCtx, EnrolmentError};
use crate::paths;

/// The purchase order arrived: the place is confirmed and the invoice issued.
pub async fn confirm_invoice(
    ctx: EnrolmentCtx<'_>,
    enrolment_id: i64,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(ctx.ctx, enrolment_id).await?;
    apply(
        ctx,
        &mut tx,
        &mut place,
        Step::InvoiceConfirmed,
        Changes::default(),
        actor,
        "purchase order confirmed",
    )
    .await?;
    if let Some(payment) = payments::for_enrolment_in(&mut tx, enrolment_id).await? {
        let number = payments::next_number(&mut tx, Series::Invoice).await?;
        payments::set_invoice_number(&mut tx, payment.payment_id, &number, ctx.now()).await?;
    }
    send_confirmation(ctx.ctx, &mut tx, &place, None).await?;
    tx.commit().await?;
    Ok(())
}

/// The invoice was paid: a receipt is issued (and the place confirmed if it was still held).
pub async fn record_invoice_paid(
    ctx: EnrolmentCtx<'_>,
    enrolment_id: i64,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(ctx.ctx, enrolment_id).await?;
    let refused = rules::Refused {
        from: place.enrolment.status(),
        step: Step::InvoiceConfirmed,
    };
    let payment = payments::for_enrolment_in(&mut tx, enrolment_id)
        .await?
        .filter(|p| p.method == "invoice" && p.status == "pending")
        .ok_or(EnrolmentError::Changed(refused))?;
    let now = ctx.now();
    match place.enrolment.status() {
        Status::AwaitingInvoice => {
            apply(
                ctx,
                &mut tx,
                &mut place,
                Step::InvoiceConfirmed,
                Changes::default(),
                actor,
                "invoice paid",
            )
            .await?;
            send_confirmation(ctx.ctx, &mut tx, &place, Some(payment.amount_pence)).await?;
        }
        Status::Confirmed => {}
        _ => return Err(refused.into()),
    }
    if payment.invoice_number.is_none() {
        let number = payments::next_number(&mut tx, Series::Invoice).await?;
        payments::set_invoice_number(&mut tx, payment.payment_id, &number, now).await?;
    }
    let receipt = payments::next_number(&mut tx, Series::Receipt).await?;
    payments::mark_paid(&mut tx, payment.payment_id, None, &receipt, now).await?;
    let mail = Receipt {
        p: facts(ctx.site(), &place),
        number: receipt,
        amount: money(payment.amount_pence),
        document_url: ctx
            .site()
            .url(&paths::enrolment_document(enrolment_id, "receipt")),
    };
    send(ctx.ctx, &mut tx, &place, "receipt", &mail).await?;
    tx.commit().await?;
    Ok(())
}
