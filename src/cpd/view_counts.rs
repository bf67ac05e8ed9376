//! Views of share links counted in this process's memory, so an anonymous view writes
//! nothing; the `cpd_share_views` job adds them to `cpd_share_links` about once a minute
//! (each process its own, added to what is stored), and a failed save keeps them for the
//! next run. A stop without a last save loses at most a minute's count.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::context::Ctx;
use crate::db::DbError;
use crate::db::cpd::share;

/// Views per share link since the last save. Only links that exist and are open are
/// counted, so the map is no larger than the number of live links.
#[derive(Debug, Default)]
pub struct ViewCounts {
    counts: Mutex<HashMap<i64, u64>>,
}

impl ViewCounts {
    /// One view of the link.
    pub fn count(&self, share_id: i64) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        *counts.entry(share_id).or_default() += 1;
    }

    /// Views not saved yet, for the link.
    pub fn pending(&self, share_id: i64) -> u64 {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        counts.get(&share_id).copied().unwrap_or(0)
    }

    fn take(&self) -> HashMap<i64, u64> {
        std::mem::take(&mut *self.counts.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Puts counts back after a failed save, beside any counted meanwhile.
    fn put_back(&self, taken: HashMap<i64, u64>) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        for (share_id, n) in taken {
            *counts.entry(share_id).or_default() += n;
        }
    }
}

/// Saves the counted views in one transaction; returns how many links had some. With
/// none counted it touches nothing.
pub async fn flush(ctx: Ctx<'_>, views: &ViewCounts) -> Result<usize, DbError> {
    let taken = views.take();
    if taken.is_empty() {
        return Ok(0);
    }
    let mut counts: Vec<(i64, u64)> = taken.iter().map(|(&id, &n)| (id, n)).collect();
    // Always the same order, so two processes' saves cannot deadlock on PostgreSQL.
    counts.sort_unstable();
    let saved = async {
        let mut tx = ctx.db.begin().await?;
        share::add_views(&mut tx, &counts, ctx.now()).await?;
        tx.commit().await
    }
    .await;
    match saved {
        Ok(()) => Ok(counts.len()),
        Err(error) => {
            views.put_back(taken);
            Err(error)
        }
    }
}
