//! Verified entries: made when a course is completed, with the certificate's facts, which
//! the learner cannot change or delete (only their reflection and tags); a revoked
//! certificate's entry says so and stops counting; a reissue moves its link.

use academy::db::cpd::counted_for_user;
use academy::domain::london;
use reqwest::StatusCode;

use super::{activity, post};
use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::support::TestApp;
use crate::support::certificates::{completed, issue};
use crate::support::enrolment::admin;
use crate::support::learning::text;

backend_tests! {
    async fn a_completion_adds_a_verified_entry_whose_facts_cannot_be_changed_or_deleted(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "v.nurse@nhs.net", "Vee Nurse", "Human factors in patient safety").await;
        let certificate = issue(&app, nurse.enrolment_id).await.certificate;
        let id = app.count(&format!("select entry_id from cpd_entries where certificate_id = {}", certificate.certificate_id)).await;
        assert_eq!(app.count(&format!("select count(*) from cpd_entries where user_id = {}", nurse.user_id)).await, 1);
        // Issuing again (a second completion) adds nothing.
        issue(&app, nurse.enrolment_id).await;
        assert_eq!(app.count("select count(*) from cpd_entries").await, 1);

        let verified_by = format!("Verified by {}", certificate.provider);
        let (_, list) = nurse.browser.get_text("/cpd").await;
        for shown in ["Human factors in patient safety", verified_by.as_str(), "18 hours", "6 hours participatory"] {
            assert!(list.contains(shown), "{shown} on the list");
        }
        let (_, page) = nurse.browser.get_text(&format!("/cpd/{id}")).await;
        let dates = format!("{} to {}", london::date(certificate.starts_on), london::date(certificate.ends_on));
        for shown in [verified_by.as_str(), &format!("/certificates/{}/view", certificate.code), &dates, "Course"] {
            assert!(page.contains(shown), "{shown} on the entry's page");
        }
        assert!(!page.contains(&format!("/cpd/{id}/delete")), "no delete link");
        assert_accessible("verified entry", &page);

        // The edit page offers only the reflection and tags.
        let edit = format!("/cpd/{id}/edit");
        let (_, html) = nurse.browser.get_text(&edit).await;
        assert!(!html.contains(r#"name="title""#) && !html.contains(r#"name="hours""#));
        assert!(html.contains(r#"name="reflection_learned""#) && html.contains(r#"name="tags""#));
        assert_accessible(&edit, &html);
        let form = nurse.browser.form_on(&edit, &format!("/cpd/{id}/reflection")).await;
        let too_long = nurse.browser.submit(&form.clone().set("reflection_benefit", &"b".repeat(20_000))).await;
        assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = too_long.text().await.unwrap();
        assert!(html.contains("How it benefits patients and service users must be 5,000 characters or fewer"));
        assert_error_summary(&edit, &html);
        let forged = form.set("reflection_learned", "Systems thinking").set("tags", "Human factors").set("title", "Forged").set("hours", "999").set("provider", "Me");
        assert_eq!(nurse.browser.submit(&forged).await.status(), StatusCode::SEE_OTHER);
        let facts = format!("select title || '|' || provider || '|' || minutes || '|' || reflection_learned || '|' || tags from cpd_entries where entry_id = {id}");
        let expected = format!("Human factors in patient safety|{}|1080|Systems thinking|,human factors,", certificate.provider);
        assert_eq!(text(&app, &facts).await, expected, "only the reflection and tags changed");

        // A forged post of the activity form, and deleting: refused, nothing changes.
        let refused = post(&nurse.browser, &edit, &activity("Forged")).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert!(refused.text().await.unwrap().contains("its facts cannot be changed"));
        let (status, ask) = nurse.browser.get_text(&format!("/cpd/{id}/delete")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ask.contains("cannot be deleted") && !ask.contains("Delete the entry</button>"));
        assert_eq!(nurse.browser.post_form(&format!("/cpd/{id}/delete"), &[]).await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(text(&app, &facts).await, expected);
        assert_eq!(app.count(&format!("select count(*) from cpd_entry_history where entry_id = {id}")).await, 2, "created and reflected");
        assert_eq!(app.count(&format!("select count(*) from cpd_entry_history where entry_id = {id} and action = 'reflected'")).await, 1);

        let db = app.database.connect().await;
        let counted = counted_for_user(&db, nurse.user_id, None).await.unwrap();
        assert_eq!(counted.len(), 1);
        assert!(counted[0].counts);
        assert_eq!((counted[0].minutes, counted[0].participatory_minutes), (1080, 360));
    }

    async fn a_reissue_moves_the_entry_to_the_new_certificate_and_a_revocation_stops_it_counting(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "r.nurse@nhs.net", "Rae Nurse", "Writing safety recommendations").await;
        let first = issue(&app, nurse.enrolment_id).await.certificate;
        let boss = admin(&app).await;
        let id = app.count(&format!("select entry_id from cpd_entries where certificate_id = {}", first.certificate_id)).await;

        let reissued = boss.post_form(&format!("/admin/certificates/{}/reissue", first.certificate_id), &[("reissue_reason", "Name corrected")]).await;
        assert_eq!(reissued.status(), StatusCode::SEE_OTHER);
        let second = app.count("select max(certificate_id) from certificates").await;
        assert_eq!(app.count(&format!("select certificate_id from cpd_entries where entry_id = {id}")).await, second);
        let code = text(&app, &format!("select code from certificates where certificate_id = {second}")).await;
        let (_, page) = nurse.browser.get_text(&format!("/cpd/{id}")).await;
        assert!(page.contains(&format!("/certificates/{code}/view")), "the link moved");
        assert!(!page.contains(&format!("/certificates/{}/view", first.code)));
        assert_eq!(app.count("select count(*) from cpd_entries").await, 1, "no second entry");
        assert_eq!(app.count(&format!("select count(*) from cpd_entry_history where entry_id = {id} and action = 'certificate_replaced'")).await, 1);

        let revoked = boss.post_form(&format!("/admin/certificates/{second}/revoke"), &[("revoke_reason", "Attendance was recorded in error"), ("public_reason", "")]).await;
        assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
        let (_, page) = nurse.browser.get_text(&format!("/cpd/{id}")).await;
        assert!(page.contains("Certificate revoked") && page.contains("no longer counts towards your totals"));
        let (_, list) = nurse.browser.get_text("/cpd").await;
        assert!(list.contains("Its certificate was revoked: it no longer counts."));
        assert_eq!(app.count(&format!("select count(*) from cpd_entry_history where entry_id = {id} and action = 'certificate_revoked'")).await, 1);
        let (_, history) = nurse.browser.get_text(&format!("/cpd/{id}/history")).await;
        assert!(history.contains("Certificate revoked") && history.contains("Certificate replaced by a corrected one"));
        let db = app.database.connect().await;
        let counted = counted_for_user(&db, nurse.user_id, None).await.unwrap();
        assert_eq!(counted.len(), 1);
        assert!(!counted[0].counts, "a revoked certificate's entry does not count");
        // Admins never see it: the admin's own log is empty.
        let (_, theirs) = boss.get_text("/cpd").await;
        assert!(!theirs.contains("Writing safety recommendations"));
    }
}
