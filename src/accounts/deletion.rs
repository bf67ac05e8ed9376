//! Deleting an account: its places end, its profile, mail, counters and waiting link
//! requests are erased, its certificates stay verifiable without the name, and its audit
//! trail is kept reduced to the id.

use crate::db::audit::{self as audit_log, audit_own};
use crate::db::users::{self, User};
use crate::db::{DbError, certificates, enrolments, interests, link_requests, outbox, throttles};
use crate::enrolment::EnrolmentCtx;
use crate::enrolment::EnrolmentError;

/// Why an account was not deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    /// The last admin who can sign in stays.
    #[error("the only admin cannot delete their account")]
    OnlyAdmin,
    /// Ending the account's places failed.
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Deletes `user`'s account (its current password was checked by the caller), in one
/// transaction: places end as if the learner cancelled them (seats go to the waiting list,
/// paid card places are refunded under the usual policy), then the account's rows go.
///
/// It takes the enrolment workflow's context, which carries the common `Ctx`.
pub async fn delete_account(enrolment: EnrolmentCtx<'_>, user: &User) -> Result<(), DeleteError> {
    let ctx = enrolment.ctx;
    let mut tx = ctx.db.begin().await?;
    users::lock(&mut tx, user.user_id).await?;
    if user.is_admin() && users::count_active_admins(&mut tx).await? <= 1 {
        return Err(DeleteError::OnlyAdmin);
    }
    let now = ctx.now();
    crate::enrolment::learner::end_places_of_deleted_account(enrolment, &mut tx, user.user_id)
        .await?;
    // Before the enrolments go: issued certificates keep their address and facts, with the
    // name erased ("issued to a learner whose account was closed").
    certificates::forget_holder(&mut tx, user.user_id, now).await?;
    enrolments::delete_for_user(&mut tx, user.user_id).await?;
    interests::delete_for_email(&mut tx, &user.email).await?;
    outbox::delete_for_user(&mut tx, user.user_id).await?;
    throttles::delete_for_account(&mut tx, &user.email).await?;
    link_requests::delete_for_email(&mut tx, &user.email).await?;
    audit_log::forget_addresses(&mut tx, user.user_id).await?;
    audit_own(&mut tx, user.user_id, "account_deleted", None, now).await?;
    users::delete(&mut tx, user.user_id).await?;
    tx.commit().await?;
    Ok(())
}
