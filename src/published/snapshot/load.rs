//! Reading a snapshot from the database and putting its lookups together.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Datelike, Utc};

use super::{Block, CourseEntry, SessionEntry, Snapshot};
use crate::db::cohorts::Cohort;
use crate::db::home::HomeBlock;
use crate::db::published::{self as stored, PostItem, ReportItem};
use crate::db::{Db, DbError};
use crate::domain::content::PostKind;
use crate::domain::london;
use crate::markdown::to_safe_html;
use crate::published::moments::Moments;

impl Snapshot {
    /// Reads everything at `version` (read after, so a write racing the load is caught by
    /// the next check).
    pub async fn load(db: &Db, version: i64) -> Result<Snapshot, DbError> {
        let courses: Vec<CourseEntry> = stored::courses(db)
            .await?
            .into_iter()
            .map(|(course, search_text)| CourseEntry {
                description_html: to_safe_html(&course.description),
                course,
                search_text,
            })
            .collect();
        let mut cohorts: HashMap<i64, Vec<Cohort>> = HashMap::new();
        for cohort in stored::visible_cohorts(db).await? {
            cohorts.entry(cohort.course_id).or_default().push(cohort);
        }
        let mut sessions: HashMap<i64, Vec<SessionEntry>> = HashMap::new();
        for session in stored::visible_sessions(db).await? {
            let when = format!(
                "{} to {}",
                london::date_time(session.starts_at),
                london::time(session.ends_at)
            );
            let entry = SessionEntry { session, when };
            sessions
                .entry(entry.session.cohort_id)
                .or_default()
                .push(entry);
        }
        let reports = stored::reports(db).await?;
        let posts = stored::posts(db).await?;
        let links = stored::report_courses(db).await?;
        let home = crate::db::home::all(db)
            .await?
            .into_iter()
            .filter(|b| !b.is_hidden())
            .map(|b: HomeBlock| {
                let block = Block {
                    body_html: to_safe_html(&b.body),
                    title: b.title,
                    link_label: b.link_label,
                    link_href: b.link_href,
                };
                (b.block, block)
            })
            .collect();
        Ok(Snapshot::assemble(
            version, courses, cohorts, sessions, reports, posts, &links, home,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        version: i64,
        courses: Vec<CourseEntry>,
        cohorts: HashMap<i64, Vec<Cohort>>,
        sessions: HashMap<i64, Vec<SessionEntry>>,
        reports: Vec<ReportItem>,
        posts: Vec<PostItem>,
        links: &[(i64, i64)],
        home: HashMap<String, Block>,
    ) -> Snapshot {
        let course_by_slug = index(&courses, |c| c.course.slug.clone());
        let course_by_id = index(&courses, |c| c.course.course_id);
        let course_of_cohort = cohorts
            .values()
            .flatten()
            .map(|cohort| (cohort.cohort_id, cohort.course_id))
            .collect();
        let report_by_slug = index(&reports, |r| r.slug.clone());
        let report_index = index(&reports, |r| r.report_id);
        let mut reports_of_course: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut courses_of_report: HashMap<i64, Vec<i64>> = HashMap::new();
        for (report_id, course_id) in links {
            if !course_by_id.contains_key(course_id) {
                continue;
            }
            courses_of_report
                .entry(*report_id)
                .or_default()
                .push(*course_id);
            if let Some(i) = report_index.get(report_id) {
                reports_of_course.entry(*course_id).or_default().push(*i);
            }
        }
        // Newest first, like the list.
        reports_of_course
            .values_mut()
            .for_each(|v| v.sort_unstable());
        let mut topics: HashMap<String, DateTime<Utc>> = HashMap::new();
        let mut years: HashMap<i32, DateTime<Utc>> = HashMap::new();
        for report in &reports {
            earliest(&mut topics, report.topic.clone(), report.publish_at);
            earliest(&mut years, report.publish_at.year(), report.publish_at);
        }
        let mut topics: Vec<_> = topics.into_iter().collect();
        topics.sort();
        let mut years: Vec<_> = years.into_iter().collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        let moments = Moments::of(cohorts.values().flatten(), &reports, &posts);
        let post_by_slug = index(&posts, |p| p.slug.clone());
        let mut posts_of_kind: HashMap<PostKind, Vec<usize>> = HashMap::new();
        for (i, post) in posts.iter().enumerate() {
            posts_of_kind.entry(post.kind).or_default().push(i);
        }
        Snapshot {
            version,
            courses,
            course_by_slug,
            course_by_id,
            cohorts,
            course_of_cohort,
            sessions,
            reports,
            report_by_slug,
            reports_of_course,
            courses_of_report,
            topics,
            years,
            posts,
            post_by_slug,
            posts_of_kind,
            home,
            moments,
            made: Mutex::default(),
        }
    }
}

fn index<T, K: std::hash::Hash + Eq>(items: &[T], key: impl Fn(&T) -> K) -> HashMap<K, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (key(item), i))
        .collect()
}

fn earliest<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, DateTime<Utc>>,
    key: K,
    at: DateTime<Utc>,
) {
    map.entry(key)
        .and_modify(|first| *first = (*first).min(at))
        .or_insert(at);
}
