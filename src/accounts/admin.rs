//! What admins do to other people's accounts (role, learner type, disabling) and to the
//! mail sent to them (sending a failed email again), each with its audit event.

use super::learner_type::admin_reason;
use crate::context::Ctx;
use crate::db::audit::{audit, audit_admin};
use crate::db::users::{self, LearnerType, Role, User};
use crate::db::{DbError, Tx, outbox};
use crate::domain::audit::{Subject, SubjectKind};

/// Why an admin's change to an account was refused.
#[derive(Debug, thiserror::Error)]
pub enum AdminUserError {
    #[error("no such account")]
    NotFound,
    #[error("admins cannot change their own role")]
    OwnRole,
    #[error("admins cannot disable their own account")]
    OwnAccount,
    /// The change would leave no admin able to sign in.
    #[error("this is the last admin")]
    LastAdmin,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The admin making a change, and where from.
#[derive(Clone, Copy, Debug)]
pub struct ByAdmin<'a> {
    pub admin_id: i64,
    pub client: &'a str,
}

/// Makes `user_id` an admin or a learner. Nobody changes their own role, and the last
/// admin who can sign in is never made a learner.
pub async fn change_role(
    ctx: Ctx<'_>,
    by: ByAdmin<'_>,
    user_id: i64,
    role: Role,
) -> Result<(), AdminUserError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let user = find(&mut tx, user_id).await?;
    if user.user_id == by.admin_id {
        return Err(AdminUserError::OwnRole);
    }
    if role == Role::Learner && would_remove_last_admin(&mut tx, &user).await? {
        return Err(AdminUserError::LastAdmin);
    }
    users::set_role(&mut tx, user_id, role, now).await?;
    record(&mut tx, by, user_id, "role_changed", role.as_str(), now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records an admin's decision on `user_id`'s learner type with the (checked, non-empty)
/// `reason`; it stands until an admin changes it, whatever address the account moves to.
pub async fn decide_learner_type(
    ctx: Ctx<'_>,
    by: ByAdmin<'_>,
    user_id: i64,
    learner_type: LearnerType,
    reason: &str,
) -> Result<(), AdminUserError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let recorded = admin_reason(reason);
    users::set_learner_type(&mut tx, user_id, learner_type, &recorded, now)
        .await
        .map_err(not_found)?;
    let detail = format!("{}: {reason}", learner_type.as_str());
    record(
        &mut tx,
        by,
        user_id,
        "learner_type_overridden",
        &detail,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Disables `user_id` (ending every session) or enables it again. Nobody disables their
/// own account, and the last admin who can sign in is never disabled.
pub async fn set_disabled(
    ctx: Ctx<'_>,
    by: ByAdmin<'_>,
    user_id: i64,
    disabled: bool,
) -> Result<(), AdminUserError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let user = find(&mut tx, user_id).await?;
    if disabled && user.user_id == by.admin_id {
        return Err(AdminUserError::OwnAccount);
    }
    if disabled && would_remove_last_admin(&mut tx, &user).await? {
        return Err(AdminUserError::LastAdmin);
    }
    users::set_disabled(&mut tx, user_id, disabled, now).await?;
    let action = if disabled {
        "account_disabled"
    } else {
        "account_enabled"
    };
    record(&mut tx, by, user_id, action, "", now).await?;
    tx.commit().await?;
    Ok(())
}

async fn find(tx: &mut Tx, user_id: i64) -> Result<User, AdminUserError> {
    users::find_in(tx, user_id)
        .await?
        .ok_or(AdminUserError::NotFound)
}

fn not_found(error: DbError) -> AdminUserError {
    match error {
        DbError::NotFound => AdminUserError::NotFound,
        other => AdminUserError::Db(other),
    }
}

/// Whether changing `user` would leave no admin able to sign in.
async fn would_remove_last_admin(tx: &mut Tx, user: &User) -> Result<bool, DbError> {
    Ok(user.is_admin() && !user.is_disabled() && users::count_active_admins(tx).await? <= 1)
}

async fn record(
    tx: &mut Tx,
    by: ByAdmin<'_>,
    user_id: i64,
    action: &str,
    detail: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbError> {
    let (actor, subject, client) = (Some(by.admin_id), Some(user_id), Some(by.client));
    audit(tx, actor, subject, action, detail, client, now).await
}

/// Why an email was not sent again.
#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("no such email")]
    NotFound,
    #[error("only failed or dead emails that still have a body can be sent again")]
    NotRetryable,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Queues failed or dead mail `email_id` again (if its body was not purged yet).
pub async fn retry_email(ctx: Ctx<'_>, by: ByAdmin<'_>, email_id: i64) -> Result<(), RetryError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if !outbox::retry_in(&mut tx, email_id, now).await? {
        return match outbox::exists_in(&mut tx, email_id).await? {
            true => Err(RetryError::NotRetryable),
            false => Err(RetryError::NotFound),
        };
    }
    let detail = email_id.to_string();
    audit_admin(
        &mut tx,
        by.admin_id,
        Some(Subject::new(SubjectKind::Email, email_id)),
        "email_retried",
        &detail,
        by.client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
