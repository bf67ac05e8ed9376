//! PostgreSQL only: when the server closes the app's connections (a restart, an
//! administrator's `pg_terminate_backend`), the pages keep answering. The pool pings no
//! connection that is in steady use (`db::pool`), so the first query on a connection killed
//! a moment ago fails; that read runs once more on a fresh connection, and the pool closes
//! every connection opened before the loss instead of handing it out. A connection idle for
//! a second or more is pinged first and replaced if dead.

use academy::db::Backend;
use futures_util::future::join_all;
use sqlx::Connection;

use crate::support::TestApp;
use crate::support::app::Browser;
use crate::support::database::postgres_available;
use crate::support::enrolment::{add_cohort, add_course, admin};

/// Ends every server process connected to the app's database, from a connection of its own
/// (which it spares); how many it ended.
async fn terminate_backends(app: &TestApp) -> i64 {
    let mut own = sqlx::PgConnection::connect(app.database.url())
        .await
        .expect("a separate connection");
    let ended: i64 = sqlx::query_scalar(
        "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity \
         where datname = current_database() and pid <> pg_backend_pid()",
    )
    .fetch_one(&mut own)
    .await
    .unwrap();
    own.close().await.unwrap();
    ended
}

const PAGES: [&str; 8] = [
    "/admin/courses",
    "/admin/cohorts",
    "/admin/users",
    "/admin/reports",
    "/admin/posts",
    "/admin/uploads",
    "/courses",
    "/",
];

/// Every page at once, so the pool opens several connections.
async fn all_pages(browser: &Browser) -> Vec<(&'static str, u16)> {
    join_all(
        PAGES
            .iter()
            .map(|path| async move { (*path, browser.get(path).await.status().as_u16()) }),
    )
    .await
}

async fn app_with_content() -> Option<(TestApp, Browser, i64)> {
    if !postgres_available(module_path!()) {
        return None;
    }
    let app = TestApp::spawn(Backend::Postgres).await;
    let course = add_course(&app, "Learning from incidents").await;
    let cohort = add_cohort(&app, course, "Spring", 10).await;
    let admin = admin(&app).await;
    for (path, status) in all_pages(&admin).await {
        assert_eq!(status, 200, "{path} before");
    }
    Some((app, admin, cohort))
}

/// Each page in turn: the first request after the kill meets a dead connection.
async fn each_page(browser: &Browser, when: &str) {
    for path in PAGES {
        let status = browser.get(path).await.status();
        assert_eq!(status, 200, "{path} {when}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_answer_right_after_the_server_ends_every_connection() {
    let Some((app, admin, _)) = app_with_content().await else {
        return;
    };
    let (_, open, _) = app.state.db.pool_stats()[0];
    assert!(open >= 2, "several connections are pooled: {open}");
    let ended = terminate_backends(&app).await;
    assert!(
        ended >= 2,
        "the pool's and the listener's connections: {ended}"
    );
    each_page(&admin, "right after the connections ended").await;
    terminate_backends(&app).await;
    for (path, status) in all_pages(&admin).await {
        assert_eq!(
            status, 200,
            "{path} all at once after the connections ended"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_page_answers_when_its_session_is_read_first() {
    let Some((app, admin, _)) = app_with_content().await else {
        return;
    };
    terminate_backends(&app).await;
    // Past the second the session row is kept in memory: the session store's query is the
    // request's first, on a dead connection.
    app.clock().advance(chrono::Duration::seconds(2));
    each_page(&admin, "with the session read again").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_as_the_first_request_after_the_kill_is_saved() {
    let Some((app, admin, cohort)) = app_with_content().await else {
        return;
    };
    let token = admin.csrf_token().await;
    terminate_backends(&app).await;
    let response = admin
        .client
        .post(admin.url(&format!("/admin/cohorts/{cohort}/close")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "the first request after the kill");
    let (status, page) = admin.get_text("/admin/cohorts?status=closed").await;
    assert_eq!(status, 200);
    assert!(page.contains("Spring"), "the cohort was closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_idle_past_the_ping_threshold_are_checked_before_use() {
    let Some((app, admin, _)) = app_with_content().await else {
        return;
    };
    terminate_backends(&app).await;
    // Not a timing assertion: waiting lets the idle connections pass the ping threshold,
    // the other way a dead connection is found (before any query fails).
    tokio::time::sleep(academy::db::pool::PING_IDLE_AFTER * 2).await;
    app.clock().advance(chrono::Duration::seconds(2));
    each_page(&admin, "after the connections sat idle").await;
}
