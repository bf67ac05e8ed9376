//! How long repeated failures are refused: slower and slower, then a longer lock.

use chrono::Duration;

/// A limit on attempts within a window; past it, attempts are refused for a while.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Attempts allowed in a window; the next one is refused.
    pub allowed: i64,
    pub window: Duration,
    /// First refusal period; it doubles with each further attempt...
    pub first_lock: Duration,
    /// ...up to this.
    pub longest_lock: Duration,
}

impl Limit {
    /// How long to refuse after `attempts` in the current window (`None`: not yet).
    pub fn lock_after(&self, attempts: i64) -> Option<Duration> {
        let over = attempts - self.allowed;
        if over <= 0 {
            return None;
        }
        let factor = 1_i64 << (over - 1).min(20);
        Some((self.first_lock * i32::try_from(factor).unwrap_or(i32::MAX)).min(self.longest_lock))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_start_after_the_allowed_attempts_and_grow_to_a_cap() {
        let limit = Limit {
            allowed: 4,
            window: Duration::minutes(15),
            first_lock: Duration::seconds(30),
            longest_lock: Duration::minutes(15),
        };
        assert_eq!(limit.lock_after(4), None);
        assert_eq!(limit.lock_after(5), Some(Duration::seconds(30)));
        assert_eq!(limit.lock_after(6), Some(Duration::minutes(1)));
        assert_eq!(limit.lock_after(7), Some(Duration::minutes(2)));
        assert_eq!(limit.lock_after(10), Some(Duration::minutes(15)));
        assert_eq!(limit.lock_after(1_000), Some(Duration::minutes(15)));
    }
}
