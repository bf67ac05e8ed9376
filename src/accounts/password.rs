//! A signed-in person's password: checking the current one before a sensitive change, and
//! changing it.

use super::mails::{self, MailError};
use crate::auth::password::{HashError, PasswordHasher};
use crate::auth::throttle::{self, Blocked, SIGN_IN_FAILURES, account_key};
use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::audit_own;
use crate::db::users::{self, User};
use crate::domain::email::{Email, EmailProblem};

/// Why a password check or change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the current password is wrong")]
    WrongPassword,
    /// Too many wrong passwords (counted like sign-in failures).
    #[error("too many wrong passwords")]
    Blocked(Blocked),
    #[error("the account's stored address is not valid")]
    StoredAddress(#[from] EmailProblem),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] MailError),
}

/// Checks `user`'s current password before a change that needs it, counting guesses like
/// sign-in attempts (a right one clears them).
pub async fn check_current_password(
    ctx: Ctx<'_>,
    hasher: &PasswordHasher,
    user: &User,
    password: &str,
) -> Result<(), PasswordError> {
    let key = account_key("sign_in", &user.email);
    if let Err(blocked) = throttle::hit(ctx, &key, SIGN_IN_FAILURES).await? {
        return Err(PasswordError::Blocked(blocked));
    }
    let hash = users::password_hash(ctx.db, user.user_id).await?;
    if !hasher.verify(password, &hash).await? {
        return Err(PasswordError::WrongPassword);
    }
    throttle::clear(ctx, &key).await?;
    Ok(())
}

/// The session epoch after a change that ended every other session.
#[derive(Clone, Copy, Debug)]
pub struct NewEpoch(pub i64);

/// Sets `user`'s new (checked) password from `client`: every session ends, a pending email
/// change is cancelled, and the owner is told by mail. The caller's own session carries on
/// under the returned epoch.
pub async fn change_password(
    ctx: Ctx<'_>,
    hasher: &PasswordHasher,
    client: &str,
    user: &User,
    new_password: &str,
) -> Result<NewEpoch, PasswordError> {
    let now = ctx.now();
    let email = Email::parse(&user.email)?;
    let password_hash = hasher.hash(new_password).await?;
    let mut tx = ctx.db.begin().await?;
    users::set_password(&mut tx, user.user_id, &password_hash, now).await?;
    let event = format!("{}:{}", user.user_id, now.timestamp_micros());
    mails::password_changed(&mut tx, ctx, user, &email, &event, now).await?;
    audit_own(&mut tx, user.user_id, "password_changed", Some(client), now).await?;
    tx.commit().await?;
    Ok(NewEpoch(user.session_epoch + 1))
}
