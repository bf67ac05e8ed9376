//! The known-device cookie: a signed list of the accounts this browser has signed in to, so
//! its owner is not held back by the per-account ceiling on sign-in attempts
//! ([`SIGN_IN_CEILING`](super::throttle::SIGN_IN_CEILING)). It is set on every successful
//! sign-in; a cookie without this secret's signature counts as none.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, SameSite};

use super::keys::Keys;
use super::viewer::CookieNames;
use crate::state::AppState;

/// Long enough that a learner who signs in a few times a year stays known.
const LIFETIME_DAYS: i64 = 365;
/// A shared ward computer may serve a few accounts; the longest unused drop off.
const MOST_ACCOUNTS: usize = 5;
/// Written before the entries, so a later format can be told apart (and an older one ignored).
const VERSION: &str = "v1";
const DEVICE_ID_BYTES: usize = 16;

/// The accounts a browser proved it has signed in to before (empty when its cookie is
/// missing, unreadable or not signed with this secret).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownDevice {
    entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    user_id: i64,
    /// Random per browser and account, so no two browsers carry the same cookie.
    device_id: String,
}

impl KnownDevice {
    /// Reads the cookie (named as in production or not) from a request's headers.
    pub fn from_headers(headers: &HeaderMap, keys: &Keys, production: bool) -> KnownDevice {
        let name = CookieNames::for_production(production).device;
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| Cookie::parse(pair.trim().to_owned()).ok())
            .filter(|c| c.name() == name)
            .find_map(|c| parse(c.value(), keys))
            .unwrap_or_default()
    }

    /// The accounts this browser has signed in to, most recent first.
    pub fn accounts(&self) -> Vec<i64> {
        self.entries.iter().map(|e| e.user_id).collect()
    }

    /// The list after signing in to `user_id`: that account first (keeping its device id),
    /// then the most recent others.
    pub fn signed_in(&self, user_id: i64) -> KnownDevice {
        let device_id = self
            .entries
            .iter()
            .find(|e| e.user_id == user_id)
            .map_or_else(
                || hex::encode(rand::random::<[u8; DEVICE_ID_BYTES]>()),
                |e| e.device_id.clone(),
            );
        let mut entries = vec![Entry { user_id, device_id }];
        entries.extend(
            self.entries
                .iter()
                .filter(|e| e.user_id != user_id)
                .take(MOST_ACCOUNTS - 1)
                .cloned(),
        );
        KnownDevice { entries }
    }

    /// The signed cookie value.
    fn value(&self, keys: &Keys) -> String {
        let contents = contents(&self.entries);
        let signature = keys.device_signature(&contents);
        format!("{contents}.{signature}")
    }

    /// Sets the cookie on `response`: HttpOnly, SameSite=Lax, for a year; in production
    /// Secure and `__Host-` prefixed.
    pub fn set_on(&self, response: &mut Response, keys: &Keys, production: bool) {
        let name = CookieNames::for_production(production).device;
        let cookie = Cookie::build((name, self.value(keys)))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(production)
            .path("/")
            .max_age(time::Duration::days(LIFETIME_DAYS))
            .build();
        if let Ok(header) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, header);
        }
    }
}

impl FromRequestParts<AppState> for KnownDevice {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let production = state.config.is_production();
        Ok(KnownDevice::from_headers(
            &parts.headers,
            &state.keys,
            production,
        ))
    }
}

/// `v1.{user id}-{device id}_{user id}-{device id}`: only characters a cookie value may hold.
fn contents(entries: &[Entry]) -> String {
    let listed: Vec<String> = entries
        .iter()
        .map(|e| format!("{}-{}", e.user_id, e.device_id))
        .collect();
    format!("{VERSION}.{}", listed.join("_"))
}

/// The entries of a cookie value whose signature is this secret's; `None` for anything else.
fn parse(value: &str, keys: &Keys) -> Option<KnownDevice> {
    let (contents, signature) = value.rsplit_once('.')?;
    if !keys.device_signature_matches(contents, signature) {
        return None;
    }
    let listed = contents.strip_prefix(VERSION)?.strip_prefix('.')?;
    let entries = listed
        .split('_')
        .map(|entry| {
            let (user_id, device_id) = entry.split_once('-')?;
            let well_formed = device_id.len() == DEVICE_ID_BYTES * 2
                && device_id.bytes().all(|b| b.is_ascii_hexdigit());
            let user_id = user_id.parse().ok().filter(|_| well_formed)?;
            Some(Entry {
                user_id,
                device_id: device_id.to_owned(),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    (entries.len() <= MOST_ACCOUNTS).then_some(KnownDevice { entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn keys(letter: &str) -> Keys {
        Keys::derive(&Secret::new(letter.repeat(32)))
    }

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let cookie = format!("academy_csrf=abc; academy_device={value}");
        headers.insert(COOKIE, HeaderValue::from_str(&cookie).unwrap());
        headers
    }

    #[test]
    fn a_signed_cookie_reads_back_and_lists_the_latest_account_first() {
        let keys = keys("a");
        let device = KnownDevice::default().signed_in(7).signed_in(9);
        let read = KnownDevice::from_headers(&headers(&device.value(&keys)), &keys, false);
        assert_eq!(read.accounts(), vec![9, 7]);
        assert_eq!(read, device, "device ids survive");
        let again = read.signed_in(7);
        assert_eq!(again.accounts(), vec![7, 9]);
        assert_eq!(again.entries[0].device_id, device.entries[1].device_id);
    }

    #[test]
    fn only_the_most_recent_accounts_are_kept() {
        let device = (1..=8).fold(KnownDevice::default(), |d, id| d.signed_in(id));
        assert_eq!(device.accounts(), vec![8, 7, 6, 5, 4]);
    }

    #[test]
    fn tampered_forged_or_foreign_cookies_count_as_none() {
        let keys = keys("a");
        let value = KnownDevice::default().signed_in(7).value(&keys);
        let other_account = value.replacen("v1.7-", "v1.8-", 1);
        let mut bad_signature = value.clone();
        let last = bad_signature.pop().unwrap();
        bad_signature.push(if last == '0' { '1' } else { '0' });
        let forged = format!("v1.7-{}.{}", "0".repeat(32), "0".repeat(64));
        let foreign = KnownDevice::default().signed_in(7).value(&self::keys("b"));
        for value in [
            other_account.as_str(),
            &bad_signature,
            &forged,
            &foreign,
            "",
            "v1",
            "garbage.value",
        ] {
            let read = KnownDevice::from_headers(&headers(value), &keys, false);
            assert!(read.accounts().is_empty(), "{value:?} was believed");
        }
    }

    #[test]
    fn a_signed_but_malformed_list_counts_as_none() {
        let keys = keys("a");
        for contents in [
            "v1.7-short",
            "v1.x-00000000000000000000000000000000",
            "v2.7-00",
        ] {
            let value = format!("{contents}.{}", keys.device_signature(contents));
            assert!(
                KnownDevice::from_headers(&headers(&value), &keys, false)
                    .accounts()
                    .is_empty()
            );
        }
    }
}
