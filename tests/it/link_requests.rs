//! Requests for mailed links (forgot password, one-time sign-in links): the page does the
//! same work for every address (it queues one request) and the background worker answers it.

use std::collections::BTreeMap;

use academy::db::Db;
use academy::db::users::Role;
use academy::domain::email::Email;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{location, subject_of};

/// Rows in every table of the schema (the session store's included).
async fn row_counts(db: &Db) -> BTreeMap<String, i64> {
    let tables: Vec<String> = match db {
        Db::Sqlite(pools) => sqlx::query_scalar(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' \
             and name <> '_sqlx_migrations'",
        )
        .fetch_all(&pools.reader)
        .await
        .unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(
            "select table_schema || '.' || table_name from information_schema.tables \
             where table_type = 'BASE TABLE' and table_name <> '_sqlx_migrations' \
             and table_schema not in ('pg_catalog', 'information_schema')",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    let mut counts = BTreeMap::new();
    for table in tables {
        let sql = format!("select count(*) from {table}");
        let count =
            academy::run_query!(read db, |c| sqlx::query_scalar::<_, i64>(&sql).fetch_one(c).await)
                .unwrap();
        counts.insert(table, count);
    }
    counts
}

/// What changed between two counts: table and difference, for tables that changed.
fn changed(before: &BTreeMap<String, i64>, after: &BTreeMap<String, i64>) -> BTreeMap<String, i64> {
    after
        .iter()
        .map(|(table, n)| (table.clone(), n - before.get(table).copied().unwrap_or(0)))
        .filter(|(_, d)| *d != 0)
        .collect()
}

/// A response, minus what differs per request.
async fn answer(response: reqwest::Response) -> (StatusCode, Vec<(String, String)>, Vec<u8>) {
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_owned()))
        .collect();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

backend_tests! {
    async fn a_sign_in_link_request_queues_one_request_for_any_address_and_the_worker_mails_only_an_account(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("known@example.org", Role::Learner, true).await;
        let db = app.database.connect().await;
        let visitor = app.another_browser();
        let token = visitor.csrf_token_from("/forgot-password").await;
        let post = |email: &'static str| {
            let (visitor, token) = (visitor.clone(), token.clone());
            async move {
                visitor.client.post(visitor.url("/login/link"))
                    .form(&[("email", email), ("csrf_token", token.as_str())])
                    .send().await.unwrap()
            }
        };
        // The network's counter exists from here on, so neither post below creates it.
        post("warm-up@example.org").await;
        app.run_background_jobs().await;

        let before = row_counts(&db).await;
        let known = answer(post("known@example.org").await).await;
        let between = row_counts(&db).await;
        let unknown = answer(post("nobody@example.org").await).await;
        let after = row_counts(&db).await;

        assert_eq!(known.0, StatusCode::SEE_OTHER);
        assert_eq!(known, unknown, "the same answer, byte for byte");
        let one_request = BTreeMap::from([(
            if backend == crate::support::Backend::Postgres { "public.link_requests" } else { "link_requests" }.to_owned(),
            1,
        )]);
        assert_eq!(changed(&before, &between), one_request, "an account's address: one queued request, nothing else");
        assert_eq!(changed(&between, &after), one_request, "an unknown address: the same");

        app.run_background_jobs().await;
        assert_eq!(app.count("select count(*) from link_requests").await, 0, "answered requests are deleted");
        assert!(app.mails_to("nobody@example.org").await.is_empty(), "no mail to an address without an account");
        let mails = app.mails_to("known@example.org").await;
        assert_eq!(mails.iter().map(subject_of).collect::<Vec<_>>(), ["Your Academy sign-in link"]);
        assert_eq!(app.count("select count(*) from audit_events where action = 'sign_in_link_requested' \
                              and client_address is not null").await, 1);
    }

    async fn forgot_password_queues_one_request_for_any_address_and_the_worker_mails_only_an_account(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("known@example.org", Role::Learner, true).await;
        let db = app.database.connect().await;
        let visitor = app.another_browser();
        let token = visitor.csrf_token_from("/forgot-password").await;
        let post = |email: &'static str| {
            let (visitor, token) = (visitor.clone(), token.clone());
            async move {
                visitor.client.post(visitor.url("/forgot-password"))
                    .form(&[("email", email), ("csrf_token", token.as_str())])
                    .send().await.unwrap()
            }
        };
        // The network's counter exists from here on, so neither post below creates it.
        assert_eq!(post("not an address").await.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let before = row_counts(&db).await;
        let known = answer(post("known@example.org").await).await;
        let between = row_counts(&db).await;
        let unknown = answer(post("nobody@example.org").await).await;
        let after = row_counts(&db).await;

        assert_eq!(known.0, StatusCode::SEE_OTHER);
        assert_eq!(known, unknown, "the same answer, byte for byte");
        let one_request = BTreeMap::from([(
            if backend == crate::support::Backend::Postgres { "public.link_requests" } else { "link_requests" }.to_owned(),
            1,
        )]);
        assert_eq!(changed(&before, &between), one_request, "an account's address: one queued request, nothing else");
        assert_eq!(changed(&between, &after), one_request, "an unknown address: the same");
        assert!(app.sent_emails().is_empty());

        app.run_background_jobs().await;
        assert_eq!(app.count("select count(*) from link_requests").await, 0, "answered requests are deleted");
        assert!(app.mails_to("nobody@example.org").await.is_empty(), "no mail to an address without an account");
        let mails = app.mails_to("known@example.org").await;
        assert_eq!(mails.iter().map(subject_of).collect::<Vec<_>>(), ["Reset your Academy password"]);
        assert_eq!(app.count("select count(*) from audit_events where action = 'password_reset_requested' \
                              and client_address is not null").await, 1);

        let link = app.link_mailed_to("known@example.org", "/reset-password/").await;
        let token = visitor.csrf_token_from(&link).await;
        let done = visitor.client.post(visitor.url(&link))
            .form(&[("csrf_token", token.as_str()), ("password", "a brand new passphrase"), ("confirm_password", "a brand new passphrase")])
            .send().await.unwrap();
        assert_eq!(location(&done), "/account?notice=password-reset", "the mailed link works");
    }

    async fn the_worker_keeps_the_limit_of_reset_mails_an_hour(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("often@example.org", Role::Learner, true).await;
        let email = Email::parse("often@example.org").unwrap();
        for _ in 0..7 {
            academy::accounts::reset::request_reset(app.state.ctx(), "192.0.2.7", &email).await.unwrap();
        }
        app.run_background_jobs().await;
        assert_eq!(app.mails_to("often@example.org").await.len(), 5, "five an hour");
        assert_eq!(app.count("select count(*) from link_requests").await, 0, "the refused ones are deleted too");
    }

    async fn workers_running_together_answer_each_request_once(backend) {
        let app = TestApp::spawn(backend).await;
        for n in 0..8 {
            let address = format!("learner{n}@example.org");
            app.create_user(&address, Role::Learner, true).await;
            let email = Email::parse(&address).unwrap();
            academy::accounts::reset::request_reset(app.state.ctx(), "192.0.2.8", &email).await.unwrap();
        }
        let (a, b) = tokio::join!(
            academy::accounts::link_requests::answer_requests(app.state.ctx()),
            academy::accounts::link_requests::answer_requests(app.state.ctx()),
        );
        assert_eq!(a.unwrap() + b.unwrap(), 8);
        assert_eq!(app.count("select count(*) from account_tokens").await, 8);
        assert_eq!(app.count("select count(*) from email_outbox").await, 8, "one mail each");
        assert_eq!(app.count("select count(*) from link_requests").await, 0);
    }
}
