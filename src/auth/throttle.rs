//! Rate limits shared by every process: attempts per key, refused for a while past a limit.

use chrono::{DateTime, Duration, Utc};

use crate::clock::Clock;
use crate::context::Ctx;
use crate::db::{Db, DbError, Tx, throttles};
use crate::domain::throttle::Limit;

/// What counting attempts needs: the shared counters and "now". Services pass their
/// [`Ctx`]; `From<&AppState>` (in `state.rs`) serves callers that still hold the state.
#[derive(Clone, Copy)]
pub struct Counters<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
}

impl<'a> From<Ctx<'a>> for Counters<'a> {
    fn from(ctx: Ctx<'a>) -> Self {
        Counters {
            db: ctx.db,
            clock: ctx.clock,
        }
    }
}

/// How many form posts one client address may make a minute (from configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerMinute(pub u32);

impl From<u32> for PerMinute {
    fn from(attempts: u32) -> Self {
        PerMinute(attempts)
    }
}

/// Refused until `until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocked {
    pub until: DateTime<Utc>,
}

impl Blocked {
    pub fn retry_after_secs(&self, now: DateTime<Utc>) -> i64 {
        (self.until - now).num_seconds().max(1)
    }

    /// "Wait 2 minutes, then try again."
    pub fn advice(&self, now: DateTime<Utc>) -> String {
        let minutes = (self.retry_after_secs(now) + 59) / 60;
        match minutes {
            1 => "Wait 1 minute, then try again.".to_owned(),
            n => format!("Wait {n} minutes, then try again."),
        }
    }
}

/// Sign-in attempts for one account from one client address (cleared by a success there):
/// five failures in 15 minutes start refusals, from 30 seconds doubling to 15 minutes.
/// Keyed on the address too, so someone guessing elsewhere never locks the owner out.
pub const SIGN_IN_FAILURES: Limit = Limit {
    allowed: 5,
    window: Duration::minutes(15),
    first_lock: Duration::seconds(30),
    longest_lock: Duration::minutes(15),
};

/// Sign-in attempts for one account from every address together, counted for browsers that
/// have not signed in to it before. Past it, such a browser is offered a one-time link by
/// email instead of a password check, for an hour (a browser with the account's device
/// cookie still signs in as usual, and nobody is locked out).
///
/// Why 50 an hour: the per-address lock alone lets a guesser with many addresses try about
/// 20 passwords an hour from each; this caps all of them together at 50 an hour (1,200 a
/// day, too few for a passphrase), while an owner who mistypes never comes near it.
pub const SIGN_IN_CEILING: Limit = Limit {
    allowed: 50,
    window: Duration::hours(1),
    first_lock: Duration::hours(1),
    longest_lock: Duration::hours(1),
};

/// Verification, reset or sign-in link mails for one account: 5 an hour.
pub const ACCOUNT_MAILS: Limit = Limit {
    allowed: 5,
    window: Duration::hours(1),
    first_lock: Duration::hours(1),
    longest_lock: Duration::hours(1),
};

/// Form posts from one client address per minute.
pub fn per_address(attempts: impl Into<PerMinute>) -> Limit {
    Limit {
        allowed: i64::from(attempts.into().0),
        window: Duration::minutes(1),
        first_lock: Duration::minutes(1),
        longest_lock: Duration::minutes(1),
    }
}

pub fn address_key(action: &str, address: &impl std::fmt::Display) -> String {
    format!("{action}:address:{address}")
}

pub fn account_key(action: &str, email: &str) -> String {
    format!("{action}:account:{email}")
}

/// Sign-in attempts for `email` from `address` ([`SIGN_IN_FAILURES`]). Like every key that
/// names an account, it ends in `:account:{email}`, so deleting the account finds it.
pub fn sign_in_key(email: &str, address: &str) -> String {
    format!("{SIGN_IN}:address:{address}:account:{email}")
}

/// Sign-in attempts for `email` from every address ([`SIGN_IN_CEILING`]).
pub fn sign_in_ceiling_key(email: &str) -> String {
    format!("{SIGN_IN}:all:account:{email}")
}

/// The action every sign-in counter of an account starts with.
const SIGN_IN: &str = "sign_in";

/// Counts an attempt against `key` and says whether it may go ahead, in one step that
/// concurrent requests (in any process) cannot race past:
/// - refused while a lock stands;
/// - allowed within the limit;
/// - past the limit, the first attempt after a lock ends is allowed (and locks again, for
///   longer), any other is refused and starts a lock.
pub async fn hit<'a>(
    counters: impl Into<Counters<'a>>,
    key: &str,
    limit: Limit,
) -> Result<Result<(), Blocked>, DbError> {
    let Counters { db, clock } = counters.into();
    let mut tx = db.begin().await?;
    let decision = hit_in(&mut tx, clock.now(), key, limit).await?;
    tx.commit().await?;
    Ok(decision)
}

/// [`hit`] inside the caller's transaction, so the count lands with what the caller does
/// (or not at all); the counter's row stays locked until that transaction ends.
pub async fn hit_in(
    tx: &mut Tx,
    now: DateTime<Utc>,
    key: &str,
    limit: Limit,
) -> Result<Result<(), Blocked>, DbError> {
    let stored = throttles::lock(tx, key, now).await?;
    if let Some(until) = stored
        .as_ref()
        .and_then(|c| c.blocked_until)
        .filter(|until| *until > now)
    {
        return Ok(Err(Blocked { until }));
    }
    let current = stored.filter(|c| c.window_started_at > now - limit.window);
    let lock_ended = current.as_ref().is_some_and(|c| c.blocked_until.is_some());
    let counter = throttles::Counter {
        window_started_at: current.as_ref().map_or(now, |c| c.window_started_at),
        attempts: current.as_ref().map_or(0, |c| c.attempts) + 1,
        blocked_until: None,
    };
    let lock = limit.lock_after(counter.attempts).map(|d| now + d);
    throttles::store(
        tx,
        key,
        &throttles::Counter {
            blocked_until: lock,
            ..counter.clone()
        },
    )
    .await?;
    match lock {
        Some(until) if !lock_ended => Ok(Err(Blocked { until })),
        _ => Ok(Ok(())),
    }
}

/// The lock standing on `key` now, if any, without counting an attempt.
pub async fn blocked<'a>(
    counters: impl Into<Counters<'a>>,
    key: &str,
) -> Result<Option<Blocked>, DbError> {
    let Counters { db, clock } = counters.into();
    let now = clock.now();
    let until = throttles::blocked_until(db, key).await?;
    Ok(until
        .filter(|until| *until > now)
        .map(|until| Blocked { until }))
}

/// Forgets every sign-in counter of `email`, from every address and the ceiling (after the
/// owner proved their mailbox: a reset or an emailed sign-in link).
pub async fn clear_sign_in<'a>(
    counters: impl Into<Counters<'a>>,
    email: &str,
) -> Result<(), DbError> {
    throttles::clear_for_account(counters.into().db, SIGN_IN, email).await
}

/// Forgets `key`'s attempts (after a success that proves the owner).
pub async fn clear<'a>(counters: impl Into<Counters<'a>>, key: &str) -> Result<(), DbError> {
    throttles::clear(counters.into().db, key).await
}
