//! Background work run on a timer in every process, and on demand in tests.
//!
//! Each job takes the whole `AppState` here, at its entry point, and hands the service it
//! runs only the narrow context that service takes.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::state::AppState;

type JobFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// A job must be safe to run in several processes at once.
struct Job {
    name: &'static str,
    every: Duration,
    run: fn(AppState) -> JobFuture,
}

/// In order: enrolment, announcement, evaluation and CPD reminder jobs queue mail, so they run before the outbox in
/// `run_all_now`.
const JOBS: &[Job] = &[
    Job {
        name: "enrolment_expiry",
        every: Duration::from_secs(30),
        run: expire_holds_and_offers,
    },
    Job {
        name: "enrolment_reminders",
        every: Duration::from_secs(10 * 60),
        run: remind_learners,
    },
    Job {
        name: "evaluation_requests",
        every: Duration::from_secs(10 * 60),
        run: request_evaluations,
    },
    Job {
        name: "cpd_reminders",
        every: Duration::from_secs(60 * 60),
        run: remind_of_cpd_dates,
    },
    Job {
        name: "card_refunds",
        every: Duration::from_secs(60),
        run: send_refunds,
    },
    Job {
        name: "mailed_link_requests",
        every: LINK_REQUESTS_EVERY,
        run: answer_link_requests,
    },
    Job {
        name: "material_announcements",
        every: Duration::from_secs(60),
        run: announce_materials,
    },
    Job {
        name: "cpd_share_views",
        every: Duration::from_secs(60),
        run: save_share_views,
    },
    Job {
        name: "email_outbox",
        every: Duration::from_secs(5),
        run: deliver_email,
    },
    Job {
        name: "email_body_purge",
        every: Duration::from_secs(60 * 60),
        run: purge_email_bodies,
    },
    Job {
        name: "expired_sessions",
        every: Duration::from_secs(60 * 60),
        run: delete_expired_sessions,
    },
    Job {
        name: "stale_throttles",
        every: Duration::from_secs(10 * 60),
        run: delete_stale_throttles,
    },
    Job {
        name: "unverified_accounts",
        every: Duration::from_secs(60 * 60),
        run: purge_unverified_accounts,
    },
    Job {
        name: "database_optimize",
        every: Duration::from_secs(6 * 60 * 60),
        run: optimize_database,
    },
];

fn expire_holds_and_offers(state: AppState) -> JobFuture {
    Box::pin(async move {
        crate::enrolment::jobs::expire_lapsed(state.enrolment()).await?;
        Ok(())
    })
}

fn remind_learners(state: AppState) -> JobFuture {
    Box::pin(async move {
        crate::enrolment::jobs::warn_holds(state.ctx()).await?;
        crate::enrolment::jobs::send_reminders(state.ctx()).await?;
        Ok(())
    })
}

fn request_evaluations(state: AppState) -> JobFuture {
    Box::pin(async move {
        crate::learning::evaluation::request_due(state.ctx()).await?;
        Ok(())
    })
}

/// Reminders 90 and 30 days before learners' CPD renewal or appraisal dates.
fn remind_of_cpd_dates(state: AppState) -> JobFuture {
    Box::pin(async move {
        crate::cpd::reminders::send_due(state.ctx()).await?;
        Ok(())
    })
}

fn send_refunds(state: AppState) -> JobFuture {
    Box::pin(async move {
        crate::enrolment::card::send_refunds(state.enrolment()).await?;
        Ok(())
    })
}

/// Forgot-password requests wait for this job (the page only queues them), so it runs
/// often; an idle run is one read.
const LINK_REQUESTS_EVERY: Duration = Duration::from_secs(2);

/// Answers waiting requests for reset and sign-in links, then sends the mail they queued at once rather
/// than at the outbox's next run (delivery is safe alongside it: each mail is claimed once).
fn answer_link_requests(state: AppState) -> JobFuture {
    Box::pin(async move {
        let answered = crate::accounts::link_requests::answer_requests(state.ctx()).await?;
        if answered > 0 {
            crate::email::outbox::deliver_due(&state.outbox()).await?;
        }
        Ok(())
    })
}

/// Materials whose announcement waited for their "available from" time.
fn announce_materials(state: AppState) -> JobFuture {
    Box::pin(async move {
        crate::learning::announce::send_due(state.ctx()).await?;
        Ok(())
    })
}

/// Views of share links counted in memory since the last run (an idle run writes nothing).
fn save_share_views(state: AppState) -> JobFuture {
    Box::pin(async move {
        crate::cpd::view_counts::flush(state.ctx(), &state.share_views).await?;
        Ok(())
    })
}

fn deliver_email(state: AppState) -> JobFuture {
    Box::pin(async move {
        crate::email::outbox::deliver_due(&state.outbox()).await?;
        Ok(())
    })
}

fn purge_email_bodies(state: AppState) -> JobFuture {
    Box::pin(async move {
        crate::email::outbox::purge_old_bodies(&state.outbox()).await?;
        Ok(())
    })
}

fn delete_expired_sessions(state: AppState) -> JobFuture {
    Box::pin(async move { Ok(state.sessions.delete_expired().await?) })
}

fn delete_stale_throttles(state: AppState) -> JobFuture {
    Box::pin(async move {
        let now = state.clock.now();
        // The longest window in use is an hour.
        crate::db::throttles::delete_stale(&state.db, now - chrono::Duration::hours(2), now)
            .await?;
        Ok(())
    })
}

fn purge_unverified_accounts(state: AppState) -> JobFuture {
    Box::pin(async move {
        let days = i64::from(state.config.unverified_purge_days);
        let before = state.clock.now() - chrono::Duration::days(days);
        let purged = crate::db::users::delete_unverified_before(&state.db, before).await?;
        if purged > 0 {
            tracing::info!(purged, "deleted accounts that were never verified");
        }
        Ok(())
    })
}

fn optimize_database(state: AppState) -> JobFuture {
    Box::pin(async move { Ok(state.db.optimize().await?) })
}

/// Runs every job once, now (tests use this instead of sleeping).
pub async fn run_all_now(state: &AppState) -> anyhow::Result<()> {
    for job in JOBS {
        (job.run)(state.clone())
            .await
            .map_err(|e| e.context(job.name))?;
    }
    Ok(())
}

/// What must be saved before the process stops: the share links' views counted in memory.
pub async fn before_stop(state: &AppState) {
    if let Err(error) = save_share_views(state.clone()).await {
        tracing::warn!(error = ?error, "could not save the share links' last views");
    }
}

/// Starts one timer task per job; they stop when `shutdown` is cancelled.
pub fn spawn(state: &AppState, shutdown: &CancellationToken) {
    for job in JOBS {
        let (state, shutdown) = (state.clone(), shutdown.clone());
        tokio::spawn(async move {
            let mut timer =
                tokio::time::interval_at(tokio::time::Instant::now() + job.every, job.every);
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = timer.tick() => {
                        if let Err(error) = (job.run)(state.clone()).await {
                            tracing::warn!(job = job.name, error = ?error, "background job failed; it will run again");
                        }
                    }
                }
            }
        });
    }
}
