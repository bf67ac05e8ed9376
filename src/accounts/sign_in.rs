//! Signing in (checking the password, counting attempts per address and per account, the
//! audit trail and the last sign-in) and signing out of every device.

use chrono::{DateTime, Utc};

use super::mails::{self, MailError};
use crate::auth::password::{HashError, PasswordHasher};
use crate::auth::throttle::{
    self, Blocked, SIGN_IN_CEILING, SIGN_IN_FAILURES, sign_in_ceiling_key, sign_in_key,
};
use crate::context::Ctx;
use crate::db::audit::{AuditEvent, audit, audit_own, record_now};
use crate::db::users::Credentials;
use crate::db::{DbError, user_accounts, users};
use crate::domain::email::Email;

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Too many failures for this account from this client address: refused whatever the
    /// password.
    #[error("too many failed attempts to sign in to this account")]
    Locked(Blocked),
    /// Past the account's ceiling, from a browser that has not signed in to it before: no
    /// password is checked, a sign-in link by email is offered instead. The same for an
    /// address without an account.
    #[error("too many attempts to sign in to this account from elsewhere")]
    OfferLink,
    /// A wrong password, an unknown address, or the right password of a disabled account:
    /// one answer for all three.
    #[error("the email address or password is wrong")]
    WrongCredentials,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] MailError),
}

/// One sign-in attempt.
pub struct Attempt<'a> {
    /// The client address it came from.
    pub client: &'a str,
    pub email: &'a Email,
    pub password: &'a str,
    /// Accounts this browser has signed in to before (from its signed device cookie): for
    /// them the per-account ceiling does not apply.
    pub known_accounts: &'a [i64],
}

/// The account signed in to: the session starts with these.
#[derive(Clone, Copy, Debug)]
pub struct SignedIn {
    pub user_id: i64,
    pub session_epoch: i64,
}

/// Checks the attempt's password, taking as long for an unknown address. Every attempt
/// counts against the account from its client address, and (unless the browser is known to
/// the account) against the account's ceiling across all addresses, before the check, so
/// parallel guesses cannot all get through. Past the ceiling no password is checked: a link
/// by email is offered. Refusals and failures are audited; the right password of a disabled
/// account answers like a wrong one and tells the owner by mail (once a day); a success
/// clears this address's count and records the sign-in.
pub async fn sign_in(
    ctx: Ctx<'_>,
    hasher: &PasswordHasher,
    attempt: &Attempt<'_>,
) -> Result<SignedIn, SignInError> {
    let (client, email) = (attempt.client, attempt.email);
    let now = ctx.now();
    let credentials = users::credentials(ctx.db, email).await?;
    let event = |action| {
        AuditEvent::new(action)
            .by(None, Some(client))
            .about(credentials.as_ref().map(|c| c.user_id))
    };
    let known_device = credentials
        .as_ref()
        .is_some_and(|c| attempt.known_accounts.contains(&c.user_id));
    let ceiling = sign_in_ceiling_key(email.as_str());
    // Past the ceiling, an unknown browser is answered before anything counts, so offers
    // never use up the owner's attempts from their own address.
    if !known_device && throttle::blocked(ctx, &ceiling).await?.is_some() {
        record_now(ctx.db, &event("sign_in_link_offered"), now).await?;
        return Err(SignInError::OfferLink);
    }
    let from_here = sign_in_key(email.as_str(), client);
    if let Err(blocked) = throttle::hit(ctx, &from_here, SIGN_IN_FAILURES).await? {
        record_now(ctx.db, &event("sign_in_locked"), now).await?;
        return Err(SignInError::Locked(blocked));
    }
    if !known_device
        && throttle::hit(ctx, &ceiling, SIGN_IN_CEILING)
            .await?
            .is_err()
    {
        record_now(ctx.db, &event("sign_in_ceiling_reached"), now).await?;
        return Err(SignInError::OfferLink);
    }
    let stored_hash = credentials.as_ref().map(|c| c.password_hash.as_str());
    let matched = hasher
        .verify_or_dummy(attempt.password, stored_hash)
        .await?;
    let Some(credentials) = credentials.as_ref().filter(|_| matched) else {
        record_now(ctx.db, &event("sign_in_failed"), now).await?;
        return Err(SignInError::WrongCredentials);
    };
    if credentials.disabled_at.is_some() {
        // Counted like a failure (the count above stays), and answered like one.
        tell_disabled_owner(ctx, credentials, email, client, now).await?;
        return Err(SignInError::WrongCredentials);
    }
    throttle::clear(ctx, &from_here).await?;
    let mut tx = ctx.db.begin().await?;
    user_accounts::record_sign_in(&mut tx, credentials.user_id, now).await?;
    audit_own(&mut tx, credentials.user_id, "signed_in", Some(client), now).await?;
    tx.commit().await?;
    Ok(SignedIn {
        user_id: credentials.user_id,
        session_epoch: credentials.session_epoch,
    })
}

/// The right password for a disabled account: audited, and its owner told (at most once a
/// day), in one transaction.
async fn tell_disabled_owner(
    ctx: Ctx<'_>,
    credentials: &Credentials,
    email: &Email,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(), SignInError> {
    let mut tx = ctx.db.begin().await?;
    let user = users::find_in(&mut tx, credentials.user_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let subject = Some(user.user_id);
    let action = "sign_in_disabled_account";
    audit(&mut tx, None, subject, action, "", Some(client), now).await?;
    mails::disabled_sign_in(&mut tx, ctx, &user, email, now).await?;
    tx.commit().await?;
    Ok(())
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
