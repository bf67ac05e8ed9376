//! Sending failed mail again, inside the transaction of the admin's audit event.

use chrono::{DateTime, Utc};

use super::{DbError, Tx, run};

/// Queues a failed or dead mail again if it still has a body; false when it cannot be.
/// (The same update as `outbox::retry`, in the caller's transaction.)
pub async fn retry(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    let sql = "update email_outbox set status = 'queued', attempts = 0, next_attempt_at = $2 \
               where email_outbox_id = $1 and status in ('failed', 'dead') and body_text is not null";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(updated == 1)
}
