//! Enrolment work on timers, safe to run in every process at once: ending lapsed holds and
//! offers, warning invoice holds, and reminding learners before the first live session.

use chrono::{DateTime, Duration, Utc};

use crate::context::Ctx;
use crate::db::{cohorts, enrolments};
use crate::domain::enrolment::Status;
use crate::domain::london;

use super::expiry::{expire, has_lapsed};
use super::mails::{PaymentNeeded, SessionReminder};
use super::notify::{facts, money, send};
use super::place::open_place;
use super::{EnrolmentCtx, EnrolmentError};

const BATCH: i64 = 100;
/// Invoice holds are warned this long before they end.
const HOLD_WARNING: Duration = Duration::days(3);

/// Ends every hold and offer whose time has run out; each seat goes to the waiting list.
/// Another process (or a late payment) may get there first: that place is skipped.
pub async fn expire_lapsed(ctx: EnrolmentCtx<'_>) -> Result<usize, EnrolmentError> {
    let mut expired = 0;
    for (enrolment_id, _) in enrolments::lapsed(ctx.db(), ctx.now(), BATCH).await? {
        let (mut tx, mut place) = open_place(ctx.ctx, enrolment_id).await?;
        if !has_lapsed(ctx.ctx, &place) {
            continue;
        }
        expire(ctx, &mut tx, &mut place).await?;
        tx.commit().await?;
        expired += 1;
    }
    Ok(expired)
}

/// Reminds invoice holders a few days before their hold ends, once.
pub async fn warn_holds(ctx: Ctx<'_>) -> Result<usize, EnrolmentError> {
    let now = ctx.now();
    let mut warned = 0;
    for (enrolment_id, _) in
        enrolments::holds_to_warn(ctx.db, now, now + HOLD_WARNING, BATCH).await?
    {
        let (mut tx, place) = open_place(ctx, enrolment_id).await?;
        if place.enrolment.status() != Status::AwaitingInvoice
            || !enrolments::mark_hold_warned(&mut tx, enrolment_id, now).await?
        {
            continue;
        }
        let mail = PaymentNeeded {
            p: facts(ctx.site, &place),
            by_card: false,
            amount: money(place.enrolment.fee_pence),
            hold_until: place
                .enrolment
                .hold_expires_at
                .map(london::date_time)
                .unwrap_or_default(),
            expiring: true,
        };
        send(ctx, &mut tx, &place, "hold_warning", &mail).await?;
        tx.commit().await?;
        warned += 1;
    }
    Ok(warned)
}

/// Reminds confirmed learners 7 days and 1 day before the first live session, once each.
/// A place confirmed inside the last week gets only the reminders still ahead of it.
pub async fn send_reminders(ctx: Ctx<'_>) -> Result<usize, EnrolmentError> {
    let now = ctx.now();
    let mut sent = 0;
    for (week, within) in [(false, Duration::days(1)), (true, Duration::days(7))] {
        // The week reminder is only for sessions more than a day away.
        let from = if week { now + Duration::days(1) } else { now };
        for (enrolment_id, _) in
            enrolments::due_reminders(ctx.db, week, from, now + within, BATCH).await?
        {
            sent += usize::from(remind(ctx, enrolment_id, week).await?);
        }
    }
    Ok(sent)
}

/// "today", "tomorrow" or "in 6 days", counted in London calendar days.
fn days_until(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    match (london::day_of(at) - london::day_of(now)).num_days() {
        ..=0 => "today".into(),
        1 => "tomorrow".into(),
        days => format!("in {days} days"),
    }
}

async fn remind(ctx: Ctx<'_>, enrolment_id: i64, week: bool) -> Result<bool, EnrolmentError> {
    let now = ctx.now();
    let (mut tx, place) = open_place(ctx, enrolment_id).await?;
    if place.enrolment.status() != Status::Confirmed
        || !enrolments::mark_reminded(&mut tx, enrolment_id, week, now).await?
    {
        return Ok(false);
    }
    let Some(first) = cohorts::first_session_start(&mut tx, place.cohort.cohort_id).await? else {
        return Ok(false);
    };
    let mail = SessionReminder {
        p: facts(ctx.site, &place),
        when: days_until(now, first),
        first_session: london::date_time(first),
    };
    let event = if week {
        "reminder_week"
    } else {
        "reminder_day"
    };
    send(ctx, &mut tx, &place, event, &mail).await?;
    tx.commit().await?;
    Ok(true)
}
