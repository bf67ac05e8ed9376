//! The worker that answers queued requests for mailed links (password resets and one-time
//! sign-in links): the pages only queue them, so they do the same work for any address.

use super::reset::{ResetError, answer_reset};
use super::sign_in_link::{SignInLinkError, answer_sign_in_link};
use crate::context::Ctx;
use crate::db::DbError;
use crate::db::link_requests::{self, LinkWanted};

/// A request could not be answered (it is retried, then dropped).
#[derive(Debug, thiserror::Error)]
pub enum LinkRequestError {
    #[error(transparent)]
    Reset(#[from] ResetError),
    #[error(transparent)]
    SignIn(#[from] SignInLinkError),
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
        let outcome = match request.purpose {
            LinkWanted::ResetPassword => answer_reset(&mut tx, ctx, &request)
                .await
                .map_err(LinkRequestError::from),
            LinkWanted::SignIn => answer_sign_in_link(&mut tx, ctx, &request)
                .await
                .map_err(LinkRequestError::from),
        };
        let outcome = match outcome {
            Ok(()) => link_requests::delete(&mut tx, request.link_request_id)
                .await
                .map_err(LinkRequestError::from),
            Err(error) => Err(error),
        };
        match outcome {
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
