//! The interest list: people who asked to hear, once, when a course's next cohort opens.
//! Signed-in, verified learners are listed at once; anyone else confirms by a mailed link.
//! Every listing carries an unsubscribe link; opening a cohort mails the list and empties it.

use crate::auth::keys::{hash_token, new_token};
use crate::catalogue::mails::{CohortOpened, InterestConfirm};
use crate::context::Ctx;
use crate::db::cohorts::Cohort;
use crate::db::courses::{self, Course};
use crate::db::interests::{self, NewInterest};
use crate::db::{DbError, Tx};
use crate::domain::email::Email;
use crate::domain::london;
use crate::email::outbox::{Envelope, queue};
use crate::paths;

#[derive(Debug, thiserror::Error)]
pub enum InterestError {
    /// The confirmation link is unknown or was used already.
    #[error("this link has already been used or does not work")]
    LinkUnknown,
    /// The mail could not be rendered or queued.
    #[error("cannot queue the mail")]
    Outbox(#[from] anyhow::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Lists a signed-in learner whose address is verified, confirmed at once.
pub async fn register_signed_in(
    ctx: Ctx<'_>,
    course: &Course,
    user_id: i64,
    email: &str,
) -> Result<(), InterestError> {
    let now = ctx.now();
    let (_, unsubscribe_hash) = new_token();
    let new = NewInterest {
        course_id: course.course_id,
        user_id: Some(user_id),
        email,
        confirm_token_hash: None,
        unsubscribe_token_hash: &unsubscribe_hash,
        confirmed_at: Some(now),
    };
    let mut tx = ctx.db.begin().await?;
    interests::upsert(&mut tx, &new, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Lists an address unconfirmed and mails it a confirmation link, unless it is confirmed
/// already. The caller answers the same either way, so the list's members stay private.
pub async fn register_by_email(
    ctx: Ctx<'_>,
    course: &Course,
    email: &Email,
) -> Result<(), InterestError> {
    let now = ctx.now();
    let (unsubscribe_token, unsubscribe_hash) = new_token();
    let (confirm_token, confirm_hash) = new_token();
    let new = NewInterest {
        course_id: course.course_id,
        user_id: None,
        email: email.as_str(),
        confirm_token_hash: Some(&confirm_hash),
        unsubscribe_token_hash: &unsubscribe_hash,
        confirmed_at: None,
    };
    let mut tx = ctx.db.begin().await?;
    let interest = interests::upsert(&mut tx, &new, now).await?;
    if interest.confirmed_at.is_none() {
        let mail = InterestConfirm {
            course_title: course.title.clone(),
            confirm_url: ctx.site.url(&paths::interest_confirm(&confirm_token)),
            unsubscribe_url: ctx
                .site
                .url(&paths::interest_unsubscribe(&unsubscribe_token)),
        };
        let envelope = Envelope {
            to: email,
            user_id: None,
            idempotency_key: format!("interest_confirm:{}:{confirm_hash}", interest.interest_id),
        };
        queue(&mut tx, ctx.site, &envelope, &mail, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Confirms the listing whose confirmation link this is.
pub async fn confirm(ctx: Ctx<'_>, token: &str) -> Result<(), InterestError> {
    let mut tx = ctx.db.begin().await?;
    if !interests::confirm(&mut tx, &hash_token(token), ctx.now()).await? {
        return Err(InterestError::LinkUnknown);
    }
    tx.commit().await?;
    Ok(())
}

/// Takes the listing whose unsubscribe link this is off the list. True if there was one.
pub async fn unsubscribe(ctx: Ctx<'_>, token: &str) -> Result<bool, InterestError> {
    let mut tx = ctx.db.begin().await?;
    let removed = interests::unsubscribe(&mut tx, &hash_token(token)).await?;
    tx.commit().await?;
    Ok(removed)
}

/// Everyone confirmed on the list of the cohort's course gets one email, queued in `tx`
/// (the transaction that opens the cohort), and leaves the list. Until the course is
/// published there is nothing to point to, so everyone stays on the list.
pub(super) async fn notify_opened(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    cohort: &Cohort,
) -> Result<(), InterestError> {
    let Some(course) = courses::find_in(tx, cohort.course_id)
        .await?
        .filter(|c| c.published)
    else {
        return Ok(());
    };
    for listed in interests::take_confirmed(tx, course.course_id).await? {
        let Ok(to) = Email::parse(&listed.email) else {
            continue;
        };
        // The listing is gone; this link lets them confirm that on a page all the same.
        let (unsubscribe_token, _) = new_token();
        let mail = CohortOpened {
            course_title: course.title.clone(),
            cohort_name: cohort.name.clone(),
            starts: london::date(cohort.starts_on),
            course_url: ctx.site.url(&paths::course(&course.slug)),
            unsubscribe_url: ctx
                .site
                .url(&paths::interest_unsubscribe(&unsubscribe_token)),
        };
        let envelope = Envelope {
            to: &to,
            user_id: None,
            idempotency_key: format!("cohort_opened:{}:{}", cohort.cohort_id, listed.interest_id),
        };
        queue(tx, ctx.site, &envelope, &mail, ctx.now()).await?;
    }
    Ok(())
}
