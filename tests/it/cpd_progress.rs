//! The CPD page's summary on both databases: progress for the cycle against the learner's
//! regulator, worded as the regulator words it, moving as entries are added; without a
//! date it asks for one, and without a regulator it shows totals by year.

use reqwest::StatusCode;

use crate::accessibility::assert_accessible;
use crate::backend_tests;
use crate::cpd_entries::{activity, add, with};
use crate::support::TestApp;
use crate::support::enrolment::learner;
use crate::support::learning::write;

fn section(html: &str) -> &str {
    let start = html.find("<h2>Your").expect("the summary");
    let end = html[start..]
        .find("Add a CPD activity")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

backend_tests! {
    async fn a_nurse_sees_her_nmc_progress_move_as_she_adds_entries(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "p.nurse@nhs.net").await;
        write(&app, "update users set professional_body = 'NMC' where email = 'p.nurse@nhs.net'").await;

        let (_, account) = nurse.get_text("/account").await;
        assert!(account.contains("<a href=\"/cpd\">Your CPD log</a>"), "reachable from the account page");
        let (_, dashboard) = nurse.get_text("/dashboard").await;
        assert!(dashboard.contains("<a href=\"/cpd\">Your CPD log</a>"), "and from the dashboard");
        let (status, html) = nurse.get_text("/cpd").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<a href=\"/cpd/share\">Share your CPD record</a>"), "sharing is reachable");
        assert_accessible("/cpd", &html);
        assert!(section(&html).contains("Add your renewal or appraisal date to see your progress against what the Nursing and Midwifery Council (NMC) asks for"), "{html}");

        write(&app, "update users set cpd_renewal_on = '2027-04-01' where email = 'p.nurse@nhs.net'").await;
        for n in 0..4 {
            add(&nurse, &activity(&format!("Study day {n}"))).await;
        }
        let (_, html) = nurse.get_text("/cpd").await;
        let summary = section(&html);
        assert!(summary.contains("Your progress for Nursing and Midwifery Council (NMC)") && summary.contains("2 April 2024 to 1 April 2027"), "{summary}");
        assert!(summary.contains("Not yet</strong> 35 hours of continuing professional development (CPD) relevant to your scope of practice: 30 of 35 hours"), "{summary}");
        assert!(summary.contains("Not yet</strong> 20 of those hours must include participatory learning: 12 of 20 hours"), "{summary}");
        assert!(summary.contains("Not yet</strong> 5 written reflective accounts, each linked to a theme of the Code: 4 of 5"), "{summary}");
        assert_accessible("/cpd", &html);

        // A fifth study day: the hours and the reflective accounts are done, participation not.
        add(&nurse, &with(activity("Study day 4"), "participatory_hours", "7.5")).await;
        let (_, html) = nurse.get_text("/cpd").await;
        let summary = section(&html);
        assert!(summary.contains("Done</strong> 35 hours of continuing professional development"), "{summary}");
        assert!(summary.contains("Not yet</strong> 20 of those hours must include participatory learning: 19.5 of 20 hours"), "{summary}");
        assert!(summary.contains("Done</strong> 5 written reflective accounts"), "{summary}");
        assert!(summary.contains("Not yet</strong> 5 pieces of practice-related feedback: 0 of 5"), "{summary}");
    }

    async fn without_a_regulator_the_page_shows_totals_by_year(backend) {
        let app = TestApp::spawn(backend).await;
        let person = learner(&app, "p.other@nhs.net").await;
        write(&app, "update users set professional_body = 'other', cpd_renewal_on = '2027-04-01' where email = 'p.other@nhs.net'").await;
        add(&person, &activity("Human factors study day")).await;
        let (_, html) = person.get_text("/cpd").await;
        let summary = section(&html);
        assert!(summary.contains("Your CPD by year") && summary.contains("Your details name no regulator"), "{summary}");
        assert!(summary.contains("<td>2026 (so far)</td><td>1</td><td>7.5 hours</td><td>3 hours</td>"), "{summary}");
        assert_accessible("/cpd", &html);
    }
}
