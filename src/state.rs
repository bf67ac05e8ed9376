//! `AppState`: the handles a request, a job or a command may need, built once at start-up.
//!
//! It sits below the routers and the services' callers: nothing here imports `web` or
//! `app`. Services never take the whole state; callers hand them a narrow context
//! ([`AppState::ctx`] or a service's own context built from these fields).

use std::sync::Arc;

use anyhow::Context;

use crate::auth::keys::Keys;
use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::AddressLimiter;
use crate::auth::recent_users::RecentUsers;
use crate::auth::session_store::Sessions;
use crate::catalogue::choices::RecentCourseChoices;
use crate::certificates::checks::RecentChecks;
use crate::clock::Clock;
use crate::config::Config;
use crate::context::Ctx;
use crate::cpd::view_counts::ViewCounts;
use crate::db::Db;
use crate::email::outbox::OutboxWorker;
use crate::email::{Mailer, Site};
use crate::enrolment::EnrolmentCtx;
use crate::payments::CardProvider;
use crate::published::PublishedContent;
use crate::recent_counts::RecentCounts;

/// Everything a handler may need: one pointer, so the clones axum makes per request (the
/// `State` extractor, each layer holding the state) cost one count each, not one per handle.
#[derive(Clone)]
pub struct AppState(Arc<Handles>);

impl std::ops::Deref for AppState {
    type Target = Handles;

    fn deref(&self) -> &Handles {
        &self.0
    }
}

/// The handles built once at start-up, behind [`AppState`].
#[derive(Clone)]
pub struct Handles {
    /// Validated configuration: policies, limits and addresses.
    pub config: Arc<Config>,
    /// The database pools (SQLite or PostgreSQL).
    pub db: Db,
    /// The one source of "now"; tests move it.
    pub clock: Clock,
    /// Argon2 on the blocking pool, at most one hash per core.
    pub passwords: PasswordHasher,
    /// Sends what the outbox hands it: SMTP, `.eml` files, or memory in tests.
    pub mailer: Mailer,
    /// Keys derived from `ACADEMY_SECRET` for CSRF tokens and signed cookies.
    pub keys: Arc<Keys>,
    /// The session store (its own small pool on SQLite), with the last second's records
    /// in memory.
    pub sessions: Sessions,
    /// The card checkout provider, when one is configured.
    pub card: Option<CardProvider>,
    /// Public certificate checks per client address, counted in this process's memory.
    pub verify_limit: Arc<AddressLimiter>,
    /// Views of CPD share links per client address: a limiter of its own (at the same rate),
    /// so an appraiser reading a long record does not use up a network's certificate checks.
    pub share_limit: Arc<AddressLimiter>,
    /// Views of CPD share links not yet saved; the `cpd_share_views` job saves them.
    pub share_views: Arc<ViewCounts>,
    /// The published content the public pages render from, kept in memory.
    pub published: PublishedContent,
    /// The user rows signed-in requests read in the last second.
    pub recent_users: Arc<RecentUsers>,
    /// The certificates the public checks read in the last second, by code.
    pub recent_checks: Arc<RecentChecks>,
    /// The course list the admins' cohort filter read in the last second.
    pub course_choices: Arc<RecentCourseChoices>,
    /// The admin lists' totals read in the last second.
    pub counts: Arc<RecentCounts>,
    /// Absolute links for emails, built from `ACADEMY_BASE_URL`.
    site: Arc<Site>,
}

impl AppState {
    /// Connects to the database and applies migrations, so a started state is ready to serve.
    pub async fn start(config: Config, clock: Clock) -> anyhow::Result<AppState> {
        let db = Db::connect(&config.database_url, config.db_max_connections)
            .await
            .with_context(|| format!("cannot open the database {:?}", config.database_url))?;
        db.migrate()
            .await
            .context("cannot apply database migrations")?;
        let passwords = PasswordHasher::new(config.password_hashing)?;
        let mailer = Mailer::from_config(&config)?;
        let secret = config
            .secret
            .as_ref()
            .context("the secret was not resolved")?;
        let keys = Arc::new(Keys::derive(secret));
        let sessions = Sessions::open(&db, clock.clone())
            .await
            .context("cannot prepare the session store")?;
        crate::db::users::backfill_search_text(&db).await?;
        // Installed before the first request, so nothing is counted into the void.
        crate::metrics::handle();
        let card = config.card.as_ref().map(|card| {
            CardProvider::new(
                card.api_base.clone(),
                card.secret_key.expose().to_owned(),
                card.webhook_secret.expose().to_owned(),
            )
        });
        let site = Arc::new(
            Site::new(&config.base_url, &config.contact_email).with_provider(&config.supplier.name),
        );
        let verify_limit = Arc::new(AddressLimiter::per_minute(config.verify_per_minute));
        let share_limit = Arc::new(AddressLimiter::per_minute(config.verify_per_minute));
        let published = PublishedContent::load(db.clone())
            .await
            .context("cannot load the published content")?;
        Ok(AppState(Arc::new(Handles {
            published,
            recent_users: Arc::new(RecentUsers::new(clock.clone())),
            recent_checks: Arc::new(RecentChecks::new(clock.clone())),
            course_choices: Arc::new(RecentCourseChoices::new(clock.clone())),
            counts: Arc::new(RecentCounts::new(clock.clone())),
            verify_limit,
            share_limit,
            share_views: Arc::default(),
            config: Arc::new(config),
            db,
            clock,
            passwords,
            mailer,
            keys,
            sessions,
            card,
            site,
        })))
    }
}

impl AppState {
    /// The same handles with `change` made to a copy: another clock (the demo seed writes
    /// at times in a cohort's past), the memory mailer (tests).
    pub fn with(&self, change: impl FnOnce(&mut Handles)) -> AppState {
        let mut handles = (*self.0).clone();
        change(&mut handles);
        AppState(Arc::new(handles))
    }
}

impl Handles {
    /// Absolute links for emails.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The context most write paths take: storage, the clock and the site's links.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            db: &self.db,
            clock: &self.clock,
            site: &self.site,
        }
    }

    /// The context enrolment workflows take: [`AppState::ctx`], the enrolment policy and
    /// the card provider.
    pub fn enrolment(&self) -> EnrolmentCtx<'_> {
        EnrolmentCtx {
            ctx: self.ctx(),
            policy: &self.config.enrolment,
            card: self.card.as_ref(),
            published: &self.published,
        }
    }

    /// What the outbox worker takes: storage, the clock, the mailer and its settings.
    pub fn outbox(&self) -> OutboxWorker<'_> {
        OutboxWorker {
            db: &self.db,
            clock: &self.clock,
            mailer: &self.mailer,
            from: &self.config.mail_from,
            max_attempts: self.config.outbox_max_attempts,
            retention_days: self.config.mail_retention_days,
        }
    }
}

/// For callers that hold the whole state (pages not yet moved onto a service): the
/// throttle takes only the counters and the clock from it.
impl<'a> From<&'a AppState> for crate::auth::throttle::Counters<'a> {
    fn from(state: &'a AppState) -> Self {
        crate::auth::throttle::Counters {
            db: &state.db,
            clock: &state.clock,
        }
    }
}

/// The per-address form limit from configuration.
impl From<&AppState> for crate::auth::throttle::PerMinute {
    fn from(state: &AppState) -> Self {
        crate::auth::throttle::PerMinute(state.config.address_attempts_per_minute)
    }
}
