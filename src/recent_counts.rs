//! The admin lists' totals read in the last second (the rule is [`crate::recent`]'s): the
//! cohort overview's, by filter, and how many reports and posts there are with how many of
//! them are drafts. A change made here counts on the next page, one made by another process
//! within a second. Each count reads every matching index entry, so at the scale data
//! (2,000 cohorts, 5,000 posts) one cost as much as the page of rows it heads.

use crate::clock::Clock;
use crate::db::cohorts::{self, CohortFilter};
use crate::db::{Db, DbError, posts, reports};
use crate::recent::Recent;

/// Cohort filters kept at once (each status, with and without a course, for the courses
/// admins are looking at); the rest are read again.
const FILTERS: u64 = 256;

/// A list's total, and how many of its rows are drafts (listed first).
pub type WithDrafts = (i64, i64);

#[derive(Debug)]
pub struct RecentCounts {
    cohorts: Recent<CohortFilter, i64>,
    reports: Recent<(), WithDrafts>,
    posts: Recent<(), WithDrafts>,
}

impl RecentCounts {
    pub fn new(clock: Clock) -> RecentCounts {
        RecentCounts {
            cohorts: Recent::new(clock.clone(), FILTERS),
            reports: Recent::new(clock.clone(), 1),
            posts: Recent::new(clock, 1),
        }
    }

    /// How many cohorts `filter` lets through.
    pub async fn cohorts(&self, db: &Db, filter: CohortFilter) -> Result<i64, DbError> {
        self.cohorts
            .get_or_read(filter, cohorts::overview_count(db, &filter))
            .await
    }

    pub async fn reports(&self, db: &Db) -> Result<WithDrafts, DbError> {
        self.reports
            .get_or_read((), reports::admin_counts(db))
            .await
    }

    pub async fn posts(&self, db: &Db) -> Result<WithDrafts, DbError> {
        self.posts.get_or_read((), posts::admin_counts(db)).await
    }
}
