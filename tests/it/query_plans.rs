//! Every admin list query and every load of the published content is served by an index, on
//! both databases: the plan of the very statement the code runs (each db module hands it
//! out) never scans a whole table, and a page is read in its index's order rather than
//! sorted. SQLite: `EXPLAIN QUERY PLAN` shows no `SCAN <table>` without an index (a page
//! walking a table's own key backwards, `SCAN t` under its LIMIT, is said so) and no
//! `TEMP B-TREE` for a page's order. PostgreSQL: `EXPLAIN`, with sequential scans and sorts
//! switched off in that session so that even an empty table shows whether an index can
//! serve the statement, shows no `Seq Scan`, and no `Sort` for a page.
//!
//! Searches (`like '%…%'` on a folded text) read every row by nature and are not listed;
//! the list without a search has no `like` at all.

use academy::db::audit_log;
use academy::db::binds::Value;
use academy::db::statement::{Statement, Window};
use academy::db::{
    Db, cohorts, courses, enrolments, outbox, posts, published, reports, uploads, users,
};
use academy::domain::catalogue::CohortStatus;
use academy::domain::enrolment::Status;
use chrono::{DateTime, Utc};

use crate::backend_tests;
use crate::support::TestApp;

/// What a statement may do.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    /// A page of a list: through an index, in that index's order, stopped by its LIMIT.
    Page,
    /// A page in the order of the table's own key (SQLite walks the table itself).
    KeyPage,
    /// A count, a picker's rows or everything the published content holds: through an
    /// index, sorted afterwards if need be.
    Load,
    /// Every row of a table, which the published content holds whole (the report–course
    /// links: two numbers a row); a scan is the way to read it.
    Whole,
    /// A loose index walk written as a recursive query: it scans its own few rows and only
    /// searches the table, a step per distinct value.
    Walk,
}

const WINDOW: Window = Window {
    limit: 25,
    offset: 50,
};

fn statement(sql: impl Into<String>, binds: Vec<Value>) -> Statement {
    Statement {
        sql: sql.into(),
        binds,
    }
}

/// Every statement checked, by name.
fn statements(now: DateTime<Utc>) -> Vec<(String, Statement, Shape)> {
    use Shape::*;
    let mut all: Vec<(String, Statement, Shape)> = vec![
        (
            "courses admin page".into(),
            courses::admin_page_statement(WINDOW),
            Page,
        ),
        (
            "courses count".into(),
            statement(courses::COUNT_ALL, vec![]),
            Load,
        ),
        (
            "course choices".into(),
            statement(courses::CHOICES, vec![]),
            Load,
        ),
        (
            "report drafts page".into(),
            reports::drafts_statement(WINDOW),
            Page,
        ),
        (
            "reports dated page".into(),
            reports::dated_statement(WINDOW),
            Page,
        ),
        (
            "reports count".into(),
            statement(reports::COUNT_ALL, vec![]),
            Load,
        ),
        (
            "report drafts count".into(),
            statement(reports::COUNT_DRAFTS, vec![]),
            Load,
        ),
        (
            "post drafts page".into(),
            posts::drafts_statement(WINDOW),
            Page,
        ),
        (
            "posts dated page".into(),
            posts::dated_statement(WINDOW),
            Page,
        ),
        (
            "posts count".into(),
            statement(posts::COUNT_ALL, vec![]),
            Load,
        ),
        (
            "post drafts count".into(),
            statement(posts::COUNT_DRAFTS, vec![]),
            Load,
        ),
        (
            "emails page".into(),
            outbox::page_statement(None, WINDOW),
            KeyPage,
        ),
        (
            "emails in one status page".into(),
            outbox::page_statement(Some("failed"), WINDOW),
            Page,
        ),
        (
            "roster page".into(),
            enrolments::roster_page_statement(
                7,
                &[&[Status::Confirmed], &[Status::Waitlisted, Status::Offered]],
                WINDOW,
            ),
            Load,
        ),
        (
            "roster counts".into(),
            statement(enrolments::ROSTER_COUNTS, vec![7_i64.into()]),
            Load,
        ),
        (
            "uploads page".into(),
            uploads::page_statement(WINDOW),
            KeyPage,
        ),
        (
            "uploads count".into(),
            statement(uploads::COUNT_ALL, vec![]),
            Load,
        ),
        (
            "uploads of a kind".into(),
            statement(uploads::OF_KIND, vec!["image".into()]),
            Load,
        ),
        (
            "upload used by a published report".into(),
            statement(
                uploads::USED_BY_PUBLISHED_REPORTS,
                vec![3_i64.into(), now.into()],
            ),
            Load,
        ),
        (
            "upload used by a published post".into(),
            statement(
                uploads::USED_BY_PUBLISHED_POSTS,
                vec![3_i64.into(), now.into()],
            ),
            Load,
        ),
        (
            "users page".into(),
            users::search_statement("", WINDOW),
            KeyPage,
        ),
        ("users count".into(), users::count_statement(""), Load),
        (
            "content version".into(),
            statement(published::CONTENT_VERSION, vec![]),
            Load,
        ),
        (
            "open seats".into(),
            statement(published::OPEN_SEATS, vec![]),
            Load,
        ),
        (
            "visible cohorts".into(),
            statement(published::visible_cohorts_sql(), vec![]),
            Load,
        ),
        (
            "visible sessions".into(),
            statement(published::VISIBLE_SESSIONS, vec![]),
            Load,
        ),
        (
            "published reports".into(),
            statement(published::REPORTS, vec![]),
            Load,
        ),
        (
            "published posts".into(),
            statement(published::POSTS, vec![]),
            Load,
        ),
        (
            "report–course links".into(),
            statement(published::REPORT_COURSES, vec![]),
            Whole,
        ),
        (
            "report body".into(),
            statement(published::REPORT_BODY, vec![3_i64.into()]),
            Load,
        ),
        (
            "post body".into(),
            statement(published::POST_BODY, vec![3_i64.into()]),
            Load,
        ),
        (
            "published courses".into(),
            statement(published::courses_sql(), vec![]),
            Load,
        ),
    ];
    for status in [None, Some(CohortStatus::Open)] {
        for course_id in [None, Some(7)] {
            let filter = cohorts::CohortFilter { status, course_id };
            let name = format!("cohorts overview {status:?} {course_id:?}");
            all.push((
                format!("{name} page"),
                cohorts::overview_statement(&filter, WINDOW),
                Page,
            ));
            all.push((
                format!("{name} count"),
                cohorts::overview_count_statement(&filter),
                Load,
            ));
        }
    }
    all.push((
        "audit actions".into(),
        statement(audit_log::ACTIONS, vec![]),
        Walk,
    ));
    for (name, filter) in crate::audit_log::filters_to_plan(now) {
        let page = audit_log::log_statement(&filter).page(WINDOW);
        all.push((format!("audit log {name}"), page, Page));
    }
    all
}

macro_rules! bound {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for value in $binds {
            query = match value.clone() {
                Value::Int(v) => query.bind(v),
                Value::Text(v) => query.bind(v),
                Value::Bool(v) => query.bind(v),
                Value::Time(v) => query.bind(v),
                Value::Date(v) => query.bind(v),
                Value::Bytes(v) => query.bind(v),
            };
        }
        query
    }};
}

/// The plan's lines, as the database prints them.
async fn plan(db: &Db, statement: &Statement) -> Vec<String> {
    match db {
        Db::Sqlite(pools) => {
            let sql = format!("explain query plan {}", statement.sql);
            let rows: Vec<(i64, i64, i64, String)> = bound!(sqlx::query_as(&sql), &statement.binds)
                .fetch_all(&pools.reader)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", statement.sql));
            rows.into_iter().map(|(_, _, _, detail)| detail).collect()
        }
        Db::Postgres(pool) => {
            let mut conn = pool.acquire().await.unwrap();
            // Costs on a nearly empty table favour a scan and a sort; with both switched off
            // the planner shows whether an index can serve the statement, and its order.
            for setting in ["enable_seqscan", "enable_sort", "enable_incremental_sort"] {
                sqlx::query(&format!("set {setting} = off"))
                    .execute(&mut *conn)
                    .await
                    .unwrap();
            }
            let sql = format!("explain {}", statement.sql);
            let lines: Vec<String> = bound!(sqlx::query_scalar(&sql), &statement.binds)
                .fetch_all(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", statement.sql));
            sqlx::query("reset all").execute(&mut *conn).await.unwrap();
            lines
        }
    }
}

/// What is wrong with a plan for a statement of this shape, if anything.
fn problems(db: &Db, shape: Shape, lines: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for line in lines {
        let line = line.trim();
        let bad = match db {
            Db::Sqlite(_) => {
                let full_scan = line.starts_with("SCAN ")
                    && !line.starts_with("SCAN CONSTANT ROW")
                    && (!line.contains(" USING ") || line.contains("AUTOMATIC"));
                let sorted = line.contains("TEMP B-TREE");
                let own_rows = shape == Shape::Walk && line.starts_with("SCAN found");
                let scan_allowed = matches!(shape, Shape::KeyPage | Shape::Whole) || own_rows;
                let sort_allowed = matches!(shape, Shape::Load | Shape::Whole);
                (full_scan && !scan_allowed) || (sorted && !sort_allowed)
            }
            Db::Postgres(_) => {
                (line.contains("Seq Scan") && shape != Shape::Whole)
                    || (line.contains("Sort") && matches!(shape, Shape::Page | Shape::KeyPage))
            }
        };
        if bad {
            found.push(line.to_owned());
        }
    }
    found
}

backend_tests! {
    async fn every_list_page_and_published_load_is_served_by_an_index(backend) {
        let app = TestApp::spawn(backend).await;
        let db = &app.state.db;
        let mut failures = Vec::new();
        for (name, statement, shape) in statements(app.clock().now()) {
            if shape == Shape::KeyPage {
                assert!(
                    statement.sql.contains(" limit $"),
                    "{name}: a walk of the key must stop at its limit"
                );
            }
            let lines = plan(db, &statement).await;
            let wrong = problems(db, shape, &lines);
            if !wrong.is_empty() {
                failures.push(format!("{name} ({shape:?}): {wrong:?}\n  {}\n  plan: {lines:?}", statement.sql));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    async fn an_empty_search_box_adds_no_like_and_a_search_does(backend) {
        let app = TestApp::spawn(backend).await;
        for query in ["", "   "] {
            assert!(!users::search_statement(query, WINDOW).sql.contains("like"));
            assert!(!users::count_statement(query).sql.contains("like"));
        }
        let search = users::search_statement("Ada", WINDOW);
        assert!(search.sql.contains("like $1"), "{}", search.sql);
        assert_eq!(search.binds.len(), 3, "the pattern, the limit and the offset");
        // And both shapes run.
        users::search(&app.state.db, "", WINDOW).await.unwrap();
        users::search(&app.state.db, "Ada", WINDOW).await.unwrap();
    }
}

backend_tests! {
    async fn a_roster_page_picks_its_places_from_the_cohort_index_alone(backend) {
        let app = TestApp::spawn(backend).await;
        let db = &app.state.db;
        let groups: &[&[Status]] = &[&[Status::Confirmed], &[Status::Completed, Status::Cancelled]];
        let lines = plan(db, &enrolments::roster_page_statement(7, groups, WINDOW)).await;
        // SQLite sorts the cohort's index entries alone and reads only the page's rows.
        // PostgreSQL's choice of an index-only scan rests on its statistics, which a test's
        // nearly empty table does not have; that it picks the places off this index does not.
        let covered = |line: &String| match db {
            Db::Sqlite(_) => line.contains("USING COVERING INDEX enrolments_cohort_idx"),
            Db::Postgres(_) => line.contains("Scan") && line.contains("enrolments_cohort_idx"),
        };
        assert!(lines.iter().any(covered), "{lines:#?}");
    }
}
