//! The mails account services queue, each in the transaction of the change it reports.

use askama::Template;
use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::db::Tx;
use crate::db::users::User;
use crate::domain::email::Email;
use crate::domain::london;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::{
    OutgoingEmail, PasswordChanged, RenderedEmail, Site, outgoing_email,
};
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

/// A one-time sign-in link, asked for from the sign-in page past the per-account ceiling.
pub struct SignInLink {
    pub name: String,
    pub sign_in_url: String,
    /// How long the link works.
    pub minutes: i64,
}
outgoing_email!(SignInLink, "sign_in_link", token: true,
    "sign_in_link/subject.txt", "sign_in_link/body.txt", "sign_in_link/body.html");

/// To the owner of a disabled account whose right password someone typed (no link: there
/// is nothing to do on the site but contact the team).
pub struct DisabledSignIn {
    pub name: String,
    /// When, in UK time.
    pub when: String,
}
outgoing_email!(DisabledSignIn, "disabled_sign_in", token: false,
    "disabled_sign_in/subject.txt", "disabled_sign_in/body.txt", "disabled_sign_in/body.html");

/// "Someone used the password of your disabled account": the key names the UTC day, so the
/// owner hears of it at most once a day however often it is tried.
pub(crate) async fn disabled_sign_in(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    user: &User,
    to: &Email,
    now: DateTime<Utc>,
) -> Result<(), MailError> {
    let mail = DisabledSignIn {
        name: user.full_name.clone(),
        when: london::date_time(now),
    };
    let key = format!(
        "disabled_sign_in:{}:{}",
        user.user_id,
        now.format("%Y-%m-%d")
    );
    send(tx, ctx, to, user.user_id, key, &mail, now).await
}
