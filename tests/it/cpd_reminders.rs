//! Reminders before the CPD renewal or appraisal date, on both databases: 90 and 30 days
//! before, once each (a second run, or two at once, send nothing more), with the progress
//! and what is missing; a date set late gets only the nearer one; nothing for a learner who
//! turned them off, or whose date changed.

use chrono::Duration;

use crate::backend_tests;
use crate::cpd_entries::{activity, add};
use crate::support::TestApp;
use crate::support::enrolment::learner;
use crate::support::learning::{move_clock_to, text, write};

async fn reminders_to(app: &TestApp, email: &str) -> i64 {
    app.count(&format!(
        "select count(*) from email_outbox where kind = 'cpd_reminder' and to_address = '{email}'"
    ))
    .await
}

/// Sets the learner's date `days` after the test clock's day (2 March 2026).
async fn date_in(app: &TestApp, email: &str, days: i64) {
    let on = academy::domain::london::day_of(app.clock().now()) + Duration::days(days);
    write(app, &format!("update users set professional_body = 'NMC', cpd_renewal_on = '{on}' where email = '{email}'")).await;
}

backend_tests! {
    async fn a_nurse_is_reminded_90_and_30_days_before_her_date_once_each(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "r.nurse@nhs.net").await;
        add(&nurse, &activity("Sepsis study day")).await;
        date_in(&app, "r.nurse@nhs.net", 100).await;
        let start = app.clock().now();

        app.run_background_jobs().await;
        assert_eq!(reminders_to(&app, "r.nurse@nhs.net").await, 0, "100 days ahead: not yet");

        move_clock_to(&app, start + Duration::days(10));
        app.run_background_jobs().await;
        app.run_background_jobs().await;
        assert_eq!(reminders_to(&app, "r.nurse@nhs.net").await, 1, "90 days ahead, once");
        let subject = text(&app, "select subject from email_outbox where kind = 'cpd_reminder'").await;
        assert_eq!(subject, "90 days to your NMC renewal date: your CPD record");
        let body = text(&app, "select body_text from email_outbox where kind = 'cpd_reminder'").await;
        assert!(body.contains("Your NMC renewal date is 10 June 2026, in 90 days."), "{body}");
        assert!(body.contains("- 35 hours of continuing professional development (CPD) relevant to your scope of practice: 7.5 of 35 hours (still to do)"), "{body}");
        assert!(body.contains("/cpd") && body.contains("/account/cpd-date"), "{body}");

        move_clock_to(&app, start + Duration::days(70));
        let (first, second) = tokio::join!(
            academy::cpd::reminders::send_due(app.state.ctx()),
            academy::cpd::reminders::send_due(app.state.ctx()),
        );
        assert_eq!(first.unwrap() + second.unwrap(), 1, "two runs at once send it once");
        assert_eq!(reminders_to(&app, "r.nurse@nhs.net").await, 2, "30 days ahead");
        move_clock_to(&app, start + Duration::days(100));
        app.run_background_jobs().await;
        assert_eq!(reminders_to(&app, "r.nurse@nhs.net").await, 2, "nothing more");

        // A new date is a new cycle, with its own reminders.
        date_in(&app, "r.nurse@nhs.net", 20).await;
        app.run_background_jobs().await;
        assert_eq!(reminders_to(&app, "r.nurse@nhs.net").await, 3, "a date set late: the nearer reminder only");
        assert_eq!(app.count("select count(*) from cpd_reminders").await, 4, "it settles the 90-day one too");
        app.run_background_jobs().await;
        assert_eq!(reminders_to(&app, "r.nurse@nhs.net").await, 3);
    }

    async fn nobody_is_reminded_who_turned_them_off_or_cannot_sign_in(backend) {
        let app = TestApp::spawn(backend).await;
        learner(&app, "quiet@nhs.net").await;
        learner(&app, "gone@nhs.net").await;
        learner(&app, "loud@nhs.net").await;
        for email in ["quiet@nhs.net", "gone@nhs.net", "loud@nhs.net"] {
            date_in(&app, email, 80).await;
        }
        write(&app, "update users set cpd_reminders = false where email = 'quiet@nhs.net'").await;
        write(&app, "update users set disabled_at = created_at where email = 'gone@nhs.net'").await;
        app.run_background_jobs().await;
        assert_eq!(reminders_to(&app, "quiet@nhs.net").await, 0);
        assert_eq!(reminders_to(&app, "gone@nhs.net").await, 0);
        assert_eq!(reminders_to(&app, "loud@nhs.net").await, 1);
    }
}
