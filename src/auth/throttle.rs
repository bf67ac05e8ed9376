//! Rate limits shared by every process: attempts per key, refused for a while past a limit.

use chrono::{DateTime, Duration, Utc};

use crate::app::AppState;
use crate::db::throttles;
use crate::domain::throttle::Limit;
use crate::error::AppError;

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

/// Failed sign-ins for one account: the fifth failure in 15 minutes starts refusals, from
/// 30 seconds doubling to 15 minutes.
pub const SIGN_IN_FAILURES: Limit = Limit {
    allowed: 4,
    window: Duration::minutes(15),
    first_lock: Duration::seconds(30),
    longest_lock: Duration::minutes(15),
};

/// Verification or reset mails for one account: 5 an hour.
pub const ACCOUNT_MAILS: Limit = Limit {
    allowed: 5,
    window: Duration::hours(1),
    first_lock: Duration::hours(1),
    longest_lock: Duration::hours(1),
};

/// Form posts from one client address per minute (from configuration).
pub fn per_address(state: &AppState) -> Limit {
    Limit {
        allowed: i64::from(state.config.address_attempts_per_minute),
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

/// `Err` while any of `keys` is refused.
pub async fn check(state: &AppState, keys: &[&str]) -> Result<Result<(), Blocked>, AppError> {
    let now = state.clock.now();
    for key in keys {
        if let Some(until) = throttles::blocked_until(&state.db, key, now).await? {
            return Ok(Err(Blocked { until }));
        }
    }
    Ok(Ok(()))
}

/// Counts an attempt against `key`; `Err` when this attempt went past the limit.
pub async fn hit(
    state: &AppState,
    key: &str,
    limit: Limit,
) -> Result<Result<(), Blocked>, AppError> {
    let now = state.clock.now();
    let counter = throttles::add_attempt(&state.db, key, now, now - limit.window).await?;
    match limit.lock_after(counter.attempts) {
        None => Ok(Ok(())),
        Some(lock) => {
            let until = now + lock;
            throttles::block(&state.db, key, until).await?;
            Ok(Err(Blocked { until }))
        }
    }
}

pub async fn clear(state: &AppState, key: &str) -> Result<(), AppError> {
    Ok(throttles::clear(&state.db, key).await?)
}
