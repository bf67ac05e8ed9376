//! The CPD renewal or appraisal date on the account page, on both databases: worded for
//! the learner's regulator, checked (a real date, not past, within four years), cleared by
//! leaving it empty, with the reminders choice and an audit event.

use reqwest::StatusCode;

use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::enrolment::learner;
use crate::support::learning::{text, write};

const PAGE: &str = "/account/cpd-date";

async fn stored(app: &TestApp, email: &str) -> String {
    text(app, &format!(
        "select coalesce(cast(cpd_renewal_on as text), 'none') || ' ' || case when cpd_reminders then 'reminders' else 'quiet' end \
         from users where email = '{email}'")).await
}

backend_tests! {
    async fn a_nurse_sets_her_revalidation_date_and_can_clear_it(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "n.date@nhs.net").await;
        write(&app, "update users set professional_body = 'NMC' where email = 'n.date@nhs.net'").await;

        let (status, html) = nurse.get_text(PAGE).await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible(PAGE, &html);
        assert!(html.contains("Your NMC revalidation date") && html.contains("three years up to it"), "{html}");
        assert_eq!(stored(&app, "n.date@nhs.net").await, "none reminders", "reminders are on until turned off");

        // Refused, each with its message beside the boxes; nothing saved.
        for (day, month, year, message) in [
            ("31", "2", "2027", "The date must be a real date"),
            ("1", "3", "2026", "The date must be today or in the future"),
            ("3", "3", "2030", "The date must be within the next 4 years"),
            ("x", "", "", "The date must be a real date"),
        ] {
            let form = nurse.form_on(PAGE, PAGE).await.set("renewal_day", day).set("renewal_month", month).set("renewal_year", year);
            let refused = nurse.submit(&form).await;
            assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{day} {month} {year}");
            let html = refused.text().await.unwrap();
            assert!(html.contains(message), "{message}: {html}");
            assert_error_summary(PAGE, &html);
            assert_accessible(PAGE, &html);
        }
        assert_eq!(stored(&app, "n.date@nhs.net").await, "none reminders");
        let missing = nurse.submit(&nurse.form_on(PAGE, PAGE).await.without("renewal_year")).await;
        assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY, "a body without a box");

        // Today is 2 March 2026 on the test clock; the last day four years on is accepted.
        let form = nurse.form_on(PAGE, PAGE).await.set("renewal_day", "2").set("renewal_month", "3").set("renewal_year", "2030").without("reminders");
        let saved = nurse.submit(&form).await;
        assert_eq!(location(&saved), "/account?notice=saved");
        assert_eq!(stored(&app, "n.date@nhs.net").await, "2030-03-02 quiet");
        assert_eq!(app.count("select count(*) from audit_events where action = 'cpd_date_changed'").await, 1);
        let (_, account) = nurse.get_text("/account").await;
        assert!(account.contains("2 March 2030") && account.contains("No reminders."), "{account}");
        let (_, again) = nurse.get_text(PAGE).await;
        assert!(again.contains("value=\"2030\"") && !again.contains("checked"), "shown as saved");

        let form = nurse.form_on(PAGE, PAGE).await.set("renewal_day", " 31 ").set("renewal_month", "3").set("renewal_year", "2027").set("reminders", "yes");
        nurse.submit(&form).await;
        assert_eq!(stored(&app, "n.date@nhs.net").await, "2027-03-31 reminders");

        let form = nurse.form_on(PAGE, PAGE).await.set("renewal_day", "").set("renewal_month", "").set("renewal_year", "");
        assert_eq!(location(&nurse.submit(&form).await), "/account?notice=saved");
        assert_eq!(stored(&app, "n.date@nhs.net").await, "none reminders", "every box empty clears the date");
        let (_, account) = nurse.get_text("/account").await;
        assert!(account.contains("Not given"));
    }

    async fn the_page_names_the_date_as_each_regulator_does(backend) {
        let app = TestApp::spawn(backend).await;
        let person = learner(&app, "p.date@nhs.net").await;
        for (body, wording) in [
            ("GMC", "Your next appraisal date"),
            ("HCPC", "Your HCPC renewal date"),
            ("GPhC", "Your GPhC renewal date"),
            ("other", "Your renewal or appraisal date"),
        ] {
            write(&app, &format!("update users set professional_body = '{body}' where email = 'p.date@nhs.net'")).await;
            let (_, html) = person.get_text(PAGE).await;
            assert!(html.contains(wording), "{body}: {wording}");
        }
        assert_eq!(app.another_browser().get(PAGE).await.status(), StatusCode::SEE_OTHER, "signed out: sign in first");
    }
}
