//! The mails account services queue, each in the transaction of the change it reports.

use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::db::Tx;
use crate::db::users::User;
use crate::domain::email::Email;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::{OutgoingEmail, PasswordChanged};
use crate::paths;

/// A mail could not be rendered or stored in the outbox.
#[derive(Debug, thiserror::Error)]
#[error("the email could not be queued")]
pub struct MailError(#[source] anyhow::Error);

/// Queues `mail` to `to` for account `user_id` in `tx`, once per `key`.
pub(crate) async fn send<M: OutgoingEmail>(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    to: &Email,
    user_id: i64,
    key: String,
    mail: &M,
    now: DateTime<Utc>,
) -> Result<(), MailError> {
    let envelope = Envelope {
        to,
        user_id: Some(user_id),
        idempotency_key: key,
    };
    queue(tx, ctx.site, &envelope, mail, now)
        .await
        .map_err(MailError)?;
    Ok(())
}

/// "Your password was changed", with a reset link in case it was not the owner. `event`
/// makes the key: one mail per change or per reset link.
pub(crate) async fn password_changed(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    user: &User,
    to: &Email,
    event: &str,
    now: DateTime<Utc>,
) -> Result<(), MailError> {
    let mail = PasswordChanged {
        name: user.full_name.clone(),
        reset_url: ctx.site.url(paths::forgot_password()),
    };
    let key = format!("password_changed:{event}");
    send(tx, ctx, to, user.user_id, key, &mail, now).await
}
