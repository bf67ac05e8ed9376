//! How long a signed-in session lasts: its idle limits (with and without "remember me"),
//! its absolute end, and the cookie lifetime that follows from them.

use chrono::{DateTime, Duration, Utc};
use tower_sessions::Expiry;

/// How long a signed-in session lasts (from configuration).
#[derive(Clone, Copy, Debug)]
pub struct SessionLifetime {
    /// Without "remember me": ended after this long without a request.
    pub idle: Duration,
    /// With "remember me": ended after this long without a request.
    pub remembered_idle: Duration,
    /// Any session: ended this long after signing in, however active.
    pub absolute: Duration,
}

impl From<&crate::config::Config> for SessionLifetime {
    fn from(config: &crate::config::Config) -> Self {
        SessionLifetime {
            idle: Duration::hours(i64::from(config.session_idle_hours)),
            remembered_idle: Duration::days(i64::from(config.remember_me_days)),
            absolute: Duration::days(i64::from(config.session_max_days)),
        }
    }
}

impl SessionLifetime {
    pub(super) fn is_live(
        &self,
        remember: bool,
        started: DateTime<Utc>,
        idle_secs: i64,
        now: DateTime<Utc>,
    ) -> bool {
        let idle_limit = match remember {
            true => self.remembered_idle,
            false => self.idle,
        };
        idle_secs <= idle_limit.num_seconds() && now < started + self.absolute
    }

    /// The cookie's lifetime: a browser-session cookie, or for "remember me" the idle limit
    /// from now, never past the absolute end.
    pub(super) fn expiry(
        &self,
        remember: bool,
        started: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Expiry {
        if !remember {
            return Expiry::OnSessionEnd;
        }
        // Relative to the session layer's own clock, which is not ours in tests.
        let left = self.remembered_idle.min(started + self.absolute - now);
        Expiry::OnInactivity(time::Duration::seconds(left.num_seconds().max(0)))
    }
}
