//! Asking to change the account's address: the old one stays in use until a link sent to
//! the new one is confirmed (see [`super::verify::confirm_email`]).

use super::links::{LinkError, send_verification};
use crate::auth::throttle::{self, ACCOUNT_MAILS, account_key};
use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::audit_own;
use crate::db::users::{self, User};
use crate::domain::email::Email;

/// Why an email change was not asked for.
#[derive(Debug, thiserror::Error)]
pub enum EmailChangeError {
    #[error("too many emails have been sent to this account")]
    TooManyEmails,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Link(#[from] LinkError),
}

/// Records `new` as `user`'s pending address and mails it a confirmation link (counted
/// with the account's other verification mails), from `client`.
pub async fn request_email_change(
    ctx: Ctx<'_>,
    client: &str,
    user: &User,
    new: &Email,
) -> Result<(), EmailChangeError> {
    let key = account_key("verify_mail", &user.email);
    if throttle::hit(ctx, &key, ACCOUNT_MAILS).await?.is_err() {
        return Err(EmailChangeError::TooManyEmails);
    }
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    users::set_pending_email(&mut tx, user.user_id, Some(new), now).await?;
    send_verification(&mut tx, ctx, user.user_id, &user.full_name, new, true, now).await?;
    audit_own(
        &mut tx,
        user.user_id,
        "email_change_requested",
        Some(client),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
