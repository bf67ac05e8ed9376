//! Share links for an appraiser, confirmer or line manager: made by the learner for 7, 30
//! or 90 days over the whole record or a range of dates, and withdrawn by them. The token
//! is 256 random bits (`auth::keys::new_token`, as sign-in links are), handed back once and
//! stored only as its SHA-256 hash; the audit events name the link, never the token.

use crate::auth::keys::new_token;
use crate::context::Ctx;
use crate::db::audit::audit;
use crate::db::cpd::share::{self as store, ShareLink};
use crate::db::{DbError, Tx};
use crate::domain::cpd::fields::FieldProblem;
use crate::domain::cpd::share::{ShareDays, ShareScope};
use crate::domain::london;

use super::Learner;

/// Why a link was not made or withdrawn.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    /// No such link, or another learner's (never "forbidden": that would confirm it).
    #[error("no such share link")]
    NotFound,
    /// The dates' problems, each beside its field.
    #[error("the share link's dates have problems")]
    Invalid(Vec<FieldProblem>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Makes a link; returns it with its token, which exists nowhere else from now on.
pub async fn create_link(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    scope: ShareScope,
    days: ShareDays,
) -> Result<(ShareLink, String), ShareError> {
    let now = ctx.now();
    let problems = scope.problems(london::day_of(now));
    if !problems.is_empty() {
        return Err(ShareError::Invalid(problems));
    }
    let (token, token_hash) = new_token();
    let expires_at = days.expiry(now);
    let mut tx = ctx.db.begin().await?;
    let share_id = store::insert(&mut tx, by.user_id, &token_hash, &scope, expires_at, now).await?;
    let detail = format!(
        "cpd share link {share_id}: {}, {}, evidence {}",
        scope.describe(),
        days.label(),
        if scope.include_evidence {
            "included"
        } else {
            "not included"
        }
    );
    record(&mut tx, by, "cpd_share_created", &detail, now).await?;
    tx.commit().await?;
    let link = ShareLink {
        share_id,
        user_id: by.user_id,
        from_on: scope.from_on,
        to_on: scope.to_on,
        include_evidence: scope.include_evidence,
        created_at: now,
        expires_at,
        revoked_at: None,
        views: 0,
        last_viewed_at: None,
    };
    Ok((link, token))
}

/// Withdraws one of the learner's links; withdrawing it again changes nothing.
pub async fn revoke_link(ctx: Ctx<'_>, by: Learner<'_>, share_id: i64) -> Result<(), ShareError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::lock(&mut tx, by.user_id, share_id)
        .await?
        .ok_or(ShareError::NotFound)?;
    if store::revoke(&mut tx, share_id, now).await? {
        let detail = format!("cpd share link {share_id}");
        record(&mut tx, by, "cpd_share_revoked", &detail, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn record(
    tx: &mut Tx,
    by: Learner<'_>,
    action: &str,
    detail: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbError> {
    audit(
        tx,
        Some(by.user_id),
        Some(by.user_id),
        action,
        detail,
        Some(by.client),
        now,
    )
    .await
}
