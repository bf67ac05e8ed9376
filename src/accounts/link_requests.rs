//! The worker that answers queued requests for mailed links (password resets and one-time
//! sign-in links): the pages only queue them, so they do the same work for any address.

use super::links::{LinkError, send_reset, send_sign_in};
use crate::auth::throttle::{self, ACCOUNT_MAILS, account_key};
use crate::context::Ctx;
use crate::db::audit::audit;
use crate::db::link_requests::{self, LinkRequest, LinkWanted};
use crate::db::{DbError, Tx, users};
use crate::domain::email::{Email, EmailProblem};

/// A request could not be answered (it is retried, then dropped).
#[derive(Debug, thiserror::Error)]
pub enum LinkRequestError {
    /// A queued request's address no longer parses.
    #[error("the stored address is not valid")]
    StoredAddress(#[from] EmailProblem),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A request that failed this many times is dropped (the person can ask again).
const GIVE_UP_AFTER: i64 = 3;

/// Answers every waiting request, oldest first, each in one transaction that also deletes
/// it. Returns how many were answered. Several processes may run it at once: each request
/// is answered by one of them.
pub async fn answer_requests(ctx: Ctx<'_>) -> Result<usize, LinkRequestError> {
    if !link_requests::any_waiting(ctx.db).await? {
        return Ok(0);
    }
    let mut answered = 0;
    loop {
        let mut tx = ctx.db.begin().await?;
        let Some(request) = link_requests::next(&mut tx).await? else {
            tx.rollback().await?;
            return Ok(answered);
        };
        match answer(&mut tx, ctx, &request).await {
            Ok(()) => {
                tx.commit().await?;
                answered += 1;
            }
            Err(error) => {
                tx.rollback().await?;
                let id = request.link_request_id;
                link_requests::record_failure(ctx.db, id, GIVE_UP_AFTER).await?;
                return Err(error);
            }
        }
    }
}

/// Mails the link wanted if the address has an account that is not disabled and the
/// account's limit on such mails allows; otherwise does nothing, saying so to nobody
/// (earlier links still work). Every request counts against the limit, and is deleted.
async fn answer(tx: &mut Tx, ctx: Ctx<'_>, request: &LinkRequest) -> Result<(), LinkRequestError> {
    let now = ctx.now();
    let email = Email::parse(&request.email)?;
    let (limit, action) = match request.purpose {
        LinkWanted::ResetPassword => ("reset_mail", "password_reset_requested"),
        LinkWanted::SignIn => ("sign_in_link_mail", "sign_in_link_requested"),
    };
    let key = account_key(limit, email.as_str());
    let within_limit = throttle::hit_in(tx, now, &key, ACCOUNT_MAILS)
        .await?
        .is_ok();
    let user = users::find_by_email_in(tx, &email)
        .await?
        .filter(|u| !u.is_disabled());
    if let (Some(user), true) = (user, within_limit) {
        let (id, name) = (user.user_id, user.full_name.as_str());
        match request.purpose {
            LinkWanted::ResetPassword => send_reset(tx, ctx, id, name, &email, now).await?,
            LinkWanted::SignIn => send_sign_in(tx, ctx, id, name, &email, now).await?,
        }
        let client = Some(request.client_address.as_str());
        audit(tx, None, Some(id), action, "", client, now).await?;
    }
    link_requests::delete(tx, request.link_request_id).await?;
    Ok(())
}
