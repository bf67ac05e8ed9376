//! Account writes on the `users` table that a service makes inside its own transaction.

use chrono::{DateTime, Utc};

use super::{DbError, Tx, run};

/// Records when the user last signed in, in the transaction of the sign-in's audit event.
pub async fn record_sign_in(tx: &mut Tx, user_id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    let sql = "update users set last_signed_in_at = $2 where user_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(user_id).bind(now).execute(c).await.map(|_| ()))?;
    Ok(())
}
