//! Certificates on both databases: issuing snapshots every printed fact once per
//! enrolment, with its audit event and email; admins revoke and reissue with a reason; the
//! PDF is real text; the learner's pages and data export list them; deleting an account
//! keeps them checkable without the name.

use academy::certificates::document::HOLDER_CLOSED;
use academy::certificates::{CertificateError, issue_in};
use academy::domain::certificate::{CODE_LENGTH, CertificateState, Code};
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location, subject_of, text_of};
use crate::support::certificates::{completed, issue, rename};
use crate::support::enrolment::{add_cohort_starting, admin, enrol, enrolment_id};

/// Sets the course's outcomes, accreditation and its reference, as an admin would.
async fn accredit(admin: &crate::support::app::Browser, course: i64) {
    let page = format!("/admin/courses/{course}/edit");
    let form = admin
        .form_on(&page, &format!("/admin/courses/{course}"))
        .await;
    let form = form
        .set(
            "learning_outcomes",
            "Explain a systems approach\nWrite safety recommendations",
        )
        .set("accreditation", "CPD accredited (18 hours)")
        .set("accreditation_reference", "REF-2026-0042")
        .set("action", "save");
    assert_eq!(
        location(&admin.submit(&form).await),
        "/admin/courses?notice=saved"
    );
}

backend_tests! {
    async fn issuing_snapshots_every_printed_fact_once_per_enrolment(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "a.nurse@nhs.net", "Zoë Ångström-Kaur", "Human factors in patient safety").await;
        let admin = admin(&app).await;
        accredit(&admin, nurse.course_id).await;
        let (_, course_page) = app.get_text("/courses/human-factors-in-patient-safety").await;
        assert!(course_page.contains("CPD accredited (18 hours) (reference REF-2026-0042)"), "the course page shows the reference");

        let issued = issue(&app, nurse.enrolment_id).await;
        assert!(issued.newly_issued);
        let c = &issued.certificate;
        assert_eq!(c.state(), CertificateState::Valid);
        assert_eq!(c.learner_name, "Zoë Ångström-Kaur");
        assert_eq!(c.course_title, "Human factors in patient safety");
        assert_eq!(c.course_level.label(), "Intermediate");
        assert_eq!((c.cohort_name.as_str(), c.starts_on.to_string(), c.ends_on.to_string()), ("May 2026 cohort", "2026-05-04".into(), "2026-06-01".into()));
        assert_eq!(c.completed_on.to_string(), "2026-06-10", "the day of `now` in UK time");
        assert_eq!((c.cpd_minutes, c.participatory_minutes), (18 * 60, 6 * 60), "two live sessions of 3 hours");
        assert_eq!((c.accreditation.as_str(), c.accreditation_reference.as_str()), ("CPD accredited (18 hours)", "REF-2026-0042"));
        assert_eq!(c.outcomes(), ["Explain a systems approach", "Write safety recommendations"]);
        assert_eq!(c.provider, "Health Services Safety Investigations Body");
        assert_eq!(c.code.len(), CODE_LENGTH);
        assert_eq!(Code::parse(&c.code).map(|code| code.to_string()), Some(c.code.clone()));
        assert_eq!((c.enrolment_id, c.user_id, c.cohort_id), (Some(nurse.enrolment_id), Some(nurse.user_id), Some(nurse.cohort_id)));
        assert_eq!(app.count(&format!("select count(*) from audit_events where action = 'certificate_issued' and subject_user_id = {}", nurse.user_id)).await, 1);
        assert_eq!(app.count("select count(*) from email_outbox where kind = 'certificate_ready'").await, 1);

        // Later edits change nothing issued, and issuing again returns the same certificate.
        rename(&app, nurse.user_id, &nurse.email, "Someone Else").await;
        let form = admin.form_on(&format!("/admin/courses/{}/edit", nurse.course_id), &format!("/admin/courses/{}", nurse.course_id)).await;
        admin.submit(&form.set("title", "Renamed course").set("cpd_hours", "2").set("action", "save")).await;
        let again = issue(&app, nurse.enrolment_id).await;
        assert!(!again.newly_issued);
        assert_eq!(again.certificate.certificate_id, c.certificate_id);
        assert_eq!((again.certificate.learner_name.as_str(), again.certificate.course_title.as_str(), again.certificate.cpd_minutes), ("Zoë Ångström-Kaur", "Human factors in patient safety", 18 * 60));
        assert_eq!(app.count("select count(*) from certificates").await, 1);
        assert_eq!(app.count("select count(*) from audit_events where action = 'certificate_issued'").await, 1);
        assert_eq!(app.count("select count(*) from email_outbox where kind = 'certificate_ready'").await, 1, "one mail");

        // Participatory time is capped at the CPD time (the course now counts 2 hours).
        let autumn = add_cohort_starting(&app, nurse.course_id, "Autumn 2026 cohort", 10, chrono::NaiveDate::from_ymd_opt(2026, 9, 7).unwrap()).await;
        let second = enrolment_id(&enrol(&nurse.browser, autumn, &[("funding", "free")]).await);
        let capped = issue(&app, second).await.certificate;
        assert_eq!((capped.cpd_minutes, capped.participatory_minutes), (120, 120));
        assert_ne!(capped.code, c.code);

        let mut tx = app.state.db.begin().await.unwrap();
        let missing = issue_in(&mut tx, app.state.ctx(), 999_999, app.clock().now()).await;
        assert!(matches!(missing, Err(CertificateError::NotFound)), "{missing:?}");
    }

    async fn the_email_links_the_certificate_its_pdf_and_its_public_check(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "b.nurse@nhs.net", "Bea Nurse", "Writing safety recommendations").await;
        let code = issue(&app, nurse.enrolment_id).await.certificate.code;
        let mails = app.mails_to("b.nurse@nhs.net").await;
        let mail = mails.iter().find(|m| subject_of(m).contains("certificate")).expect("the certificate mail");
        assert_eq!(subject_of(mail), "Your certificate for Writing safety recommendations is ready");
        let text = text_of(mail);
        let base = format!("http://{}", app.address);
        for link in [format!("/certificates/{code}/view"), format!("/certificates/{code}/pdf"), format!("/certificates/{code}"), "/certificates".to_owned()] {
            assert!(text.contains(&format!("{base}{link}")), "{link} in {text}");
        }
        assert!(text.contains("18 hours of CPD, 6 hours of them participatory"), "{text}");
    }

    async fn admins_revoke_and_reissue_with_a_reason_and_the_trail_records_it(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "c.nurse@nhs.net", "Cal Nurse", "Human factors in patient safety").await;
        let admin = admin(&app).await;
        let first = issue(&app, nurse.enrolment_id).await.certificate;
        let page = format!("/admin/certificates/{}", first.certificate_id);

        // The learner cannot; a reason is required.
        let theirs = nurse.browser.post_form(&format!("{page}/revoke"), &[("revoke_reason", "x"), ("public_reason", "")]).await;
        assert_eq!(theirs.status(), StatusCode::FORBIDDEN);
        let no_reason = admin.post_form(&format!("{page}/reissue"), &[("reissue_reason", "  ")]).await;
        assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_reason.text().await.unwrap().contains("Enter why a new certificate is being issued"));
        assert_eq!(app.count("select count(*) from certificates").await, 1);

        // A name correction: a fresh snapshot under a new code; the old one is replaced.
        rename(&app, nurse.user_id, &nurse.email, "Calum Nurse").await;
        let reissued = admin.post_form(&format!("{page}/reissue"), &[("reissue_reason", "Name corrected at the learner's request")]).await;
        assert_eq!(reissued.status(), StatusCode::SEE_OTHER);
        let second_id = app.count("select max(certificate_id) from certificates").await;
        assert_eq!(location(&reissued), format!("/admin/certificates/{second_id}?notice=certificate-reissued"));
        let db = app.database.connect().await;
        let second = academy::db::certificates::find(&db, second_id).await.unwrap().unwrap();
        assert_eq!((second.learner_name.as_str(), second.state()), ("Calum Nurse", CertificateState::Valid));
        assert_eq!(second.completed_on, first.completed_on, "the completion date stays");
        assert_ne!(second.code, first.code);
        let old = academy::db::certificates::find(&db, first.certificate_id).await.unwrap().unwrap();
        assert_eq!((old.state(), old.replaced_by_certificate_id, old.learner_name.as_str()), (CertificateState::Replaced, Some(second_id), "Cal Nurse"));
        assert_eq!(app.count("select count(*) from audit_events where action = 'certificate_reissued' and detail like '%Name corrected%'").await, 1);
        let mails = app.mails_to("c.nurse@nhs.net").await;
        assert!(mails.iter().any(|m| subject_of(m) == "Your corrected certificate for Human factors in patient safety is ready" && text_of(m).contains(&second.code)));

        // A replaced certificate cannot be revoked or reissued again.
        let again = admin.post_form(&format!("{page}/revoke"), &[("revoke_reason", "Mistake"), ("public_reason", "")]).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.text().await.unwrap().contains("This certificate has already been revoked or replaced"));

        // Revoking the new one, with a public reason.
        let revoked = admin.post_form(&format!("/admin/certificates/{second_id}/revoke"), &[("revoke_reason", "Completion recorded in error"), ("public_reason", "Issued in error")]).await;
        assert_eq!(location(&revoked), format!("/admin/certificates/{second_id}?notice=certificate-revoked"));
        let now_revoked = academy::db::certificates::find(&db, second_id).await.unwrap().unwrap();
        assert_eq!((now_revoked.state(), now_revoked.public_reason.as_deref()), (CertificateState::Revoked, Some("Issued in error")));
        assert_eq!(app.count("select count(*) from audit_events where action = 'certificate_revoked' and detail like '%Completion recorded in error%'").await, 1);
        // The holder is told, with the date, the public reason and the address (never the record's reason).
        let mail: (String, String, String) = academy::run_query!(read &db, |c| sqlx::query_as(
            "select to_address, subject, body_text from email_outbox where kind = 'certificate_revoked'").fetch_one(c).await).unwrap();
        assert_eq!(mail.0, "c.nurse@nhs.net");
        assert_eq!(mail.1, "Your certificate for Human factors in patient safety has been revoked");
        assert!(mail.2.contains("The reason given is: Issued in error") && mail.2.contains(&format!("/certificates/{}", now_revoked.code)), "{}", mail.2);
        assert!(!mail.2.contains("Completion recorded in error"), "the record's reason stays with the admins");
        let reissue_revoked = admin.post_form(&format!("/admin/certificates/{second_id}/reissue"), &[("reissue_reason", "Try again")]).await;
        assert_eq!(reissue_revoked.status(), StatusCode::UNPROCESSABLE_ENTITY, "a revoked certificate stays revoked");
        // Completing again does not undo the revocation.
        let issued_again = issue(&app, nurse.enrolment_id).await;
        assert!(!issued_again.newly_issued);
        assert_eq!(issued_again.certificate.certificate_id, second_id);
        assert_eq!(app.count("select count(*) from certificates").await, 2);
        // The enrolment page says so.
        let (_, place) = nurse.browser.get_text(&format!("/enrolments/{}", nurse.enrolment_id)).await;
        assert!(place.contains("Your certificate for this course was revoked"), "{place}");
        let (_, dashboard) = nurse.browser.get_text("/dashboard").await;
        assert!(dashboard.contains("Your certificate for this course was revoked. <a href=\"/certificates\">See when and why</a>"), "{dashboard}");
        let (_, mine) = nurse.browser.get_text("/certificates").await;
        assert!(mine.contains(&format!("We revoked this certificate on {}: Issued in error", academy::domain::london::date(academy::domain::london::day_of(now_revoked.revoked_at.unwrap())))), "{mine}");
        assert!(mine.contains("Replaced on "), "the first one, replaced");
    }

    async fn the_pdf_is_real_text_for_its_holder_or_an_admin_and_nobody_else(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "d.nurse@nhs.net", "Dorota Łukasiewicz", "Human factors in patient safety").await;
        let admin = admin(&app).await;
        let code = issue(&app, nurse.enrolment_id).await.certificate.code;
        let pdf_path = format!("/certificates/{code}/pdf");

        let response = nurse.browser.get(&pdf_path).await;
        assert_eq!(response.status(), StatusCode::OK);
        let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert_eq!(header("content-type"), "application/pdf");
        assert_eq!(header("content-disposition"), "attachment; filename=\"certificate-human-factors-in-patient-safety.pdf\"");
        assert!(header("cache-control").contains("no-store"));
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = pdf_extract::extract_text_from_mem(&bytes).expect("the PDF's text reads back");
        for expected in ["Dorota Łukasiewicz", "Human factors in patient safety", "18 hours", "6 hours participatory", code.as_str(), "Certificate of completion"] {
            assert!(text.contains(expected), "{expected:?} in {text}");
        }
        let document = pdf_extract::Document::load_mem(&bytes).unwrap();
        assert_eq!(document.get_pages().len(), 1);
        let catalog = document.catalog().unwrap();
        assert!(catalog.get(b"StructTreeRoot").is_ok(), "tagged");
        assert!(catalog.get(b"Lang").is_ok(), "with its language");
        let page = document.get_pages().values().next().copied().unwrap();
        let media_box = document.get_dictionary(page).unwrap().get(b"MediaBox").unwrap().as_array().unwrap().iter().map(|n| n.as_float().unwrap()).collect::<Vec<_>>();
        assert_eq!(media_box.iter().map(|n| n.round() as i64).collect::<Vec<_>>(), [0, 0, 595, 842], "A4");
        let fonts = document.get_page_fonts(page).unwrap();
        assert!(!fonts.is_empty() && fonts.values().all(|f| f.get(b"Subtype").and_then(|s| s.as_name()).is_ok_and(|s| s == b"Type0")), "embedded CID fonts");

        // The page view, for the holder and an admin; 404 for another learner; sign-in first
        // for a visitor.
        let view = format!("/certificates/{code}/view");
        let (status, html) = nurse.browser.get_text(&view).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Dorota Łukasiewicz") && html.contains("<svg class=\"qr-code\"") && html.contains(&pdf_path));
        assert_eq!(admin.get(&pdf_path).await.status(), StatusCode::OK);
        assert_eq!(admin.get(&view).await.status(), StatusCode::OK);
        let other = crate::support::enrolment::learner(&app, "other@example.org").await;
        for path in [&pdf_path, &view] {
            let response = other.get(path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            assert!(!response.text().await.unwrap().contains("Dorota"));
            assert_eq!(location(&app.another_browser().get(path).await), format!("/login?next={}", path.replace('/', "%2F")));
        }
        assert_eq!(other.get(&format!("/certificates/{}/pdf", "a".repeat(CODE_LENGTH))).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(other.get("/certificates/not-a-code/view").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(other.get("/certificates/%FF/pdf").await.status(), StatusCode::NOT_FOUND);
    }

    async fn the_learner_lists_their_certificates_and_the_export_holds_them(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "e.nurse@nhs.net", "Efe Nurse", "Human factors in patient safety").await;
        let (_, empty) = nurse.browser.get_text("/certificates").await;
        assert!(empty.contains("You have no certificates yet"));
        let (_, account) = nurse.browser.get_text("/account").await;
        assert!(account.contains("href=\"/certificates\""), "the account page links the list");
        let (_, profile) = nurse.browser.get_text("/account/profile").await;
        assert!(profile.contains("This name is printed on the certificates we issue"), "the profile hint");
        let code = issue(&app, nurse.enrolment_id).await.certificate.code;

        let (status, list) = nurse.browser.get_text("/certificates").await;
        assert_eq!(status, StatusCode::OK);
        for link in [format!("/certificates/{code}/view"), format!("/certificates/{code}/pdf"), format!("/certificates/{code}")] {
            assert!(list.contains(&format!("href=\"{link}\"")), "{link}");
        }
        let (_, place) = nurse.browser.get_text(&format!("/enrolments/{}", nurse.enrolment_id)).await;
        assert!(place.contains("Your certificate") && place.contains(&format!("/certificates/{code}/pdf")), "the enrolment page links it");
        let (_, dashboard) = nurse.browser.get_text("/dashboard").await;
        assert!(dashboard.contains(&format!("href=\"/certificates/{code}/view\">Your certificate</a>")), "the dashboard links it: {dashboard}");
        assert!(!empty.contains("Your certificate</a>"));

        let export: serde_json::Value = nurse.browser.get("/account/data").await.json().await.unwrap();
        let certificates = export["certificates"].as_array().expect("certificates in the export");
        assert_eq!(certificates.len(), 1);
        assert_eq!(certificates[0]["code"], code.as_str());
        assert_eq!(certificates[0]["learner_name"], "Efe Nurse");
        assert_eq!(certificates[0]["status"], "valid");
        assert_eq!(certificates[0]["verification_address"], format!("http://{}/certificates/{code}", app.address));
    }

    async fn deleting_the_account_keeps_its_certificates_checkable_without_the_name(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "f.nurse@nhs.net", "Fatima Leaving", "Human factors in patient safety").await;
        let admin = admin(&app).await;
        let certificate = issue(&app, nurse.enrolment_id).await.certificate;
        let check = format!("/certificates/{}", certificate.code);

        // The deletion page and the privacy page say the same thing.
        let (_, delete_page) = nurse.browser.get_text("/account/delete").await;
        let (_, privacy) = app.get_text("/privacy").await;
        let promise = "stay checkable at their address, so that anyone you showed one to can still see it is genuine, but your name is removed from them: their public page says “Issued to a learner whose account was closed”.";
        assert!(delete_page.contains(&format!("<strong>Certificates we have issued</strong> {promise}")), "{delete_page}");
        assert!(privacy.contains(&format!("Certificates we have issued {promise}")), "both pages state the rule");
        assert!(promise.contains(HOLDER_CLOSED));

        let deleted = nurse.browser.post_form("/account/delete", &[("current_password", PASSWORD)]).await;
        assert_eq!(location(&deleted), "/account/deleted");
        let (status, page) = app.another_browser().get_text(&check).await;
        assert_eq!(status, StatusCode::OK, "still checkable");
        assert!(page.contains(HOLDER_CLOSED) && page.contains("This certificate is valid") && page.contains("Human factors in patient safety"));
        assert!(!page.contains("Fatima"), "the name is gone");
        assert_eq!(app.count("select count(*) from certificates where learner_name = '' and user_id is null and enrolment_id is null and holder_closed_at is not null").await, 1);
        assert_eq!(app.count("select count(*) from certificates where search_text like '%fatima%'").await, 0);

        let reissue = admin.post_form(&format!("/admin/certificates/{}/reissue", certificate.certificate_id), &[("reissue_reason", "Name change")]).await;
        assert_eq!(reissue.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reissue.text().await.unwrap().contains("account was closed, so a new certificate cannot be issued"));
        assert_eq!(app.count("select count(*) from certificates").await, 1);
        let (_, admin_page) = admin.get_text(&format!("/admin/certificates/{}", certificate.certificate_id)).await;
        assert!(admin_page.contains(HOLDER_CLOSED));
    }
}
