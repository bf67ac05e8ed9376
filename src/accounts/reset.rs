//! Forgotten passwords: asking for a reset link (queued, so the page does the same work and
//! gives the same answer whether or not the account exists; `link_requests` answers it),
//! and choosing a new password with one.

use super::links::{self, LinkError};
use super::mails::{self, MailError};
use super::verify::prove_address;
use crate::auth::password::{HashError, PasswordHasher};
use crate::auth::throttle;
use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::audit_own;
use crate::db::link_requests::{self, LinkWanted};
use crate::db::tokens::{self, Purpose};
use crate::db::users::{self, User};
use crate::domain::eligibility::NhsDomains;
use crate::domain::email::{Email, EmailProblem};

/// Why a reset did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// Unknown, used or expired.
    #[error("this link has expired or has already been used")]
    LinkExpired,
    /// The account's stored address no longer parses.
    #[error("the stored address is not valid")]
    StoredAddress(#[from] EmailProblem),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Link(#[from] LinkError),
}

/// Asks for a reset link to `email`, from `client`: queues the request for
/// [`link_requests::answer_requests`](super::link_requests::answer_requests) and nothing
/// else, so the page does the same work, and answers the same, whether or not the address
/// has an account.
pub async fn request_reset(ctx: Ctx<'_>, client: &str, email: &Email) -> Result<(), ResetError> {
    let wanted = LinkWanted::ResetPassword;
    link_requests::insert(ctx.db, wanted, email.as_str(), client, ctx.now()).await?;
    Ok(())
}

/// An open reset link and the account it is for (a new password is checked against the
/// account's name and address before [`reset_password`]).
pub struct ResetLink {
    pub token_id: i64,
    /// The address the link was mailed to.
    pub mailed_to: String,
    pub user: User,
    /// The account's address, parsed.
    pub email: Email,
}

/// The reset link behind `token` while it can still be spent.
pub async fn open_reset_link(ctx: Ctx<'_>, token: &str) -> Result<ResetLink, ResetError> {
    let found = links::usable(ctx, Purpose::ResetPassword, token)
        .await?
        .ok_or(ResetError::LinkExpired)?;
    let user = users::find(ctx.db, found.user_id)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(ResetLink {
        token_id: found.account_token_id,
        mailed_to: found.email,
        email: Email::parse(&user.email)?,
        user,
    })
}

/// What a reset leaves: a disabled account is not signed in.
#[derive(Clone, Copy, Debug)]
pub struct AfterReset {
    pub user_id: i64,
    /// Every earlier session ended; a new one starts with this epoch.
    pub session_epoch: i64,
    pub disabled: bool,
}

/// Spends `link` from `client` and sets the (checked) `new_password`: every session and
/// every other reset link ends, a pending email change is cancelled, the owner is told by
/// mail. Opening the link proved the mailbox, so an unconfirmed address becomes confirmed
/// (the learner type follows it unless an admin decided it), and a lock from someone
/// guessing the password ends.
pub async fn reset_password(
    ctx: Ctx<'_>,
    hasher: &PasswordHasher,
    nhs: &NhsDomains,
    client: &str,
    link: &ResetLink,
    new_password: &str,
) -> Result<AfterReset, ResetError> {
    let (user, email) = (&link.user, &link.email);
    let password_hash = hasher.hash(new_password).await?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if !tokens::spend(&mut tx, link.token_id, now).await? {
        return Err(ResetError::LinkExpired);
    }
    tokens::spend_all(&mut tx, user.user_id, Purpose::ResetPassword, now).await?;
    users::set_password(&mut tx, user.user_id, &password_hash, now).await?;
    if !user.is_verified() && link.mailed_to == user.email {
        prove_address(&mut tx, nhs, user, email, now).await?;
    }
    let event = format!("reset:{}", link.token_id);
    mails::password_changed(&mut tx, ctx, user, email, &event, now).await?;
    audit_own(&mut tx, user.user_id, "password_reset", Some(client), now).await?;
    tx.commit().await?;
    // The owner proved the mailbox: locks from someone guessing their password end, from
    // every address and the account's ceiling (and the caller signs them in at once).
    throttle::clear_sign_in(ctx, email.as_str()).await?;
    Ok(AfterReset {
        user_id: user.user_id,
        session_epoch: user.session_epoch + 1,
        disabled: user.is_disabled(),
    })
}
