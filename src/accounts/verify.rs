//! Proving an address: confirming a verification link (for a new account or a changed
//! address) and sending a fresh link.

use chrono::{DateTime, Utc};

use super::learner_type;
use super::links::{LinkError, send_verification};
use super::mails::{self, MailError};
use crate::auth::keys::hash_token;
use crate::auth::throttle::{self, ACCOUNT_MAILS, account_key};
use crate::context::Ctx;
use crate::db::audit::audit;
use crate::db::tokens::{self, Purpose};
use crate::db::users::{self, LearnerType, User};
use crate::db::{DbError, Tx};
use crate::domain::eligibility::NhsDomains;
use crate::domain::email::{Email, EmailProblem};
use crate::email::templates::{EmailChanged, Welcome};
use crate::paths;

/// Why a verification link or a resend did nothing.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Unknown, used, expired, or for an email change that was cancelled since.
    #[error("this link has expired or has already been used")]
    LinkExpired,
    /// The new address of an email change has an account of its own by now.
    #[error("this email address is already used by another account")]
    AddressTaken,
    #[error("the address is confirmed already")]
    AlreadyVerified,
    #[error("too many emails have been sent to this account")]
    TooManyEmails,
    #[error("a stored address is not valid")]
    StoredAddress(#[from] EmailProblem),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Link(#[from] LinkError),
}

/// Whose address a link proved.
#[derive(Clone, Copy, Debug)]
pub struct Confirmed {
    pub user_id: i64,
}

/// Spends a verification link from `client`: the address it carries becomes the account's
/// proven address (for an email change, the new one, with a mail to the old one). The
/// learner type follows the address unless an admin decided it.
pub async fn confirm_email(
    ctx: Ctx<'_>,
    nhs: &NhsDomains,
    client: &str,
    token: &str,
) -> Result<Confirmed, VerifyError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let found = tokens::find_in(&mut tx, Purpose::VerifyEmail, &hash_token(token))
        .await?
        .ok_or(VerifyError::LinkExpired)?;
    // Held until commit, so an admin's decision cannot land between reading and writing.
    users::lock(&mut tx, found.user_id).await?;
    let user = users::find_in(&mut tx, found.user_id).await?;
    let (true, Some(user)) = (
        tokens::spend(&mut tx, found.account_token_id, now).await?,
        user,
    ) else {
        return Err(VerifyError::LinkExpired);
    };
    let email = Email::parse(&found.email)?;
    let changing = email.as_str() != user.email;
    // A change link only counts while that change is still the one asked for: a later
    // request, a password change or a reset cancels it.
    if changing && user.pending_email.as_deref() != Some(email.as_str()) {
        return Err(VerifyError::LinkExpired);
    }
    if changing && users::find_by_email_in(&mut tx, &email).await?.is_some() {
        return Err(VerifyError::AddressTaken);
    }
    let learner_type = prove_address(&mut tx, nhs, &user, &email, now).await?;
    if changing {
        notify_old_address(&mut tx, ctx, &user, &email, now).await?;
    } else if !user.is_verified() {
        welcome(&mut tx, ctx, &user, &email, learner_type, now).await?;
    }
    let action = if changing {
        "email_changed"
    } else {
        "email_verified"
    };
    let (id, detail) = (Some(user.user_id), learner_type.as_str());
    audit(&mut tx, id, id, action, detail, Some(client), now).await?;
    tx.commit().await?;
    Ok(Confirmed {
        user_id: user.user_id,
    })
}

/// Records `email` as `user`'s proven address with the learner type that gives (see
/// [`learner_type::once_proven`]). Shared by verification links and password resets
/// (opening a reset link proves the mailbox too).
pub(crate) async fn prove_address(
    tx: &mut Tx,
    nhs: &NhsDomains,
    user: &User,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<LearnerType, DbError> {
    let (learner_type, reason) = learner_type::once_proven(user, email, nhs);
    let name = &user.full_name;
    users::verify_email(tx, user.user_id, email, name, learner_type, &reason, now).await?;
    Ok(learner_type)
}

async fn welcome(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    user: &User,
    email: &Email,
    learner_type: LearnerType,
    now: DateTime<Utc>,
) -> Result<(), MailError> {
    let mail = Welcome {
        name: user.full_name.clone(),
        nhs: learner_type == LearnerType::Nhs,
        courses_url: ctx.site.url(paths::courses()),
        account_url: ctx.site.url(paths::account()),
    };
    let key = format!("welcome:{}", user.user_id);
    mails::send(tx, ctx, email, user.user_id, key, &mail, now).await
}

async fn notify_old_address(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    user: &User,
    new: &Email,
    now: DateTime<Utc>,
) -> Result<(), VerifyError> {
    let old = Email::parse(&user.email)?;
    let mail = EmailChanged {
        name: user.full_name.clone(),
        new_address: new.to_string(),
    };
    let key = format!("email_changed:{}:{}", user.user_id, now.timestamp_micros());
    mails::send(tx, ctx, &old, user.user_id, key, &mail, now).await?;
    Ok(())
}

/// A new verification link for an account whose address is not confirmed yet (at most
/// [`ACCOUNT_MAILS`] an hour).
pub async fn resend_verification(ctx: Ctx<'_>, user: &User) -> Result<(), VerifyError> {
    if user.is_verified() {
        return Err(VerifyError::AlreadyVerified);
    }
    let key = account_key("verify_mail", &user.email);
    if throttle::hit(ctx, &key, ACCOUNT_MAILS).await?.is_err() {
        return Err(VerifyError::TooManyEmails);
    }
    let now = ctx.now();
    let email = Email::parse(&user.email)?;
    let mut tx = ctx.db.begin().await?;
    send_verification(
        &mut tx,
        ctx,
        user.user_id,
        &user.full_name,
        &email,
        false,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
