//! One-time sign-in links, the way in for a browser that is not known to an account while
//! the account is past its ceiling on sign-in attempts: asking for one (the same answer
//! whether or not the account exists) and signing in with one.

use super::links::LinkError;
use super::sign_in::SignedIn;
use crate::auth::keys::hash_token;
use crate::auth::throttle;
use crate::context::Ctx;
use crate::db::audit::{audit, audit_own};
use crate::db::link_requests::{self, LinkWanted};
use crate::db::tokens::{self, Purpose};
use crate::db::{DbError, user_accounts, users};
use crate::domain::email::Email;

/// Why a link did not sign anyone in.
#[derive(Debug, thiserror::Error)]
pub enum SignInLinkError {
    /// Unknown, used, expired, or mailed to an address the account no longer has.
    #[error("this link has expired or has already been used")]
    LinkExpired,
    /// The account was disabled after the link was sent: the link is spent, nobody signed in.
    #[error("this account has been disabled")]
    Disabled,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Link(#[from] LinkError),
}

/// Asks for a sign-in link to `email`, from `client`: queues the request for
/// [`link_requests::answer_requests`](super::link_requests::answer_requests) and nothing
/// else, so the page does the same work, and answers the same, whether or not the address
/// has an account.
pub async fn request_sign_in_link(
    ctx: Ctx<'_>,
    client: &str,
    email: &Email,
) -> Result<(), SignInLinkError> {
    let wanted = LinkWanted::SignIn;
    link_requests::insert(ctx.db, wanted, email.as_str(), client, ctx.now()).await?;
    Ok(())
}

/// Spends the link behind `token` from `client` and signs its account in: the sign-in is
/// recorded and audited, every other sign-in link of the account is spent, and (the owner
/// having proved the mailbox) every sign-in count of the account ends, the ceiling's too.
/// A disabled account's link is spent without signing in.
pub async fn sign_in_with_link(
    ctx: Ctx<'_>,
    client: &str,
    token: &str,
) -> Result<SignedIn, SignInLinkError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let found = tokens::find_in(&mut tx, Purpose::SignIn, &hash_token(token))
        .await?
        .filter(|t| t.is_usable(now))
        .ok_or(SignInLinkError::LinkExpired)?;
    let user = users::find_in(&mut tx, found.user_id)
        .await?
        .filter(|u| u.email == found.email)
        .ok_or(SignInLinkError::LinkExpired)?;
    if !tokens::spend(&mut tx, found.account_token_id, now).await? {
        return Err(SignInLinkError::LinkExpired);
    }
    if user.is_disabled() {
        let subject = Some(user.user_id);
        let action = "sign_in_link_refused_disabled";
        audit(&mut tx, None, subject, action, "", Some(client), now).await?;
        tx.commit().await?;
        return Err(SignInLinkError::Disabled);
    }
    tokens::spend_all(&mut tx, user.user_id, Purpose::SignIn, now).await?;
    user_accounts::record_sign_in(&mut tx, user.user_id, now).await?;
    audit_own(
        &mut tx,
        user.user_id,
        "signed_in_by_link",
        Some(client),
        now,
    )
    .await?;
    tx.commit().await?;
    throttle::clear_sign_in(ctx, &user.email).await?;
    Ok(SignedIn {
        user_id: user.user_id,
        session_epoch: user.session_epoch,
    })
}
