//! Every course's id and title for the admins' course filter, kept for a second (the rule
//! is [`crate::recent`]'s): a course added or renamed here shows on the next page, one
//! added by another process within a second. On SQLite each row read is a hand-off
//! between threads, and the list grows with the catalogue, so one read a second serves
//! every page of the cohort overview.

use std::sync::Arc;

use crate::clock::Clock;
use crate::db::courses::{self, CourseChoice};
use crate::db::{Db, DbError};
use crate::recent::Recent;

#[derive(Debug)]
pub struct RecentCourseChoices(Recent<(), Arc<[CourseChoice]>>);

impl RecentCourseChoices {
    pub fn new(clock: Clock) -> RecentCourseChoices {
        RecentCourseChoices(Recent::new(clock, 1))
    }

    /// Every course, by title.
    pub async fn get(&self, db: &Db) -> Result<Arc<[CourseChoice]>, DbError> {
        self.0
            .get_or_read((), async { Ok(courses::choices(db).await?.into()) })
            .await
    }
}
