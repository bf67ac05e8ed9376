//! Reminders before the learner's renewal or appraisal date (90 and 30 days before): their
//! progress for the cycle and what is still missing, once per date and lead time, queued in
//! the transaction that records it was sent (two processes send it once).

use chrono::NaiveDate;

use crate::context::Ctx;
use crate::db::cpd::{self as entries, reminders};
use crate::db::users::{self, User};
use crate::db::{DbError, Tx};
use crate::domain::cpd::hours::hours_text;
use crate::domain::cpd::regulator::{Overview, overview};
use crate::domain::email::Email;
use crate::domain::london;
use crate::email::outbox::{Envelope, queue};
use crate::paths;

use super::mails::{CpdReminder, ReminderLine};

/// The lead times, nearest first: a learner due both (a date set late) gets the nearer one,
/// which settles the other.
const LEADS: [i64; 2] = [30, 90];
const BATCH: i64 = 100;

#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    /// The stored address could not be read or the mail rendered.
    #[error("the reminder could not be queued: {0}")]
    Mail(anyhow::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Sends every reminder now due. Returns how many were queued.
pub async fn send_due(ctx: Ctx<'_>) -> Result<usize, ReminderError> {
    let today = london::day_of(ctx.now());
    let mut sent = 0;
    for lead in LEADS {
        for (user_id, renewal_on) in reminders::due(ctx.db, today, lead, BATCH).await? {
            if remind(ctx, user_id, renewal_on, lead, today).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

/// One learner's reminder, unless their date or choice changed since they were found or
/// another process sent it.
async fn remind(
    ctx: Ctx<'_>,
    user_id: i64,
    renewal_on: NaiveDate,
    lead: i64,
    today: NaiveDate,
) -> Result<bool, ReminderError> {
    // Every entry: the profile that says which cycle is read in the transaction below.
    let counted = entries::counted_for_user(ctx.db, user_id, None).await?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let Some(user) = users::find_in(&mut tx, user_id).await? else {
        return Ok(false);
    };
    if user.cpd_renewal_on != Some(renewal_on) || !user.cpd_reminders {
        return Ok(false);
    }
    if !reminders::mark_sent(&mut tx, user_id, renewal_on, lead, now).await? {
        return Ok(false);
    }
    // The nearer reminder also stands for any further one not yet sent.
    for further in LEADS.iter().filter(|l| **l > lead) {
        reminders::mark_sent(&mut tx, user_id, renewal_on, *further, now).await?;
    }
    let summary = overview(
        user.professional_body.as_deref(),
        Some(renewal_on),
        &counted,
        today,
    );
    let mail = reminder(ctx, &user, renewal_on, today, &summary);
    queue_reminder(&mut tx, ctx, &user, &mail, lead, now).await?;
    tx.commit().await?;
    Ok(true)
}

fn reminder(
    ctx: Ctx<'_>,
    user: &User,
    renewal_on: NaiveDate,
    today: NaiveDate,
    summary: &Overview,
) -> CpdReminder {
    let (date_kind, cycle, lines, all_met) = match summary {
        Overview::Progress(progress) => (
            format!(
                "{} {}",
                progress.regulator.as_str(),
                progress.regulator.date_kind()
            ),
            progress.cycle.label(),
            progress
                .requirements
                .iter()
                .map(|r| ReminderLine {
                    label: r.label.clone(),
                    progress: r.progress_text(),
                    met: r.met,
                })
                .collect(),
            progress.all_met(),
        ),
        Overview::Totals { years, .. } => (
            "renewal or appraisal date".to_owned(),
            String::new(),
            years
                .iter()
                .take(1)
                .map(|year| ReminderLine {
                    label: format!("CPD recorded in {}", year.label),
                    progress: hours_text(year.tally.minutes),
                    met: true,
                })
                .collect(),
            false,
        ),
    };
    CpdReminder {
        name: user.full_name.clone(),
        date_kind,
        date: london::date(renewal_on),
        days_left: (renewal_on - today).num_days(),
        cycle,
        lines,
        all_met,
        record_url: ctx.site.url(paths::cpd()),
        settings_url: ctx.site.url(paths::account_cpd_date()),
    }
}

async fn queue_reminder(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    user: &User,
    mail: &CpdReminder,
    lead: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ReminderError> {
    let to = Email::parse(&user.email).map_err(|e| ReminderError::Mail(e.into()))?;
    let envelope = Envelope {
        to: &to,
        user_id: Some(user.user_id),
        idempotency_key: format!("cpd_reminder:{}:{}:{lead}", user.user_id, mail.date),
    };
    queue(tx, ctx.site, &envelope, mail, now)
        .await
        .map_err(ReminderError::Mail)?;
    Ok(())
}
