//! Queueing mail in the caller's transaction, and the worker that delivers it with retries.

use chrono::{DateTime, Duration, Utc};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use rand::Rng;

use super::Mailer;
use super::templates::{OutgoingEmail, Site};
use crate::clock::Clock;
use crate::db::outbox::{self, Attachment, NewMail, OutboxMail};
use crate::db::{Db, DbError, Tx};
use crate::domain::email::Email;

/// Who a mail goes to, and the key that makes queueing it twice a no-op.
pub struct Envelope<'a> {
    pub to: &'a Email,
    pub user_id: Option<i64>,
    /// One event, one mail: e.g. `verify_email:token:42`.
    pub idempotency_key: String,
}

/// Renders `mail` and queues it in `tx`, so it is sent if and only if the change commits.
/// Returns false when a mail with the same idempotency key was already queued.
pub async fn queue<E: OutgoingEmail>(
    tx: &mut Tx,
    site: &Site,
    envelope: &Envelope<'_>,
    mail: &E,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    queue_with_attachment(tx, site, envelope, mail, None, now).await
}

/// [`queue`], with a file attached.
pub async fn queue_with_attachment<E: OutgoingEmail>(
    tx: &mut Tx,
    site: &Site,
    envelope: &Envelope<'_>,
    mail: &E,
    attachment: Option<&Attachment>,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let rendered = mail.render(site)?;
    // Stable from the start, so a resend after a crash carries the same Message-ID.
    let message_id = format!("<{}@{}>", uuid::Uuid::new_v4(), site.host());
    let new_mail = NewMail {
        idempotency_key: &envelope.idempotency_key,
        message_id: &message_id,
        kind: E::KIND,
        user_id: envelope.user_id,
        to_address: envelope.to.as_str(),
        subject: &rendered.subject,
        body_text: &rendered.text,
        body_html: &rendered.html,
        carries_token: E::CARRIES_TOKEN,
        attachment,
    };
    Ok(outbox::insert(tx, &new_mail, now).await?)
}

/// What one delivery run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
}

/// How long a claim lasts: longer than any SMTP exchange, short enough to recover quickly
/// from a worker that died mid-send.
const LEASE: Duration = Duration::minutes(5);
const BATCH: i64 = 20;

/// What the delivery worker works with: storage, the clock, the mailer and the outbox
/// settings. Callers build it with `AppState::outbox`.
#[derive(Clone, Copy)]
pub struct OutboxWorker<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub mailer: &'a Mailer,
    /// The sender of every mail.
    pub from: &'a Mailbox,
    /// Attempts after which a failing mail is given up (dead).
    pub max_attempts: u32,
    /// Days the body of a sent mail is kept.
    pub retention_days: u32,
}

/// Sends every due mail, batch by batch, until none is due.
pub async fn deliver_due(worker: &OutboxWorker<'_>) -> Result<DeliveryReport, DbError> {
    let mut report = DeliveryReport::default();
    loop {
        let now = worker.clock.now();
        let mut batch = outbox::claim_due(worker.db, now, now + LEASE, BATCH).await?;
        // `update … returning` has no order on PostgreSQL: send in the order mail was queued,
        // so a person reads "you are on the waiting list" before "a place is free".
        batch.sort_by_key(|mail| mail.email_outbox_id);
        if batch.is_empty() {
            return Ok(report);
        }
        for mail in batch {
            deliver_one(worker, mail, &mut report).await?;
        }
    }
}

async fn deliver_one(
    worker: &OutboxWorker<'_>,
    mail: OutboxMail,
    report: &mut DeliveryReport,
) -> Result<(), DbError> {
    let result = match build_message(worker.from, &mail) {
        Ok(message) => worker.mailer.send(message).await,
        Err(error) => Err(error),
    };
    let now = worker.clock.now();
    match result {
        Ok(()) => {
            outbox::mark_sent(worker.db, mail.email_outbox_id, now).await?;
            report.sent += 1;
        }
        Err(error) => {
            let give_up = error.permanent || mail.attempts >= i64::from(worker.max_attempts);
            let retry_at = (!give_up).then(|| now + retry_delay(mail.attempts));
            tracing::warn!(mail = mail.email_outbox_id, kind = %mail.kind, attempts = mail.attempts,
                error = %error.message, dead = give_up, "email not sent");
            outbox::mark_failed(worker.db, mail.email_outbox_id, &error.message, retry_at).await?;
            if give_up {
                report.dead += 1
            } else {
                report.retrying += 1
            }
        }
    }
    Ok(())
}

fn build_message(from: &Mailbox, mail: &OutboxMail) -> Result<Message, super::mailer::SendError> {
    let invalid = |message: String| super::mailer::SendError {
        message,
        permanent: true,
    };
    let to: Mailbox = mail
        .to_address
        .parse()
        .map_err(|e| invalid(format!("bad recipient: {e}")))?;
    let (Some(text), Some(html)) = (&mail.body_text, &mail.body_html) else {
        return Err(invalid("the body was purged before it was sent".into()));
    };
    let alternative = MultiPart::alternative_plain_html(text.clone(), html.clone());
    let body = match (
        &mail.attachment_name,
        &mail.attachment_type,
        &mail.attachment_body,
    ) {
        (Some(name), Some(content_type), Some(content)) => {
            let content_type = ContentType::parse(content_type)
                .map_err(|e| invalid(format!("bad attachment type: {e}")))?;
            let file =
                lettre::message::Attachment::new(name.clone()).body(content.clone(), content_type);
            MultiPart::mixed().multipart(alternative).singlepart(file)
        }
        _ => alternative,
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&mail.subject)
        .message_id(Some(mail.message_id.clone()))
        .multipart(body)
        .map_err(|e| invalid(format!("cannot build the message: {e}")))
}

/// Exponential back-off from 30 seconds, capped at 6 hours, with ±20% jitter so that a
/// recovered server is not hit by every retry at once.
pub fn retry_delay(attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 16) - 1).unwrap_or(0);
    let base = (30_i64 << exponent).min(6 * 60 * 60);
    let jitter = rand::rng().random_range(0.8..1.2);
    Duration::milliseconds((base as f64 * 1000.0 * jitter) as i64)
}

/// Erases bodies of mail sent longer ago than the retention period.
pub async fn purge_old_bodies(worker: &OutboxWorker<'_>) -> Result<u64, DbError> {
    let now = worker.clock.now();
    let before = now - Duration::days(i64::from(worker.retention_days));
    outbox::purge_bodies(worker.db, before, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_grows_and_is_capped() {
        for (attempts, low, high) in [
            (1, 24, 36),
            (2, 48, 72),
            (3, 96, 144),
            (12, 17_280, 25_920),
            (40, 17_280, 25_920),
        ] {
            let secs = retry_delay(attempts).num_seconds();
            assert!((low..=high).contains(&secs), "attempt {attempts}: {secs}s");
        }
    }
}
