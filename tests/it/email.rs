//! Email delivery: the outbox, the SMTP transport, retries, and nothing lost.

use academy::db::outbox;
use academy::domain::email::Email;
use academy::email::mailer::SEND_TIMEOUT;
use academy::email::outbox::{DeliveryReport, Envelope, LEASE, queue};
use academy::email::templates::Welcome;
use axum::Router;
use chrono::Duration;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::smtp::{FakeSmtp, Release};

/// Queues a welcome mail to `to` in its own committed transaction, as a change would.
async fn queue_welcome(app: &TestApp, to: &str, key: &str) -> bool {
    let to = Email::parse(to).unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let envelope = Envelope {
        to: &to,
        user_id: None,
        idempotency_key: key.to_owned(),
    };
    let mail = Welcome {
        name: "Amina <Okafor>".into(),
        nhs: true,
        courses_url: app.state.site().url("/courses"),
        account_url: app.state.site().url("/account"),
    };
    let queued = queue(
        &mut tx,
        app.state.site(),
        &envelope,
        &mail,
        app.clock().now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    queued
}

async fn deliver(app: &TestApp) -> DeliveryReport {
    academy::email::outbox::deliver_due(&app.state.outbox())
        .await
        .unwrap()
}

async fn statuses(app: &TestApp) -> Vec<(String, i64)> {
    outbox::count_by_status(&app.state.db).await.unwrap()
}

/// The outbox's lease on the clock's scale.
fn lease() -> Duration {
    Duration::from_std(LEASE).unwrap()
}

/// The next message the fake server holds, within a few seconds.
async fn next_held(held: &mut tokio::sync::mpsc::UnboundedReceiver<Release>) -> Release {
    tokio::time::timeout(std::time::Duration::from_secs(10), held.recv())
        .await
        .expect("a message reached the server")
        .expect("the server is holding")
}

/// Delivers due mail in a task of its own, as the timer would (so the test can look at
/// the outbox while a message is on the wire, or kill the worker there).
fn deliver_in_background(app: &TestApp) -> tokio::task::JoinHandle<DeliveryReport> {
    let state = app.state.clone();
    tokio::spawn(async move {
        academy::email::outbox::deliver_due(&state.outbox())
            .await
            .unwrap()
    })
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
}

backend_tests! {
    async fn a_queued_mail_is_sent_once_with_text_and_html_parts(backend) {
        let app = TestApp::spawn(backend).await;
        assert!(queue_welcome(&app, "amina@example.nhs.uk", "welcome:1").await);
        assert!(!queue_welcome(&app, "amina@example.nhs.uk", "welcome:1").await, "same event, no second mail");
        assert!(app.sent_emails().is_empty(), "nothing is sent inside the transaction");

        app.run_background_jobs().await;
        app.run_background_jobs().await;
        let sent = app.sent_emails();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to, vec!["amina@example.nhs.uk".to_owned()]);
        let raw = &sent[0].raw;
        assert_eq!(header(raw, "Subject"), Some("Welcome to Academy"));
        assert!(header(raw, "Message-ID").is_some_and(|id| id.starts_with('<') && id.ends_with("@127.0.0.1>")), "{raw}");
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("text/plain") && raw.contains("text/html"), "{raw}");
        assert!(raw.contains(&format!("http://{}/courses", app.address)), "absolute links: {raw}");
        assert!(raw.contains("&#60;Okafor&#62;"), "the HTML part is escaped: {raw}");
        assert_eq!(statuses(&app).await, vec![("sent".to_owned(), 1)]);
    }

    async fn a_rolled_back_change_sends_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let to = Email::parse("nobody@example.org").unwrap();
        let mut tx = app.state.db.begin().await.unwrap();
        let envelope = Envelope { to: &to, user_id: None, idempotency_key: "rolled-back".into() };
        let mail = Welcome { name: "X".into(), nhs: false, courses_url: String::new(), account_url: String::new() };
        queue(&mut tx, app.state.site(), &envelope, &mail, app.clock().now()).await.unwrap();
        drop(tx);
        app.run_background_jobs().await;
        assert!(app.sent_emails().is_empty());
        assert!(statuses(&app).await.is_empty());
    }

    async fn the_smtp_transport_delivers_both_parts_to_a_real_listener(backend) {
        let smtp = FakeSmtp::start().await;
        let smtp_url = smtp.url();
        let settings = [("ACADEMY_SMTP_URL", smtp_url.as_str()), ("ACADEMY_MAIL_FROM", "Academy Education <education@academy.example>")];
        let app = TestApp::spawn_with(backend, &settings, Router::new()).await;
        queue_welcome(&app, "Sam.Taylor@Example.com", "welcome:smtp").await;
        assert_eq!(deliver(&app).await, DeliveryReport { sent: 1, retrying: 0, dead: 0 });

        let received = smtp.received();
        assert_eq!(received.len(), 1);
        let mail = &received[0];
        assert_eq!(mail.mail_from, "<education@academy.example>");
        assert_eq!(mail.rcpt_to, vec!["sam.taylor@example.com".to_owned()]);
        let data = &mail.data;
        assert_eq!(header(data, "From"), Some("\"Academy Education\" <education@academy.example>"));
        assert_eq!(header(data, "To"), Some("sam.taylor@example.com"));
        assert_eq!(header(data, "Subject"), Some("Welcome to Academy"));
        assert_eq!(header(data, "MIME-Version"), Some("1.0"));
        assert!(header(data, "Date").is_some(), "{data}");
        assert!(header(data, "Message-ID").is_some(), "{data}");
        assert!(data.contains("Content-Type: multipart/alternative"), "{data}");
        let text = data.find("Content-Type: text/plain").expect("a text part");
        let html = data.find("Content-Type: text/html").expect("an HTML part");
        assert!(text < html, "plain text first, HTML preferred last");
        assert!(data.contains("Your email address is confirmed"), "{data}");
    }

    async fn no_mail_is_lost_while_smtp_is_down(backend) {
        let smtp = FakeSmtp::start().await;
        smtp.set_refusing(true);
        let smtp_url = smtp.url();
        let settings = [("ACADEMY_SMTP_URL", smtp_url.as_str())];
        let app = TestApp::spawn_with(backend, &settings, Router::new()).await;
        for n in 0..3 {
            queue_welcome(&app, &format!("learner{n}@example.org"), &format!("welcome:{n}")).await;
        }
        assert_eq!(deliver(&app).await, DeliveryReport { sent: 0, retrying: 3, dead: 0 });
        assert_eq!(deliver(&app).await, DeliveryReport::default(), "not due again until the back-off passes");
        app.clock().advance(Duration::minutes(2));
        assert_eq!(deliver(&app).await, DeliveryReport { sent: 0, retrying: 3, dead: 0 });
        assert_eq!(statuses(&app).await, vec![("failed".to_owned(), 3)]);

        smtp.set_refusing(false);
        app.clock().advance(Duration::minutes(5));
        assert_eq!(deliver(&app).await, DeliveryReport { sent: 3, retrying: 0, dead: 0 });
        app.clock().advance(Duration::hours(7));
        assert_eq!(deliver(&app).await, DeliveryReport::default());

        let received = smtp.received();
        let mut ids: Vec<&str> = received.iter().filter_map(|m| header(&m.data, "Message-ID")).collect();
        ids.sort();
        ids.dedup();
        assert_eq!((received.len(), ids.len()), (3, 3), "each queued mail delivered exactly once");
    }

    async fn a_worker_that_dies_mid_run_loses_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        queue_welcome(&app, "a@example.org", "welcome:crash").await;
        // A worker claims the mail and dies before sending it.
        let now = app.clock().now();
        let claimed = outbox::claim_next(&app.state.db, now, now + lease()).await.unwrap();
        assert!(claimed.is_some());
        assert_eq!(deliver(&app).await, DeliveryReport::default(), "another worker leaves a live claim alone");
        app.clock().advance(lease() + Duration::seconds(1));
        assert_eq!(deliver(&app).await, DeliveryReport { sent: 1, retrying: 0, dead: 0 }, "the lapsed claim is taken over");

        // A worker sends, the server accepts, and it dies before recording it: sent again,
        // with the same Message-ID, so mail clients show one message.
        let db = app.database.connect().await;
        let lapsed = app.clock().now() - Duration::minutes(1);
        academy::run_query!(write &db, |c| sqlx::query("update email_outbox set status = 'sending', claimed_until = $1")
            .bind(lapsed).execute(c).await.map(|_| ())).unwrap();
        assert_eq!(deliver(&app).await, DeliveryReport { sent: 1, retrying: 0, dead: 0 });
        let sent = app.sent_emails();
        assert_eq!(sent.len(), 2);
        assert_eq!(header(&sent[0].raw, "Message-ID"), header(&sent[1].raw, "Message-ID"));
    }

    async fn a_worker_claims_each_mail_just_before_sending_it(backend) {
        let smtp = FakeSmtp::start().await;
        let smtp_url = smtp.url();
        let app = TestApp::spawn_with(backend, &[("ACADEMY_SMTP_URL", smtp_url.as_str())], Router::new()).await;
        for n in 0..3 {
            queue_welcome(&app, &format!("learner{n}@example.org"), &format!("welcome:one:{n}")).await;
        }
        let mut held = smtp.hold_answers();
        let worker = deliver_in_background(&app);
        let mut expected = vec![vec![("queued", 2), ("sending", 1)], vec![("queued", 1), ("sending", 1), ("sent", 1)], vec![("sending", 1), ("sent", 2)]];
        for (step, expected) in expected.drain(..).enumerate() {
            let release = next_held(&mut held).await;
            let expected: Vec<(String, i64)> = expected.into_iter().map(|(s, n)| (s.to_owned(), n)).collect();
            assert_eq!(statuses(&app).await, expected, "while mail {step} is on the wire, only it is claimed");
            release.send(()).unwrap();
        }
        assert_eq!(worker.await.unwrap(), DeliveryReport { sent: 3, retrying: 0, dead: 0 });
        assert_eq!(statuses(&app).await, vec![("sent".to_owned(), 3)]);
    }

    async fn after_a_worker_dies_mid_send_only_that_mail_waits_and_it_is_sent_again_with_its_message_id(backend) {
        assert!(LEASE > SEND_TIMEOUT, "no second send while the first may still be talking to the server");
        let smtp = FakeSmtp::start().await;
        let smtp_url = smtp.url();
        let app = TestApp::spawn_with(backend, &[("ACADEMY_SMTP_URL", smtp_url.as_str())], Router::new()).await;
        queue_welcome(&app, "first@example.org", "welcome:kill:1").await;
        queue_welcome(&app, "second@example.org", "welcome:kill:2").await;

        // The server has the first message when the worker is killed, before it hears "250".
        let mut held = smtp.hold_answers();
        let worker = deliver_in_background(&app);
        let release = next_held(&mut held).await;
        worker.abort();
        assert!(worker.await.unwrap_err().is_cancelled());
        drop(release);
        smtp.stop_holding();
        assert_eq!(statuses(&app).await, vec![("queued".to_owned(), 1), ("sending".to_owned(), 1)]);

        // The mail that was not claimed goes at once; the claimed one waits for its lease,
        // which outlasts the longest send.
        assert_eq!(deliver(&app).await, DeliveryReport { sent: 1, retrying: 0, dead: 0 });
        app.clock().advance(Duration::from_std(SEND_TIMEOUT).unwrap() + Duration::seconds(1));
        assert_eq!(deliver(&app).await, DeliveryReport::default(), "the first worker might still be sending it");
        app.clock().advance(lease() - Duration::from_std(SEND_TIMEOUT).unwrap());
        assert_eq!(deliver(&app).await, DeliveryReport { sent: 1, retrying: 0, dead: 0 }, "sent again once the lease lapsed");

        let received = smtp.received();
        let to_first: Vec<&str> = received.iter()
            .filter(|m| m.rcpt_to == ["first@example.org"])
            .filter_map(|m| header(&m.data, "Message-ID"))
            .collect();
        assert_eq!(to_first.len(), 2, "at least once: the server got it twice");
        assert_eq!(to_first[0], to_first[1], "with the same Message-ID, so the receiver sees one message");
        assert_eq!(received.iter().filter(|m| m.rcpt_to == ["second@example.org"]).count(), 1);
        assert_eq!(statuses(&app).await, vec![("sent".to_owned(), 2)]);
    }

    async fn hopeless_mail_is_marked_dead_and_can_be_retried(backend) {
        let smtp = FakeSmtp::start().await;
        smtp.reject_recipient("gone@example.org");
        let smtp_url = smtp.url();
        let settings = [("ACADEMY_SMTP_URL", smtp_url.as_str()), ("ACADEMY_OUTBOX_MAX_ATTEMPTS", "2")];
        let app = TestApp::spawn_with(backend, &settings, Router::new()).await;
        queue_welcome(&app, "gone@example.org", "welcome:gone").await;
        assert_eq!(deliver(&app).await, DeliveryReport { sent: 0, retrying: 0, dead: 1 }, "a permanent refusal is not retried");

        smtp.set_refusing(true);
        queue_welcome(&app, "later@example.org", "welcome:later").await;
        assert_eq!(deliver(&app).await.retrying, 1);
        app.clock().advance(Duration::minutes(2));
        assert_eq!(deliver(&app).await.dead, 1, "dead after the configured number of attempts");
        let entries = outbox::list(&app.state.db, Some("dead"), academy::db::statement::Window { limit: 10, offset: 0 }).await.unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries.iter().all(|e| e.last_error.is_some()), "the last error is kept");

        smtp.set_refusing(false);
        let later = entries.iter().find(|e| e.to_address == "later@example.org").unwrap();
        assert!(outbox::retry(&app.state.db, later.email_outbox_id, app.clock().now()).await.unwrap());
        assert!(!outbox::retry(&app.state.db, later.email_outbox_id, app.clock().now()).await.unwrap(), "only dead or failed mail is retried");
        assert_eq!(deliver(&app).await.sent, 1);
        assert_eq!(smtp.received().len(), 1);
    }

    async fn bodies_of_sent_mail_are_purged_after_the_retention_period(backend) {
        let app = TestApp::spawn_with(backend, &[("ACADEMY_MAIL_RETENTION_DAYS", "7")], Router::new()).await;
        queue_welcome(&app, "a@example.org", "welcome:purge").await;
        app.run_background_jobs().await;
        let db = app.database.connect().await;
        let bodies = || async {
            academy::run_query!(read &db, |c| sqlx::query_scalar::<_, Option<String>>("select body_text from email_outbox")
                .fetch_one(c).await).unwrap()
        };
        app.clock().advance(Duration::days(6));
        app.run_background_jobs().await;
        assert!(bodies().await.is_some(), "kept within the retention period");
        app.clock().advance(Duration::days(2));
        app.run_background_jobs().await;
        assert!(bodies().await.is_none(), "erased after it");
        assert_eq!(statuses(&app).await, vec![("sent".to_owned(), 1)]);
    }
}
