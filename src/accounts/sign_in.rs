//! Signing in (checking the password, counting failures, the audit trail and the last
//! sign-in) and signing out of every device.

use crate::auth::password::{HashError, PasswordHasher};
use crate::auth::throttle::{self, Blocked, SIGN_IN_FAILURES, account_key};
use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::{AuditEvent, audit_own, record_now};
use crate::db::{user_accounts, users};
use crate::domain::email::Email;

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Too many failures for this account: refused whatever the password.
    #[error("too many failed attempts to sign in to this account")]
    Locked(Blocked),
    /// A wrong password or an unknown address: one answer for both.
    #[error("the email address or password is wrong")]
    WrongCredentials,
    /// The right password for a disabled account.
    #[error("this account has been disabled")]
    Disabled,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The account signed in to: the session starts with these.
#[derive(Clone, Copy, Debug)]
pub struct SignedIn {
    pub user_id: i64,
    pub session_epoch: i64,
}

/// Checks `password` for `email` from `client`, taking as long for an unknown address.
/// Every attempt counts against the account (before the check, so parallel guesses cannot
/// all get through); a refusal or failure is audited; a success clears the count and
/// records the sign-in.
pub async fn sign_in(
    ctx: Ctx<'_>,
    hasher: &PasswordHasher,
    client: &str,
    email: &Email,
    password: &str,
) -> Result<SignedIn, SignInError> {
    let now = ctx.now();
    let account_throttle = account_key("sign_in", email.as_str());
    let credentials = users::credentials(ctx.db, email).await?;
    let event = |action| AuditEvent {
        actor_user_id: None,
        subject_user_id: credentials.as_ref().map(|c| c.user_id),
        action,
        detail: "",
        client_address: Some(client),
    };
    if let Err(blocked) = throttle::hit(ctx, &account_throttle, SIGN_IN_FAILURES).await? {
        record_now(ctx.db, &event("sign_in_locked"), now).await?;
        return Err(SignInError::Locked(blocked));
    }
    let stored_hash = credentials.as_ref().map(|c| c.password_hash.as_str());
    let matched = hasher.verify_or_dummy(password, stored_hash).await?;
    let Some(credentials) = credentials.as_ref().filter(|_| matched) else {
        record_now(ctx.db, &event("sign_in_failed"), now).await?;
        return Err(SignInError::WrongCredentials);
    };
    if credentials.disabled_at.is_some() {
        return Err(SignInError::Disabled);
    }
    throttle::clear(ctx, &account_throttle).await?;
    let mut tx = ctx.db.begin().await?;
    user_accounts::record_sign_in(&mut tx, credentials.user_id, now).await?;
    audit_own(&mut tx, credentials.user_id, "signed_in", Some(client), now).await?;
    tx.commit().await?;
    Ok(SignedIn {
        user_id: credentials.user_id,
        session_epoch: credentials.session_epoch,
    })
}

/// Signing out of every device failed in storage.
#[derive(Debug, thiserror::Error)]
pub enum SignOutError {
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Ends every session of `user_id` (the caller's own included), from `client`.
pub async fn sign_out_everywhere(
    ctx: Ctx<'_>,
    user_id: i64,
    client: &str,
) -> Result<(), SignOutError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    users::end_all_sessions(&mut tx, user_id, now).await?;
    audit_own(&mut tx, user_id, "signed_out_everywhere", Some(client), now).await?;
    tx.commit().await?;
    Ok(())
}
