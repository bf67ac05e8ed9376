//! Account steps shared by several pages: issuing a link with its email, and the audit trail.

use chrono::{DateTime, Duration, Utc};

use crate::auth::keys::new_token;
use crate::db::Tx;
use crate::db::tokens::{self, Purpose};
use crate::domain::email::Email;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::{OutgoingEmail, PasswordReset, VerifyEmail};
use crate::error::AppError;
use crate::state::AppState;

pub const VERIFY_FOR: Duration = Duration::hours(24);
pub const RESET_FOR: Duration = Duration::hours(1);

/// Creates a verification link for `email` (the account's address, or a new one it is
/// changing to) and queues the mail carrying it, in `tx`.
pub async fn send_verification(
    tx: &mut Tx,
    state: &AppState,
    user_id: i64,
    name: &str,
    email: &Email,
    changing_address: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let link = Link {
        user_id,
        purpose: Purpose::VerifyEmail,
        email,
        valid_for: VERIFY_FOR,
    };
    send_link(tx, state, link, now, |verify_url| VerifyEmail {
        name: name.to_owned(),
        verify_url,
        changing_address,
    })
    .await
}

/// Creates a password-reset link and queues the mail carrying it, in `tx`.
pub async fn send_reset(
    tx: &mut Tx,
    state: &AppState,
    user_id: i64,
    name: &str,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let link = Link {
        user_id,
        purpose: Purpose::ResetPassword,
        email,
        valid_for: RESET_FOR,
    };
    send_link(tx, state, link, now, |reset_url| PasswordReset {
        name: name.to_owned(),
        reset_url,
    })
    .await
}

struct Link<'a> {
    user_id: i64,
    purpose: Purpose,
    email: &'a Email,
    valid_for: Duration,
}

/// Stores a fresh token's hash and queues the mail `make` writes around its URL.
async fn send_link<M: OutgoingEmail>(
    tx: &mut Tx,
    state: &AppState,
    link: Link<'_>,
    now: DateTime<Utc>,
    make: impl FnOnce(String) -> M,
) -> Result<(), AppError> {
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
    let site = state.site();
    let mail = make(site.url(&format!("{}{token}", link.purpose.path())));
    let key = format!("{}:{token_id}", M::KIND);
    let envelope = Envelope {
        to: link.email,
        user_id: Some(link.user_id),
        idempotency_key: key,
    };
    queue(tx, site, &envelope, &mail, now).await?;
    Ok(())
}
