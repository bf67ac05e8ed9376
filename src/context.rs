//! `Ctx`: the narrow context a write path takes instead of the whole application state.

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::db::Db;
use crate::email::Site;

/// Storage, the time and the site's absolute links: what every service needs. A service
/// that needs a policy as well takes it beside this (or wraps this in its own context).
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub site: &'a Site,
}

impl Ctx<'_> {
    /// "Now" from the clock, read once per write so every row of it agrees.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Who caused a change, for the history and the audit trail: a signed-in person (with the
/// client address they came from), or the system.
#[derive(Clone, Copy, Debug)]
pub struct Actor<'a> {
    pub user_id: Option<i64>,
    pub client: Option<&'a str>,
}

impl Actor<'_> {
    /// A background job or the payment provider.
    pub const SYSTEM: Actor<'static> = Actor {
        user_id: None,
        client: None,
    };
}
