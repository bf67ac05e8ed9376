//! An in-process rate limit per client address: a token bucket per address, refilled on the
//! app's clock, for pages anyone may load where a database counter would cost a write per
//! view (the public certificate check). Each process keeps its own buckets, so behind a
//! load balancer the limit applies per process.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// Addresses remembered at most; past it, buckets that have refilled are dropped (they
/// hold nothing a fresh one would not), and if every one is still in use the whole table
/// starts again rather than grow without bound.
const MOST_ADDRESSES: usize = 100_000;

/// Refused: try again after this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Tokens are counted in units of 1/60,000 of a request, so a bucket refilled at
/// `per_minute` a minute gains exactly `per_minute` units a millisecond: whole numbers, no
/// rounding drift.
const UNITS_PER_REQUEST: u64 = 60_000;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    units: u64,
    at: DateTime<Utc>,
}

/// `per_minute` requests per address in a burst, refilled at `per_minute` a minute.
#[derive(Debug)]
pub struct AddressLimiter {
    per_minute: u64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl AddressLimiter {
    pub fn per_minute(per_minute: u32) -> AddressLimiter {
        AddressLimiter {
            per_minute: u64::from(per_minute.max(1)),
            buckets: Mutex::default(),
        }
    }

    /// Takes one request from `client`'s bucket at `now`, or says how long until one is
    /// there.
    pub fn check(&self, client: IpAddr, now: DateTime<Utc>) -> Result<(), RetryAfter> {
        let capacity = self.per_minute * UNITS_PER_REQUEST;
        let refill = |bucket: &Bucket| {
            let elapsed = u64::try_from((now - bucket.at).num_milliseconds()).unwrap_or(0);
            bucket
                .units
                .saturating_add(elapsed.saturating_mul(self.per_minute))
                .min(capacity)
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let key = key_of(client);
        if !buckets.contains_key(&key) && buckets.len() >= MOST_ADDRESSES {
            buckets.retain(|_, bucket| refill(bucket) < capacity);
            if buckets.len() >= MOST_ADDRESSES {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            units: capacity,
            at: now,
        });
        let units = refill(bucket);
        // A clock set back refills nothing and does not move the bucket's time back.
        bucket.at = now.max(bucket.at);
        if units >= UNITS_PER_REQUEST {
            bucket.units = units - UNITS_PER_REQUEST;
            Ok(())
        } else {
            bucket.units = units;
            let wait_ms = (UNITS_PER_REQUEST - units).div_ceil(self.per_minute);
            Err(RetryAfter(wait_ms.div_ceil(1000).max(1)))
        }
    }
}

/// An IPv6 client is limited by its /64, the block one subscriber gets, so that walking
/// through its own addresses does not multiply the limit.
fn key_of(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn a_burst_up_to_the_limit_then_refusals_until_the_clock_moves() {
        let limiter = AddressLimiter::per_minute(3);
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let client = ip("203.0.113.9");
        for _ in 0..3 {
            assert_eq!(limiter.check(client, now), Ok(()));
        }
        assert_eq!(limiter.check(client, now), Err(RetryAfter(20)));
        assert_eq!(
            limiter.check(ip("203.0.113.10"), now),
            Ok(()),
            "another address"
        );
        let later = now + Duration::seconds(20);
        assert_eq!(limiter.check(client, later), Ok(()), "one token back");
        assert!(limiter.check(client, later).is_err());
        let much_later = later + Duration::hours(1);
        for _ in 0..3 {
            assert_eq!(
                limiter.check(client, much_later),
                Ok(()),
                "full again, not more"
            );
        }
        assert!(limiter.check(client, much_later).is_err());
    }

    #[test]
    fn an_ipv6_subscriber_shares_one_bucket() {
        let limiter = AddressLimiter::per_minute(1);
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        assert!(limiter.check(ip("2001:db8:1:2::1"), now).is_ok());
        assert!(limiter.check(ip("2001:db8:1:2:ffff::9"), now).is_err());
        assert!(limiter.check(ip("2001:db8:1:3::1"), now).is_ok());
    }

    #[test]
    fn a_clock_set_back_refills_nothing() {
        let limiter = AddressLimiter::per_minute(1);
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let client = ip("198.51.100.7");
        assert!(limiter.check(client, now).is_ok());
        assert!(limiter.check(client, now - Duration::hours(1)).is_err());
        assert!(limiter.check(client, now).is_err());
    }
}
