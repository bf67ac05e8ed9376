//! One loaded copy of the published content, at one content version: courses with their
//! description already rendered, visible cohorts and their sessions, reports and posts
//! (without bodies) newest first, the report–course links and the home blocks. Nothing in it
//! depends on the time: scheduled items and enrolment windows are compared with the clock
//! by whoever reads it.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::db::cohorts::{Cohort, CohortSession};
use crate::db::courses::{CatalogueFilter, Course};
use crate::db::published::{PostItem, ReportItem};
use crate::domain::catalogue::CohortStatus;
use crate::domain::content::PostKind;

use super::moments::Moments;

mod load;

/// A published course ready to show.
#[derive(Debug)]
pub struct CourseEntry {
    pub course: Course,
    pub description_html: String,
    /// Title and summary, folded for search.
    pub search_text: String,
}

/// A visible live session, with its time in UK time written out once.
#[derive(Debug)]
pub struct SessionEntry {
    pub session: CohortSession,
    /// "4 May 2026 at 10am to 1pm".
    pub when: String,
}

/// A home page block with its text rendered; hidden blocks are not kept.
#[derive(Clone, Debug)]
pub struct Block {
    pub title: String,
    pub body_html: String,
    pub link_label: String,
    pub link_href: String,
}

/// Something kept, with the key it was made with.
type Made = (u64, Arc<dyn Any + Send + Sync>);

#[derive(Debug, Default)]
pub struct Snapshot {
    pub version: i64,
    /// In the catalogue's order.
    pub courses: Vec<CourseEntry>,
    course_by_slug: HashMap<String, usize>,
    course_by_id: HashMap<i64, usize>,
    /// Each course's visible cohorts, soonest first (seat counts as loaded).
    cohorts: HashMap<i64, Vec<Cohort>>,
    /// Each visible cohort's course.
    course_of_cohort: HashMap<i64, i64>,
    sessions: HashMap<i64, Vec<SessionEntry>>,
    /// Newest first; scheduled ones at the front until their time.
    pub reports: Vec<ReportItem>,
    report_by_slug: HashMap<String, usize>,
    /// Indexes into `reports` of each course's reports.
    reports_of_course: HashMap<i64, Vec<usize>>,
    /// Ids of each report's courses (published ones only: the others are not loaded).
    courses_of_report: HashMap<i64, Vec<i64>>,
    /// Each topic with the first time a report of it is public.
    topics: Vec<(String, DateTime<Utc>)>,
    /// Each year with the first time a report of it is public.
    years: Vec<(i32, DateTime<Utc>)>,
    /// Newest first.
    pub posts: Vec<PostItem>,
    post_by_slug: HashMap<String, usize>,
    /// Indexes into `posts` of each kind.
    posts_of_kind: HashMap<PostKind, Vec<usize>>,
    home: HashMap<String, Block>,
    /// When pages made from this snapshot change with the clock alone.
    pub moments: Moments,
    /// Things made from this snapshot that cost more to make than to keep (the sitemap's
    /// documents at scale), by name, each with the key of what else it was made from.
    made: Mutex<HashMap<&'static str, Made>>,
}

impl Snapshot {
    pub fn course_by_slug(&self, slug: &str) -> Option<&CourseEntry> {
        self.course_by_slug.get(slug).map(|i| &self.courses[*i])
    }

    pub fn course(&self, course_id: i64) -> Option<&CourseEntry> {
        self.course_by_id.get(&course_id).map(|i| &self.courses[*i])
    }

    /// A course's visible cohorts, soonest first, with seat counts as loaded.
    pub fn cohorts_as_loaded(&self, course_id: i64) -> &[Cohort] {
        self.cohorts.get(&course_id).map_or(&[], Vec::as_slice)
    }

    /// The course of a visible cohort.
    pub fn course_of_cohort(&self, cohort_id: i64) -> Option<&CourseEntry> {
        self.course(*self.course_of_cohort.get(&cohort_id)?)
    }

    /// A visible cohort, with its seat count as loaded.
    pub fn cohort(&self, cohort_id: i64) -> Option<&Cohort> {
        let course_id = self.course_of_cohort.get(&cohort_id)?;
        self.cohorts_as_loaded(*course_id)
            .iter()
            .find(|cohort| cohort.cohort_id == cohort_id)
    }

    /// A visible cohort's live sessions, soonest first.
    pub fn sessions(&self, cohort_id: i64) -> &[SessionEntry] {
        self.sessions.get(&cohort_id).map_or(&[], Vec::as_slice)
    }

    /// A report public at `now`.
    pub fn report_by_slug(&self, slug: &str, now: DateTime<Utc>) -> Option<&ReportItem> {
        let report = &self.reports[*self.report_by_slug.get(slug)?];
        (report.publish_at <= now).then_some(report)
    }

    /// A post public at `now`.
    pub fn post_by_slug(&self, slug: &str, now: DateTime<Utc>) -> Option<&PostItem> {
        let post = &self.posts[*self.post_by_slug.get(slug)?];
        (post.publish_at <= now).then_some(post)
    }

    /// The reports of a course public at `now`, newest first.
    pub fn reports_of_course(&self, course_id: i64, now: DateTime<Utc>) -> Vec<&ReportItem> {
        self.reports_of_course
            .get(&course_id)
            .into_iter()
            .flatten()
            .map(|i| &self.reports[*i])
            .filter(|r| r.publish_at <= now)
            .collect()
    }

    /// A report's published courses, by title.
    pub fn courses_of_report(&self, report_id: i64) -> Vec<&Course> {
        let mut courses: Vec<&Course> = self
            .courses_of_report
            .get(&report_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.course(*id).map(|c| &c.course))
            .collect();
        courses.sort_by(|a, b| a.title.cmp(&b.title));
        courses
    }

    /// Topics of the reports public at `now`, in order.
    pub fn report_topics(&self, now: DateTime<Utc>) -> Vec<String> {
        self.topics
            .iter()
            .filter(|(_, at)| *at <= now)
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// Years of the reports public at `now`, latest first.
    pub fn report_years(&self, now: DateTime<Utc>) -> Vec<i32> {
        self.years
            .iter()
            .filter(|(_, at)| *at <= now)
            .map(|(y, _)| *y)
            .collect()
    }

    /// The posts (of one kind, or all) public at `now`, newest first.
    pub fn posts_public(
        &self,
        kind: Option<PostKind>,
        now: DateTime<Utc>,
    ) -> Box<dyn Iterator<Item = &PostItem> + '_> {
        match kind {
            None => Box::new(public_from(&self.posts, now).iter()),
            Some(kind) => {
                let indexes = self.posts_of_kind.get(&kind).map_or(&[][..], Vec::as_slice);
                let first = indexes.partition_point(|i| self.posts[*i].publish_at > now);
                Box::new(indexes[first..].iter().map(|i| &self.posts[*i]))
            }
        }
    }

    /// The reports public at `now`, newest first.
    pub fn reports_public(&self, now: DateTime<Utc>) -> &[ReportItem] {
        public_from(&self.reports, now)
    }

    /// What `name` makes from this snapshot and `key` (whatever else it depends on, e.g.
    /// how many items are public now): kept from an earlier call with the same key, or made
    /// now and kept until the snapshot is replaced. One name makes one type.
    pub fn made<T: Any + Send + Sync>(
        &self,
        name: &'static str,
        key: u64,
        make: impl FnOnce() -> T,
    ) -> Arc<T> {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((kept_key, kept)) = made.get(name)
            && *kept_key == key
            && let Ok(kept) = kept.clone().downcast::<T>()
        {
            return kept;
        }
        let value = Arc::new(make());
        made.insert(name, (key, value.clone()));
        value
    }

    pub fn home_block(&self, name: &str) -> Option<Block> {
        self.home.get(name).cloned()
    }
}

/// Something with a publication time, in a list sorted newest first.
pub trait Published {
    fn publish_at(&self) -> DateTime<Utc>;
}

impl Published for ReportItem {
    fn publish_at(&self) -> DateTime<Utc> {
        self.publish_at
    }
}

impl Published for PostItem {
    fn publish_at(&self) -> DateTime<Utc> {
        self.publish_at
    }
}

/// The part of a newest-first list already public at `now`: scheduled items are a prefix.
fn public_from<T: Published>(items: &[T], now: DateTime<Utc>) -> &[T] {
    &items[items.partition_point(|item| item.publish_at() > now)..]
}

impl Snapshot {
    /// The published courses matching `filter` at `now`, in the catalogue's order.
    pub fn catalogue<'a>(
        &'a self,
        filter: &'a CatalogueFilter,
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = &'a CourseEntry> + 'a {
        let query = crate::domain::search::fold(&filter.query);
        self.courses.iter().filter(move |entry| {
            let course = &entry.course;
            (query.is_empty() || entry.search_text.contains(&query))
                && filter.level.is_none_or(|level| course.level == level)
                && filter.format.is_none_or(|format| course.format == format)
                && (!filter.open_now
                    || self.cohorts_as_loaded(course.course_id).iter().any(|h| {
                        h.status == CohortStatus::Open
                            && h.enrol_opens_at <= now
                            && now < h.enrol_closes_at
                    }))
        })
    }
}
