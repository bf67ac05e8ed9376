//! The CPD record and account deletion, on both databases: deleting an account deletes
//! every entry (verified ones too), its history, evidence, share links and reminders,
//! while its certificate stays checkable without the name; the privacy and deletion pages
//! say exactly this.

use crate::backend_tests;
use crate::cpd_entries::{activity, add};
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location};
use crate::support::certificates::{completed, issue};
use crate::support::learning::write;

const TABLES: [&str; 5] = [
    "cpd_entries",
    "cpd_entry_history",
    "cpd_evidence",
    "cpd_share_links",
    "cpd_reminders",
];

async fn rows_of(app: &TestApp, user_id: i64) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        let sql = match table {
            "cpd_evidence" => format!(
                "select count(*) from cpd_evidence v join cpd_entries e on e.entry_id = v.entry_id where e.user_id = {user_id}"
            ),
            _ => format!("select count(*) from {table} where user_id = {user_id}"),
        };
        counts.push(app.count(&sql).await);
    }
    counts
}

backend_tests! {
    async fn deleting_an_account_deletes_its_whole_cpd_record_and_keeps_the_certificate(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "d.nurse@nhs.net", "Dee Nurse", "Human factors in patient safety").await;
        let certificate = issue(&app, nurse.enrolment_id).await.certificate;
        add(&nurse.browser, &activity("Sepsis study day")).await;
        let id = nurse.user_id;
        write(&app, &format!("insert into cpd_share_links (user_id, token_hash, include_evidence, created_at, expires_at) \
            select {id}, 'hash-of-a-token', false, created_at, created_at from users where user_id = {id}")).await;
        let bytes = match app.state.db.backend() {
            academy::db::Backend::Sqlite => "cast('notes' as blob)",
            academy::db::Backend::Postgres => "cast('notes' as bytea)",
        };
        write(&app, &format!("insert into cpd_evidence (entry_id, file_format, filename, bytes, size_bytes, sha256, created_at) \
            select entry_id, 'text', 'notes.txt', {bytes}, 5, 'x', created_at from cpd_entries where user_id = {id} and certificate_id is null")).await;
        write(&app, &format!("insert into cpd_reminders (user_id, renewal_on, days_before, sent_at) \
            select {id}, '2027-01-01', 90, created_at from users where user_id = {id}")).await;
        let before = rows_of(&app, id).await;
        assert!(before.iter().all(|n| *n > 0), "something in every table: {before:?}");
        assert_eq!(app.count(&format!("select count(*) from cpd_entries where user_id = {id} and certificate_id is not null")).await, 1, "the verified entry");

        // Both pages say what happens.
        let promise = "deletes your whole CPD record: every entry, reflection and evidence file, and every share link. That includes the entries made from our certificates; the certificates themselves stay checkable, as below.";
        let (_, delete_page) = nurse.browser.get_text("/account/delete").await;
        let (_, privacy) = app.get_text("/privacy").await;
        assert!(delete_page.contains(promise) && privacy.contains(promise), "both pages state the rule");
        assert!(privacy.contains("Our education team cannot see them: they are on no admin page and in no export."));

        let other = completed(&app, "o.nurse@nhs.net", "Other Nurse", "Writing safety recommendations").await;
        add(&other.browser, &activity("Someone else's study day")).await;
        let theirs = rows_of(&app, other.user_id).await;

        // Completing the other learner moved the clock on: the nurse signs in again.
        nurse.browser.sign_in("d.nurse@nhs.net", PASSWORD).await;
        let deleted = nurse.browser.post_form("/account/delete", &[("current_password", PASSWORD)]).await;
        assert_eq!(location(&deleted), "/account/deleted");
        assert_eq!(rows_of(&app, id).await, vec![0; TABLES.len()], "nothing of the record is left");
        assert_eq!(app.count("select count(*) from cpd_entry_history where entry_id in (select entry_id from cpd_entries)").await,
            app.count("select count(*) from cpd_entry_history").await, "no history left behind");
        assert_eq!(rows_of(&app, other.user_id).await, theirs, "another learner's record is untouched");
        let (status, page) = app.another_browser().get_text(&format!("/certificates/{}", certificate.code)).await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(page.contains("This certificate is valid") && !page.contains("Dee Nurse"));
    }
}
