//! Single-use account links: issuing one with the mail that carries it, and opening one.

use chrono::{DateTime, Duration, Utc};

use super::mails::SignInLink;
use super::mails::{self, MailError};
use crate::auth::keys::{hash_token, new_token};
use crate::context::Ctx;
use crate::db::tokens::{self, AccountToken, Purpose};
use crate::db::{DbError, Tx};
use crate::domain::email::Email;
use crate::email::templates::{OutgoingEmail, PasswordReset, VerifyEmail};
use crate::paths;

pub const VERIFY_FOR: Duration = Duration::hours(24);
pub const RESET_FOR: Duration = Duration::hours(1);
/// Short: the link stands in for a password while someone else is guessing it.
pub const SIGN_IN_FOR: Duration = Duration::minutes(30);

/// Issuing a link failed in storage.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] MailError),
}

/// Creates a verification link for `email` (the account's address, or a new one it is
/// changing to) and queues the mail carrying it, in `tx`.
pub async fn send_verification(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    user_id: i64,
    name: &str,
    email: &Email,
    changing_address: bool,
    now: DateTime<Utc>,
) -> Result<(), LinkError> {
    let link = Link {
        user_id,
        purpose: Purpose::VerifyEmail,
        email,
        valid_for: VERIFY_FOR,
    };
    send_link(tx, ctx, link, now, |verify_url| VerifyEmail {
        name: name.to_owned(),
        verify_url,
        changing_address,
    })
    .await
}

/// Creates a password-reset link and queues the mail carrying it, in `tx`.
pub async fn send_reset(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    user_id: i64,
    name: &str,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), LinkError> {
    let link = Link {
        user_id,
        purpose: Purpose::ResetPassword,
        email,
        valid_for: RESET_FOR,
    };
    send_link(tx, ctx, link, now, |reset_url| PasswordReset {
        name: name.to_owned(),
        reset_url,
    })
    .await
}

/// Creates a one-time sign-in link and queues the mail carrying it, in `tx`.
pub async fn send_sign_in(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    user_id: i64,
    name: &str,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), LinkError> {
    let link = Link {
        user_id,
        purpose: Purpose::SignIn,
        email,
        valid_for: SIGN_IN_FOR,
    };
    send_link(tx, ctx, link, now, |sign_in_url| SignInLink {
        name: name.to_owned(),
        sign_in_url,
        minutes: SIGN_IN_FOR.num_minutes(),
    })
    .await
}

/// The link behind `token` while it can still be spent (opening a link spends nothing).
pub async fn usable(
    ctx: Ctx<'_>,
    purpose: Purpose,
    token: &str,
) -> Result<Option<AccountToken>, DbError> {
    let found = tokens::find(ctx.db, purpose, &hash_token(token)).await?;
    Ok(found.filter(|t| t.is_usable(ctx.now())))
}

struct Link<'a> {
    user_id: i64,
    purpose: Purpose,
    email: &'a Email,
    valid_for: Duration,
}

/// The page a link of `purpose` opens.
fn page_of(purpose: Purpose, token: &str) -> String {
    match purpose {
        Purpose::VerifyEmail => paths::verify_email(token),
        Purpose::ResetPassword => paths::reset_password(token),
        Purpose::SignIn => paths::sign_in_link(token),
    }
}

/// Stores a fresh token's hash and queues the mail `make` writes around its URL.
async fn send_link<M: OutgoingEmail>(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    link: Link<'_>,
    now: DateTime<Utc>,
    make: impl FnOnce(String) -> M,
) -> Result<(), LinkError> {
    let (token, hash) = new_token();
    let expires_at = now + link.valid_for;
    let token_id = tokens::insert(
        tx,
        link.user_id,
        link.purpose,
        &hash,
        link.email.as_str(),
        expires_at,
        now,
    )
    .await?;
    let mail = make(ctx.site.url(&page_of(link.purpose, &token)));
    let key = format!("{}:{token_id}", M::KIND);
    mails::send(tx, ctx, link.email, link.user_id, key, &mail, now).await?;
    Ok(())
}
