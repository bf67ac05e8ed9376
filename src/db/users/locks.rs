//! Locking reads of accounts: the one being deleted, and the admins who must not all go.

use crate::db::locking::{Lock, locking};
use crate::db::{DbError, Tx, run};

/// Admins who can still sign in (the last of them is never demoted or disabled).
/// Their rows stay locked until the transaction ends, so two admins demoting each other at
/// once cannot both see "someone else is left".
pub async fn count_active_admins(tx: &mut Tx) -> Result<i64, DbError> {
    let select = "select user_id from users where role = 'admin' and disabled_at is null";
    let sql = locking(tx.backend(), select, Lock::Wait);
    let ids: Vec<i64> = run!(tx tx, |c| sqlx::query_scalar(&sql).fetch_all(c).await)?;
    Ok(ids.len() as i64)
}

/// Locks an account's row until the transaction ends, so nothing can enrol it while it is
/// being deleted.
pub async fn lock(tx: &mut Tx, user_id: i64) -> Result<(), DbError> {
    let sql = locking(
        tx.backend(),
        "select user_id from users where user_id = $1",
        Lock::Wait,
    );
    run!(tx tx, |c| sqlx::query(&sql).bind(user_id).execute(c).await.map(|_| ()))?;
    Ok(())
}
