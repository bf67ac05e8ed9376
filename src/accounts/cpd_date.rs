//! The learner's CPD renewal or appraisal date, which sets the cycle their CPD record
//! measures, and whether they are reminded before it.

use chrono::NaiveDate;

use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::audit_own;
use crate::db::users::{self, User};

/// The date as the learner set it (none: no cycle, totals by year only).
#[derive(Clone, Copy, Debug)]
pub struct CpdDate {
    pub renewal_on: Option<NaiveDate>,
    pub reminders: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CpdDateError {
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Saves `user`'s date and reminder choice, with its audit event.
pub async fn save_cpd_date(ctx: Ctx<'_>, user: &User, date: CpdDate) -> Result<(), CpdDateError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    users::set_cpd_date(&mut tx, user.user_id, date.renewal_on, date.reminders, now).await?;
    audit_own(&mut tx, user.user_id, "cpd_date_changed", None, now).await?;
    tx.commit().await?;
    Ok(())
}
