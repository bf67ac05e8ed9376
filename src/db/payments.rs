//! The `payments`, `payment_events` and `document_counters` tables: what is owed and paid
//! for a place, provider events already handled, and gap-free document numbers.

use chrono::{DateTime, Utc};

use super::{Db, DbError, Tx, run};

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Payment {
    pub payment_id: i64,
    /// None once the learner deleted their account.
    pub enrolment_id: Option<i64>,
    pub description: String,
    pub method: String,
    pub amount_pence: i64,
    pub status: String,
    pub checkout_session_id: Option<String>,
    #[serde(skip)]
    pub checkout_url: Option<String>,
    pub checkout_expires_at: Option<DateTime<Utc>>,
    pub payment_intent: Option<String>,
    pub refund_pence: i64,
    pub refund_attempts: i64,
    pub organisation: Option<String>,
    pub billing_email: Option<String>,
    pub billing_address: Option<String>,
    pub purchase_order: Option<String>,
    pub proforma_number: Option<String>,
    pub invoice_number: Option<String>,
    pub receipt_number: Option<String>,
    pub invoiced_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub refunded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "payment_id, enrolment_id, description, method, amount_pence, status, checkout_session_id, \
     checkout_url, checkout_expires_at, payment_intent, refund_pence, refund_attempts, organisation, billing_email, \
     billing_address, purchase_order, proforma_number, invoice_number, receipt_number, invoiced_at, \
     paid_at, refunded_at, created_at";

/// What an invoice is addressed to.
#[derive(Clone, Debug, Default)]
pub struct Billing {
    pub organisation: String,
    pub billing_email: String,
    pub billing_address: String,
    pub purchase_order: String,
}

pub async fn insert_card(
    tx: &mut Tx,
    enrolment_id: i64,
    description: &str,
    amount_pence: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into payments (enrolment_id, description, method, amount_pence, created_at, \
               updated_at) values ($1, $2, 'card', $3, $4, $4) returning payment_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(enrolment_id)
        .bind(description)
        .bind(amount_pence)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

pub async fn insert_invoice(
    tx: &mut Tx,
    enrolment_id: i64,
    description: &str,
    amount_pence: i64,
    billing: &Billing,
    proforma_number: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into payments (enrolment_id, description, method, amount_pence, organisation, \
               billing_email, billing_address, purchase_order, proforma_number, created_at, updated_at) \
               values ($1, $2, 'invoice', $3, $4, $5, $6, $7, $8, $9, $9) returning payment_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(enrolment_id)
        .bind(description)
        .bind(amount_pence)
        .bind(&billing.organisation)
        .bind(&billing.billing_email)
        .bind(&billing.billing_address)
        .bind(&billing.purchase_order)
        .bind(proforma_number)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// The live payment of an enrolment (the newest one).
pub async fn for_enrolment(db: &Db, enrolment_id: i64) -> Result<Option<Payment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from payments where enrolment_id = $1 order by payment_id desc limit 1"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(enrolment_id).fetch_optional(c).await)?)
}

pub async fn for_enrolment_in(tx: &mut Tx, enrolment_id: i64) -> Result<Option<Payment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from payments where enrolment_id = $1 order by payment_id desc limit 1"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(enrolment_id).fetch_optional(c).await)?)
}

/// Every payment of a learner's enrolments (for their data export).
pub async fn for_user(db: &Db, user_id: i64) -> Result<Vec<Payment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from payments where enrolment_id in \
         (select enrolment_id from enrolments where user_id = $1) order by payment_id"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(user_id).fetch_all(c).await)?)
}

pub async fn find_by_checkout(tx: &mut Tx, session_id: &str) -> Result<Option<Payment>, DbError> {
    let sql = format!("select {COLUMNS} from payments where checkout_session_id = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(session_id).fetch_optional(c).await)?)
}

/// Records the provider's checkout session, unless one was recorded meanwhile (false).
pub async fn set_checkout(
    db: &Db,
    payment_id: i64,
    session_id: &str,
    url: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update payments set checkout_session_id = $2, checkout_url = $3, \
               checkout_expires_at = $4, updated_at = $5 \
               where payment_id = $1 and checkout_session_id is null and status = 'pending'";
    let updated = run!(write db, |c| sqlx::query(sql)
        .bind(payment_id)
        .bind(session_id)
        .bind(url)
        .bind(expires_at)
        .bind(now)
        .execute(c)
        .await.map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Marks a pending (or voided: a card payment after its hold lapsed) payment paid, with its
/// receipt number; false if it was already paid or refunded.
pub async fn mark_paid(
    tx: &mut Tx,
    payment_id: i64,
    payment_intent: Option<&str>,
    receipt_number: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update payments set status = 'paid', payment_intent = coalesce($2, payment_intent), \
               receipt_number = $3, paid_at = $4, updated_at = $4 \
               where payment_id = $1 and status in ('pending', 'void')";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(payment_id)
        .bind(payment_intent)
        .bind(receipt_number)
        .bind(now)
        .execute(c)
        .await.map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Records the invoice issued when an admin confirms a purchase order.
pub async fn set_invoice_number(
    tx: &mut Tx,
    payment_id: i64,
    invoice_number: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update payments set invoice_number = $2, invoiced_at = $3, updated_at = $3 where payment_id = $1 \
               and invoice_number is null";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(payment_id)
        .bind(invoice_number)
        .bind(now)
        .execute(c)
        .await.map(|d| d.rows_affected()))?;
    Ok(())
}

/// A paid card payment is to be refunded (by the refund job, outside any transaction);
/// an unpaid one is simply void. Returns the new status, or None if nothing changed.
pub async fn settle_for_cancellation(
    tx: &mut Tx,
    payment: &Payment,
    refund_pence: i64,
    now: DateTime<Utc>,
) -> Result<Option<&'static str>, DbError> {
    let (status, from) = match (payment.status.as_str(), payment.method.as_str()) {
        ("pending", _) => ("void", "pending"),
        ("paid", "card") if refund_pence > 0 => ("refund_due", "paid"),
        _ => return Ok(None),
    };
    let sql = "update payments set status = $2, refund_pence = $3, updated_at = $4 \
               where payment_id = $1 and status = $5";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(payment.payment_id)
        .bind(status)
        .bind(if status == "void" { 0 } else { refund_pence })
        .bind(now)
        .bind(from)
        .execute(c)
        .await.map(|d| d.rows_affected()))?;
    Ok((updated == 1).then_some(status))
}

/// Refund attempts before the admins are asked to refund by hand.
pub const MAX_REFUND_ATTEMPTS: i64 = 20;

/// Card payments waiting for their refund to be sent to the provider.
pub async fn refunds_due(db: &Db, limit: i64) -> Result<Vec<Payment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from payments where status = 'refund_due' \
         and refund_attempts < {MAX_REFUND_ATTEMPTS} order by payment_id limit $1"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(limit).fetch_all(c).await)?)
}

pub async fn mark_refunded(
    db: &Db,
    payment_id: i64,
    refund_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update payments set status = 'refunded', refund_id = $2, refunded_at = $3, \
               updated_at = $3 where payment_id = $1 and status = 'refund_due'";
    run!(write db, |c| sqlx::query(sql)
        .bind(payment_id)
        .bind(refund_id)
        .bind(now)
        .execute(c)
        .await.map(|d| d.rows_affected()))?;
    Ok(())
}

pub async fn refund_failed(db: &Db, payment_id: i64, error: &str) -> Result<(), DbError> {
    let sql = "update payments set refund_attempts = refund_attempts + 1, refund_error = $2 \
               where payment_id = $1";
    run!(write db, |c| sqlx::query(sql).bind(payment_id).bind(error).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(())
}

/// No more automatic attempts: the admins refund it by hand.
pub async fn refund_given_up(tx: &mut Tx, payment_id: i64, error: &str) -> Result<(), DbError> {
    let sql = format!(
        "update payments set refund_attempts = {MAX_REFUND_ATTEMPTS}, refund_error = $2 \
         where payment_id = $1"
    );
    run!(tx tx, |c| sqlx::query(&sql).bind(payment_id).bind(error).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A paid checkout no enrolment holds, recorded so the refund job returns the money.
pub async fn insert_unknown_card_refund(
    tx: &mut Tx,
    session_id: &str,
    payment_intent: Option<&str>,
    amount_pence: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into payments (enrolment_id, description, method, amount_pence, status, \
               checkout_session_id, payment_intent, refund_pence, paid_at, created_at, updated_at) \
               values (null, $1, 'card', $2, 'refund_due', $3, $4, $2, $5, $5, $5) \
               returning payment_id";
    let description = format!("Payment for unknown checkout {session_id}");
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(&description)
        .bind(amount_pence.max(0))
        .bind(session_id)
        .bind(payment_intent)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// Carries a payment to the learner's new place when an admin moves them.
pub async fn move_to(tx: &mut Tx, from_enrolment: i64, to_enrolment: i64) -> Result<(), DbError> {
    let sql = "update payments set enrolment_id = $2 where enrolment_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(from_enrolment).bind(to_enrolment).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(())
}

/// Remembers a provider event; false if it was handled before (a replay).
pub async fn first_sight_of_event(
    tx: &mut Tx,
    event_id: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "insert into payment_events (provider_event_id, kind, received_at) values ($1, $2, $3) \
               on conflict (provider_event_id) do nothing";
    let inserted = run!(tx tx, |c| sqlx::query(sql)
        .bind(event_id)
        .bind(kind)
        .bind(now)
        .execute(c)
        .await.map(|d| d.rows_affected()))?;
    Ok(inserted == 1)
}

/// Document series with gap-free numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    ProForma,
    Invoice,
    Receipt,
}

impl Series {
    fn key(self) -> &'static str {
        match self {
            Series::ProForma => "proforma",
            Series::Invoice => "invoice",
            Series::Receipt => "receipt",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Series::ProForma => "PF",
            Series::Invoice => "INV",
            Series::Receipt => "RCT",
        }
    }
}

/// The next number of a series, e.g. "INV-000007". The counter row is locked until the
/// transaction ends, so a rolled-back document leaves no gap.
pub async fn next_number(tx: &mut Tx, series: Series) -> Result<String, DbError> {
    let sql = "update document_counters set last_number = last_number + 1 where series = $1 \
               returning last_number";
    let number: i64 =
        run!(tx tx, |c| sqlx::query_scalar(sql).bind(series.key()).fetch_one(c).await)?;
    Ok(format!("{}-{number:06}", series.prefix()))
}
