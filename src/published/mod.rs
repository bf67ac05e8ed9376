//! The in-memory read model of published content: public pages render from a [`Snapshot`]
//! instead of querying. It is reloaded when the content version (moved by triggers in every
//! content write's own transaction) changes: checked on the next request after any commit
//! in this process, each second by a watcher, and at once on PostgreSQL's `NOTIFY`, so an
//! edit shows in this process on the next request and in the others within a second.
//! Seat counts, which enrolments change without moving the version, are read each second;
//! the locked conditional update at enrolment stays the only authority on a place.

mod details;
mod moments;
pub mod snapshot;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use crate::db::cohorts::Cohort;
use crate::db::{Db, DbError, published as stored};
use crate::domain::catalogue::CohortFacts;
pub use details::{PostDetail, ReportDetail};
pub use moments::Moment;
pub use snapshot::{Block, CourseEntry, Snapshot};

/// How often each process re-reads the content version and the seat counts.
pub const RECHECK_EVERY: Duration = Duration::from_secs(1);

/// The handle `AppState` holds; cheap to clone.
#[derive(Clone)]
pub struct PublishedContent(Arc<Inner>);

struct Inner {
    db: Db,
    current: ArcSwap<Snapshot>,
    seats: ArcSwap<Seats>,
    /// The highest content version known to be in the database.
    known_version: AtomicI64,
    /// `db::writes()` when the version was last read.
    seen_writes: AtomicU64,
    /// One reload (or version check) at a time; the others wait for its answer.
    reload: tokio::sync::Mutex<()>,
    details: details::Details,
    /// Stops the watcher when the last handle goes.
    stop: CancellationToken,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// What a page reads: the content and the latest seat counts.
pub struct View {
    pub content: Arc<Snapshot>,
    seats: Arc<Seats>,
}

/// Places taken on each open cohort, numbered each time they change.
#[derive(Debug, Default)]
struct Seats {
    generation: u64,
    taken: HashMap<i64, i64>,
}

impl View {
    /// A course's visible cohorts, soonest first, with places taken at most a second old.
    pub fn cohorts(&self, course_id: i64) -> Vec<Cohort> {
        self.cohort_facts(course_id)
            .map(|(cohort, facts)| Cohort {
                seats_taken: facts.seats_taken,
                ..cohort.clone()
            })
            .collect()
    }

    /// A course's visible cohorts, soonest first, each with its facts (places taken at most
    /// a second old), read in place rather than copied.
    pub fn cohort_facts(&self, course_id: i64) -> impl Iterator<Item = (&Cohort, CohortFacts)> {
        self.content
            .cohorts_as_loaded(course_id)
            .iter()
            .map(|cohort| {
                let mut facts = cohort.facts();
                if let Some(taken) = self.seats.taken.get(&cohort.cohort_id) {
                    facts.seats_taken = *taken;
                }
                (cohort, facts)
            })
    }

    /// What a public page made from this view at `now` is made from.
    pub fn moment(&self, now: DateTime<Utc>) -> Moment {
        Moment::at(
            self.content.version,
            self.seats.generation,
            &self.content.moments,
            now,
        )
    }
}

impl PublishedContent {
    /// Loads the content and starts the watcher (on the current Tokio runtime).
    pub async fn load(db: Db) -> Result<PublishedContent, DbError> {
        let content = Self::load_unwatched(db).await?;
        let inner = &content.0;
        tokio::spawn(watch(Arc::downgrade(inner), inner.stop.clone()));
        if matches!(inner.db, Db::Postgres(_)) {
            tokio::spawn(listen(Arc::downgrade(inner), inner.stop.clone()));
        }
        Ok(content)
    }

    /// [`load`](Self::load) without the watcher: the content moves only when a page asks
    /// after a write here (tests of a write made against content that has since changed).
    pub async fn load_unwatched(db: Db) -> Result<PublishedContent, DbError> {
        let writes = crate::db::writes();
        let version = stored::content_version(&db).await?;
        let snapshot = Snapshot::load(&db, version).await?;
        let seats = Seats {
            generation: 0,
            taken: stored::open_seats(&db).await?,
        };
        let inner = Arc::new(Inner {
            db,
            current: ArcSwap::from_pointee(snapshot),
            seats: ArcSwap::from_pointee(seats),
            known_version: AtomicI64::new(version),
            seen_writes: AtomicU64::new(writes),
            reload: tokio::sync::Mutex::new(()),
            details: details::Details::default(),
            stop: CancellationToken::new(),
        });
        Ok(PublishedContent(inner))
    }

    /// The content as of now: after a commit in this process, the version is read first (one
    /// small query), and a changed version is loaded before answering.
    pub async fn view(&self) -> Result<View, DbError> {
        let inner = &self.0;
        let writes = crate::db::writes();
        if writes != inner.seen_writes.load(Ordering::Acquire) {
            let _one = inner.reload.lock().await;
            if writes != inner.seen_writes.load(Ordering::Acquire) {
                let version = stored::content_version(&inner.db).await?;
                inner.known_version.fetch_max(version, Ordering::AcqRel);
                inner.seen_writes.store(writes, Ordering::Release);
            }
        }
        if inner.current.load().version < inner.known_version.load(Ordering::Acquire) {
            inner.reload_if_behind().await?;
        }
        Ok(View {
            content: inner.current.load_full(),
            seats: inner.seats.load_full(),
        })
    }

    /// The content as last loaded, without looking for a newer version: for a write that
    /// checks in its own transaction that the version is still this one.
    pub fn latest(&self) -> Arc<Snapshot> {
        self.0.current.load_full()
    }

    /// A report's body and findings, from memory when read before at this version.
    pub async fn report_detail(
        &self,
        content: &Snapshot,
        report_id: i64,
    ) -> Result<Option<Arc<ReportDetail>>, DbError> {
        self.0
            .details
            .report(&self.0.db, content.version, report_id)
            .await
    }

    /// A post's body, from memory when read before at this version.
    pub async fn post_detail(
        &self,
        content: &Snapshot,
        post_id: i64,
    ) -> Result<Option<Arc<PostDetail>>, DbError> {
        self.0
            .details
            .post(&self.0.db, content.version, post_id)
            .await
    }

    /// Reads the version and seat counts now, as the watcher does each second (tests).
    pub async fn recheck(&self) -> Result<(), DbError> {
        self.0.recheck().await
    }
}

impl Inner {
    async fn reload_if_behind(&self) -> Result<(), DbError> {
        let _one = self.reload.lock().await;
        let wanted = self.known_version.load(Ordering::Acquire);
        if self.current.load().version >= wanted {
            return Ok(());
        }
        // Read the version again: a write committed since is then part of this load or
        // moves the version past it.
        let version = stored::content_version(&self.db).await?.max(wanted);
        let snapshot = Snapshot::load(&self.db, version).await?;
        self.current.store(Arc::new(snapshot));
        self.details.clear();
        Ok(())
    }

    async fn recheck(&self) -> Result<(), DbError> {
        let version = stored::content_version(&self.db).await?;
        self.known_version.fetch_max(version, Ordering::AcqRel);
        let taken = stored::open_seats(&self.db).await?;
        // A new generation only for new counts (kept public pages stay usable), and a
        // number no other store used (`rcu` tries again if a concurrent check stored first).
        self.seats.rcu(|before| match before.taken == taken {
            true => Arc::clone(before),
            false => Arc::new(Seats {
                generation: before.generation + 1,
                taken: taken.clone(),
            }),
        });
        if self.current.load().version < version {
            self.reload_if_behind().await?;
        }
        Ok(())
    }
}

/// Each second: the version (reloading when it moved) and the seat counts.
async fn watch(inner: Weak<Inner>, stop: CancellationToken) {
    let mut timer = tokio::time::interval(RECHECK_EVERY);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = timer.tick() => {}
        }
        let Some(inner) = inner.upgrade() else { return };
        if let Err(error) = inner.recheck().await {
            tracing::warn!(%error, "could not re-read the published content");
        }
    }
}

/// PostgreSQL: a notification from the content triggers (sent on commit) marks the content
/// stale at once; the each-second check covers a notification missed while reconnecting.
async fn listen(inner: Weak<Inner>, stop: CancellationToken) {
    loop {
        let options = match inner.upgrade().map(|i| i.db.clone()) {
            Some(Db::Postgres(pool)) => (*pool.connect_options()).clone(),
            _ => return,
        };
        let listener = async {
            // A connection of its own: a listener keeps it for good, which would leave the
            // pages' pool one short.
            let own = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await?;
            let mut listener = sqlx::postgres::PgListener::connect_with(&own).await?;
            listener.listen("academy_content").await?;
            loop {
                listener.recv().await?;
                let Some(inner) = inner.upgrade() else {
                    return Ok::<(), DbError>(());
                };
                let version = stored::content_version(&inner.db).await?;
                inner.known_version.fetch_max(version, Ordering::AcqRel);
                if let Err(error) = inner.reload_if_behind().await {
                    tracing::warn!(%error, "could not reload the published content");
                }
            }
        };
        tokio::select! {
            _ = stop.cancelled() => return,
            result = listener => match result {
                Ok(()) => return,
                Err(error) => tracing::warn!(%error, "content notifications stopped; listening again"),
            },
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(RECHECK_EVERY) => {}
        }
    }
}
