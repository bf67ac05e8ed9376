//! Queueing mail in the caller's transaction, and the worker that delivers it with retries.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use rand::Rng;

use super::Mailer;
use super::mailer::SEND_TIMEOUT;
use super::templates::{OutgoingEmail, RenderedEmail, Site};
use crate::clock::Clock;
use crate::db::outbox::{self, Attachment, NewMail, OutboxMail};
use crate::db::writes::Writes;
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
    let rendered = Rendered::of(site, mail)?;
    Ok(outbox::insert(tx, &rendered.row(envelope, attachment), now).await?)
}

/// [`queue_with_attachment`] in writes sent together, for a caller that does not need to
/// know whether the mail was queued before.
pub fn push_with_attachment<E: OutgoingEmail>(
    writes: &mut Writes,
    site: &Site,
    envelope: &Envelope<'_>,
    mail: &E,
    attachment: Option<&Attachment>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let rendered = Rendered::of(site, mail)?;
    outbox::push_insert(writes, &rendered.row(envelope, attachment), now);
    Ok(())
}

/// A mail rendered with its Message-ID.
struct Rendered {
    email: RenderedEmail,
    message_id: String,
    kind: &'static str,
    carries_token: bool,
}

impl Rendered {
    fn of<E: OutgoingEmail>(site: &Site, mail: &E) -> anyhow::Result<Rendered> {
        Ok(Rendered {
            email: mail.render(site)?,
            // Stable from the start, so a resend after a crash carries the same Message-ID.
            message_id: format!("<{}@{}>", uuid::Uuid::new_v4(), site.host()),
            kind: E::KIND,
            carries_token: E::CARRIES_TOKEN,
        })
    }

    fn row<'a>(
        &'a self,
        envelope: &'a Envelope<'_>,
        attachment: Option<&'a Attachment>,
    ) -> NewMail<'a> {
        NewMail {
            idempotency_key: &envelope.idempotency_key,
            message_id: &self.message_id,
            kind: self.kind,
            user_id: envelope.user_id,
            to_address: envelope.to.as_str(),
            subject: &self.email.subject,
            body_text: &self.email.text,
            body_html: &self.email.html,
            carries_token: self.carries_token,
            attachment,
        }
    }
}

/// What one delivery run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
}

/// How long a claim lasts: longer than any send can take ([`SEND_TIMEOUT`], after which the
/// send is abandoned) plus a margin for building the message, recording the outcome and
/// clocks that differ a little between processes, so two processes never send one mail at
/// the same time; and short, so a mail claimed by a worker that died waits only this long.
pub const LEASE: StdDuration = SEND_TIMEOUT.saturating_add(LEASE_MARGIN);
const LEASE_MARGIN: StdDuration = StdDuration::from_secs(30);
const _: () = assert!(LEASE.as_millis() > SEND_TIMEOUT.as_millis());

/// [`LEASE`] as the clock's duration.
fn lease() -> Duration {
    Duration::milliseconds(LEASE.as_millis() as i64)
}

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

/// Sends every due mail, one at a time, until none is due.
pub async fn deliver_due(worker: &OutboxWorker<'_>) -> Result<DeliveryReport, DbError> {
    let mut report = DeliveryReport::default();
    while deliver_next(worker, &mut report).await? {}
    Ok(report)
}

/// Claims the next due mail just before sending it, sends it and records the outcome; false
/// when none is due. One claim at a time: a worker that dies leaves at most one mail
/// waiting for its lease to lapse, and the others stay free for any process.
async fn deliver_next(
    worker: &OutboxWorker<'_>,
    report: &mut DeliveryReport,
) -> Result<bool, DbError> {
    let now = worker.clock.now();
    let Some(mail) = outbox::claim_next(worker.db, now, now + lease()).await? else {
        return Ok(false);
    };
    deliver_one(worker, mail, report).await?;
    Ok(true)
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
    fn a_claim_outlasts_the_longest_send() {
        assert!(
            LEASE > SEND_TIMEOUT,
            "{LEASE:?} must exceed {SEND_TIMEOUT:?}"
        );
        assert_eq!(lease().to_std().ok(), Some(LEASE));
        assert!(
            LEASE <= StdDuration::from_secs(120),
            "a dead worker's mail waits no longer than needed"
        );
    }

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
