//! Report and post bodies, which the lists do not need: read when a page first asks, rendered
//! once and kept until the content version moves, up to a bound so a crawler walking every
//! page cannot fill the memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::db::reports::{self, Finding};
use crate::db::{Db, DbError, published as stored};
use crate::markdown::to_safe_html;

/// Bodies kept at once; past this the cache starts again empty (simple, and a full walk of
/// the site costs one query a page, as before the read model).
const KEPT: usize = 256;

#[derive(Debug)]
pub struct ReportDetail {
    pub body_html: String,
    pub findings: Vec<Finding>,
}

#[derive(Debug)]
pub struct PostDetail {
    pub body_html: String,
}

#[derive(Default)]
pub(super) struct Details {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    version: i64,
    reports: HashMap<i64, Arc<ReportDetail>>,
    posts: HashMap<i64, Arc<PostDetail>>,
}

impl Kept {
    /// Empties what belongs to another version, or everything when full.
    fn at(&mut self, version: i64) -> &mut Kept {
        if self.version != version || self.reports.len() + self.posts.len() >= KEPT {
            *self = Kept {
                version,
                ..Kept::default()
            };
        }
        self
    }
}

impl Details {
    pub(super) fn clear(&self) {
        *self.kept.lock().expect("details lock") = Kept::default();
    }

    pub(super) async fn report(
        &self,
        db: &Db,
        version: i64,
        report_id: i64,
    ) -> Result<Option<Arc<ReportDetail>>, DbError> {
        if let Some(found) = self.lock_at(version).reports.get(&report_id) {
            return Ok(Some(found.clone()));
        }
        let Some(body) = stored::report_body(db, report_id).await? else {
            return Ok(None);
        };
        let detail = Arc::new(ReportDetail {
            body_html: to_safe_html(&body),
            findings: reports::findings(db, report_id).await?,
        });
        self.lock_at(version)
            .reports
            .insert(report_id, detail.clone());
        Ok(Some(detail))
    }

    pub(super) async fn post(
        &self,
        db: &Db,
        version: i64,
        post_id: i64,
    ) -> Result<Option<Arc<PostDetail>>, DbError> {
        if let Some(found) = self.lock_at(version).posts.get(&post_id) {
            return Ok(Some(found.clone()));
        }
        let Some(body) = stored::post_body(db, post_id).await? else {
            return Ok(None);
        };
        let detail = Arc::new(PostDetail {
            body_html: to_safe_html(&body),
        });
        self.lock_at(version).posts.insert(post_id, detail.clone());
        Ok(Some(detail))
    }

    fn lock_at(&self, version: i64) -> std::sync::MutexGuard<'_, Kept> {
        let mut kept = self.kept.lock().expect("details lock");
        kept.at(version);
        kept
    }
}
