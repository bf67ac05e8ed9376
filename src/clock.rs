//! The one source of "now": the system clock in service, a movable clock in tests.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, DurationRound, Utc};

/// Every time-dependent rule reads this instead of `Utc::now()` or SQL `now()`.
///
/// Times are truncated to microseconds, the precision PostgreSQL keeps, so a value read back
/// from either database equals the value written.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    System,
    Manual(Mutex<DateTime<Utc>>),
}

impl Clock {
    pub fn system() -> Self {
        Clock(Arc::new(Source::System))
    }

    /// A clock that stands still until a test moves it.
    pub fn manual(start: DateTime<Utc>) -> Self {
        Clock(Arc::new(Source::Manual(Mutex::new(truncate(start)))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &*self.0 {
            Source::System => truncate(Utc::now()),
            Source::Manual(now) => *now.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock forward. Returns false (and does nothing) on the system clock.
    pub fn advance(&self, by: Duration) -> bool {
        match &*self.0 {
            Source::System => false,
            Source::Manual(now) => {
                let mut now = now.lock().unwrap_or_else(|e| e.into_inner());
                *now = truncate(*now + by);
                true
            }
        }
    }
}

fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let clock = Clock::manual(start);
        assert_eq!(clock.now(), start);
        assert!(clock.advance(Duration::minutes(41)));
        assert_eq!(clock.now(), start + Duration::minutes(41));
        assert!(!Clock::system().advance(Duration::minutes(1)));
    }

    #[test]
    fn system_time_is_kept_to_microseconds() {
        let now = Clock::system().now();
        assert_eq!(now.timestamp_subsec_nanos() % 1_000, 0);
    }
}
