//! CPD share links through the real app on both databases: what a link shows (its dates,
//! evidence only when ticked), expiry on the movable clock at the boundary, withdrawal,
//! views counted in memory and saved by the job (no write per view, counts kept through a
//! failed save), another learner's links never found, the token kept only as its hash, and
//! every page's accessibility (`pages`).

use academy::db::users::{self, Profile};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sha2::Digest;

use crate::backend_tests;
use crate::cpd_entries::{activity, add, post, with};
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location};
use crate::support::app::Browser;
use crate::support::certificates::{completed, issue};

mod pages;

pub(crate) const PDF: &[u8] = b"%PDF-1.7 attendance note";

/// The share form's fields: the whole record for `days` days, evidence as told.
pub(crate) fn whole(days: &str, evidence: bool) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = [
        ("scope", "whole"),
        ("from_day", ""),
        ("from_month", ""),
        ("from_year", ""),
        ("to_day", ""),
        ("to_month", ""),
        ("to_year", ""),
        ("days", days),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    if evidence {
        fields.push(("include_evidence", "yes".to_owned()));
    }
    fields
}

/// Entries ending from `from` to `to` (day, month, year each).
pub(crate) fn range(
    from: [&str; 3],
    to: [&str; 3],
    days: &str,
    evidence: bool,
) -> Vec<(&'static str, String)> {
    let mut fields = with(whole(days, evidence), "scope", "range");
    for (names, values) in [
        (["from_day", "from_month", "from_year"], from),
        (["to_day", "to_month", "to_year"], to),
    ] {
        for (name, value) in names.into_iter().zip(values) {
            fields = with(fields, name, value);
        }
    }
    fields
}

/// Makes a link; returns the page that showed it and the link's path.
pub(crate) async fn make(browser: &Browser, fields: &[(&str, String)]) -> (String, String) {
    let response = post(browser, "/cpd/share", fields).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let start = html
        .find(r#"id="share_url" type="text" readonly value=""#)
        .expect("the new link is shown")
        + 43;
    let url = &html[start..start + html[start..].find('"').unwrap()];
    let path = &url[url.find("/cpd/shared/").unwrap()..];
    (html.clone(), path.to_owned())
}

/// Rows an anonymous reader might write: sessions, counters, the audit trail, views.
async fn writes(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "select count(*) from throttles",
        "select count(*) from audit_events",
        "select count(*) from email_outbox",
        "select count(*) from cpd_share_links",
        "select coalesce(cast(sum(views) as bigint), 0) from cpd_share_links",
        "select count(*) from cpd_share_links where last_viewed_at is not null",
    ] {
        counts.push(app.count(sql).await);
    }
    let sessions = match app.state.db.backend() {
        academy::db::Backend::Sqlite => "select count(*) from tower_sessions",
        academy::db::Backend::Postgres => "select count(*) from tower_sessions.session",
    };
    counts.push(app.count(sessions).await);
    counts
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

pub(crate) async fn upload(browser: &Browser, entry: i64, name: &str, bytes: &[u8]) -> i64 {
    let token = browser.csrf_token().await;
    let form = Form::new().text("csrf_token", token).part(
        "evidence",
        Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
    );
    let response = browser
        .client
        .post(browser.url(&format!("/cpd/{entry}/evidence")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = browser.get_text(&format!("/cpd/{entry}")).await;
    let marker = format!("/cpd/{entry}/evidence/");
    let at = html.rfind(&marker).unwrap() + marker.len();
    html[at..]
        .split(['"', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The learner's profile: a nurse on the NMC register.
pub(crate) async fn on_the_register(app: &TestApp, user_id: i64, email: &str, name: &str) {
    let mut tx = app.state.db.begin().await.unwrap();
    let profile = Profile {
        full_name: name,
        organisation: "Example NHS Trust",
        job_role: "Staff nurse",
        professional_body: Some("NMC"),
        registration_number: Some("12A3456E"),
    };
    users::update_profile(&mut tx, user_id, email, &profile, app.clock().now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

backend_tests! {
    async fn a_link_shows_only_its_dates_and_evidence_only_when_ticked(backend) {
        let app = TestApp::spawn(backend).await;
        // A verified entry (the course ended 1 June 2026; the clock is now 10 June 2026).
        let nurse = completed(&app, "g.nurse@nhs.net", "Grace O'Neill", "Human factors in patient safety").await;
        let certificate = issue(&app, nurse.enrolment_id).await.certificate;
        on_the_register(&app, nurse.user_id, &nurse.email, "Grace O'Neill").await;
        let me = &nurse.browser;
        let february = add(me, &with(activity("<script>alert(1)</script> Sepsis day"), "reflection_learned", "Screen at every round")).await;
        let old = add(me, &with(with(with(activity("Old falls course"), "started_on_year", "2025"), "ended_on_year", "2025"), "reflection_learned", "Older")).await;
        let kept = upload(me, february, "attendance.pdf", PDF).await;
        let outside = upload(me, old, "old.pdf", PDF).await;

        // From 1 February 2026 to today, without evidence.
        let (html, link) = make(me, &range(["1", "2", "2026"], ["10", "6", "2026"], "30", false)).await;
        assert!(html.contains("It will not be shown again"), "the one-time note");
        let token = link.trim_start_matches("/cpd/shared/").to_owned();
        assert_eq!(token.len(), 64);
        let visitor = app.another_browser();
        let before = writes(&app).await;
        let response = visitor.get(&link).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "x-robots-tag"), "noindex");
        assert_eq!(header(&response, "cache-control"), "private, no-store");
        assert!(response.headers().get("set-cookie").is_none(), "no cookie for a reader");
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"<meta name="robots" content="noindex">"#));
        for fact in ["CPD record of Grace O&#39;Neill", "Nursing and Midwifery Council (NMC)", "12A3456E", "Entries ending 1 February 2026 to 10 June 2026", "Human factors in patient safety", "Verified by", &format!(r#"href="/certificates/{}""#, certificate.code), "&#60;script&#62;alert(1)&#60;/script&#62; Sepsis day", "Screen at every round", "10 February 2026 to 11 February 2026", "Conference", "25.5 hours", "2 entries"] {
            assert!(page.contains(fact), "{fact:?} on the shared page");
        }
        assert!(!page.contains("<script>alert(1)"), "escaped");
        assert!(!page.contains("Old falls course") && !page.contains("Older"), "outside the dates");
        assert!(!page.contains("/evidence/"), "no evidence without the tick");
        for file in [kept, outside] {
            let response = visitor.get(&format!("{link}/evidence/{file}")).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{file}");
            assert_eq!(header(&response, "x-robots-tag"), "noindex");
        }
        assert_eq!(writes(&app).await, before, "an anonymous reader writes nothing");

        // The same dates with evidence: the file of an entry inside them, never another.
        let (_, with_files) = make(me, &range(["1", "2", "2026"], ["10", "6", "2026"], "7", true)).await;
        let (_, page) = visitor.get_text(&with_files).await;
        assert!(page.contains(&format!("{with_files}/evidence/{kept}")) && page.contains("attendance.pdf"));
        let file = visitor.get(&format!("{with_files}/evidence/{kept}")).await;
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(header(&file, "cache-control"), "private, no-store");
        assert_eq!(header(&file, "content-type"), "application/pdf");
        assert_eq!(header(&file, "x-content-type-options"), "nosniff");
        assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
        assert_eq!(visitor.get(&format!("{with_files}/evidence/{outside}")).await.status(), StatusCode::NOT_FOUND, "an entry outside the dates");
        assert_eq!(visitor.get(&format!("{with_files}/evidence/x")).await.status(), StatusCode::NOT_FOUND);

        // The whole record shows the older entry too.
        let (_, everything) = make(me, &whole("90", false)).await;
        let (_, page) = visitor.get_text(&everything).await;
        assert!(page.contains("Old falls course") && page.contains("The whole record") && page.contains("3 entries"));

        // Unknown and malformed tokens: the site's 404, saying nothing of links or records.
        let (status, unknown) = visitor.get_text(&format!("/cpd/shared/{}", "a".repeat(64))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!unknown.contains("CPD record") && !unknown.contains("shared"));
        assert_eq!(unknown, visitor.get_text("/no-such-page").await.1, "the site's own 404 page");
        for malformed in ["abc", &token[1..], &format!("{token}0"), "%FF%FE", &"g".repeat(64)] {
            let response = visitor.get(&format!("/cpd/shared/{malformed}")).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{malformed}");
            assert_eq!(header(&response, "x-robots-tag"), "noindex");
            assert_eq!(response.text().await.unwrap(), unknown, "{malformed}: the same page");
        }
        // A token typed in capitals is the same link.
        assert_eq!(visitor.get(&format!("/cpd/shared/{}", token.to_uppercase())).await.status(), StatusCode::OK);
    }

    async fn the_token_is_kept_only_as_its_hash_and_never_in_the_audit_trail(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = crate::support::enrolment::learner(&app, "nurse@example.org").await;
        let (_, link) = make(&nurse, &whole("7", false)).await;
        let token = link.trim_start_matches("/cpd/shared/");
        let hash = hex::encode(sha2::Sha256::digest(token.as_bytes()));
        assert_eq!(app.count(&format!("select count(*) from cpd_share_links where token_hash = '{hash}'")).await, 1);
        for sql in [
            format!("select count(*) from cpd_share_links where token_hash like '%{token}%'"),
            format!("select count(*) from audit_events where detail like '%{token}%' or action like '%{token}%'"),
            format!("select count(*) from email_outbox where body_text like '%{token}%'"),
        ] {
            assert_eq!(app.count(&sql).await, 0, "{sql}");
        }
        assert_eq!(app.count("select count(*) from audit_events where action = 'cpd_share_created'").await, 1);
        // The learner's page lists it without its address.
        let (_, list) = nurse.get_text("/cpd/share").await;
        assert!(list.contains("The whole record") && !list.contains(token));
    }

    async fn a_link_expires_at_its_instant_and_a_withdrawn_one_says_so(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = crate::support::enrolment::learner(&app, "nurse@example.org").await;
        add(&nurse, &activity("Sepsis study day")).await;
        // Made at 9am on 2 March 2026, for 7 days.
        let (_, week) = make(&nurse, &whole("7", false)).await;
        let (_, month) = make(&nurse, &whole("30", false)).await;
        let visitor = app.another_browser();
        let expiry = chrono::DateTime::parse_from_rfc3339("2026-03-09T09:00:00Z").unwrap().to_utc();
        crate::support::learning::move_clock_to(&app, expiry - chrono::Duration::seconds(1));
        assert_eq!(visitor.get(&week).await.status(), StatusCode::OK, "a second before");
        crate::support::learning::move_clock_to(&app, expiry);
        let response = visitor.get(&week).await;
        assert_eq!(response.status(), StatusCode::GONE, "at the instant");
        assert_eq!(header(&response, "x-robots-tag"), "noindex");
        let gone = response.text().await.unwrap();
        assert!(gone.contains("<h1>This link has expired</h1>"));
        assert!(!gone.contains("Sepsis") && !gone.contains("Test Person"), "nothing else");
        assert_eq!(visitor.get(&format!("{week}/evidence/1")).await.status(), StatusCode::GONE);
        assert_eq!(visitor.get(&month).await.status(), StatusCode::OK, "the 30-day link still works");

        // Withdrawn: asked first, then the link says so.
        nurse.sign_in("nurse@example.org", PASSWORD).await;
        let (_, list) = nurse.get_text("/cpd/share").await;
        assert!(list.contains("Expired") && list.contains("Active"));
        let id = app.count("select max(share_id) from cpd_share_links").await;
        let (status, confirm) = nurse.get_text(&format!("/cpd/share/{id}/revoke")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(confirm.contains("Are you sure you want to withdraw this link?") && confirm.contains("the whole record, made 2 March 2026"));
        let withdrawn = nurse.post_form(&format!("/cpd/share/{id}/revoke"), &[]).await;
        assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&withdrawn), "/cpd/share?done=withdrawn");
        let (_, list) = nurse.get_text("/cpd/share?done=withdrawn").await;
        assert!(list.contains("The link was withdrawn") && list.contains("Withdrawn"));
        let response = visitor.get(&month).await;
        assert_eq!(response.status(), StatusCode::GONE);
        let gone = response.text().await.unwrap();
        assert!(gone.contains("<h1>This link was withdrawn by the person who shared it</h1>") && !gone.contains("Sepsis"));
        // Again: nothing changes, and the confirmation says there is nothing to withdraw.
        assert_eq!(nurse.post_form(&format!("/cpd/share/{id}/revoke"), &[]).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("select count(*) from audit_events where action = 'cpd_share_revoked'").await, 1);
        let (_, again) = nurse.get_text(&format!("/cpd/share/{id}/revoke")).await;
        assert!(again.contains("This link no longer works") && !again.contains("button--warning"));
        // Withdrawn wins over expired, later on.
        crate::support::learning::move_clock_to(&app, expiry + chrono::Duration::days(60));
        assert!(visitor.get_text(&month).await.1.contains("withdrawn by the person"));
    }

    async fn views_are_counted_in_memory_and_saved_by_the_job(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = crate::support::enrolment::learner(&app, "nurse@example.org").await;
        let (_, link) = make(&nurse, &whole("30", false)).await;
        let id = app.count("select max(share_id) from cpd_share_links").await;
        let before = writes(&app).await;
        for visitor in [app.another_browser(), app.another_browser()] {
            for _ in 0..2 {
                assert_eq!(visitor.get(&link).await.status(), StatusCode::OK);
            }
        }
        app.another_browser().get(&link).await;
        // Not views: the learner's own look, a wrong token.
        assert_eq!(nurse.get(&link).await.status(), StatusCode::OK);
        app.another_browser().get(&format!("/cpd/shared/{}", "b".repeat(64))).await;
        assert_eq!(writes(&app).await, before, "no write per view");
        assert_eq!(app.state.share_views.pending(id), 5);

        // A failed save keeps the counts for the next one.
        let hide = "alter table cpd_share_links rename to cpd_share_links_away";
        crate::support::learning::write(&app, hide).await;
        let failed = academy::cpd::view_counts::flush(app.state.ctx(), &app.state.share_views).await;
        assert!(failed.is_err());
        crate::support::learning::write(&app, "alter table cpd_share_links_away rename to cpd_share_links").await;
        assert_eq!(app.state.share_views.pending(id), 5, "put back");

        app.run_background_jobs().await;
        assert_eq!(app.state.share_views.pending(id), 0);
        assert_eq!(app.count(&format!("select views from cpd_share_links where share_id = {id}")).await, 5);
        assert_eq!(app.count("select count(*) from cpd_share_links where last_viewed_at is not null").await, 1);
        let (_, list) = nurse.get_text("/cpd/share").await;
        assert!(list.contains("<td>5<br>"), "the learner sees the number: {list}");
        // An idle run writes nothing; more views add to what is saved.
        let saved = writes(&app).await;
        app.run_background_jobs().await;
        assert_eq!(writes(&app).await, saved);
        app.another_browser().get(&link).await;
        app.run_background_jobs().await;
        assert_eq!(app.count(&format!("select views from cpd_share_links where share_id = {id}")).await, 6);
    }

    async fn another_learner_cannot_list_or_withdraw_my_links(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = crate::support::enrolment::learner(&app, "nurse@example.org").await;
        let other = crate::support::enrolment::learner(&app, "other@example.org").await;
        let boss = crate::support::enrolment::admin(&app).await;
        let (_, link) = make(&nurse, &whole("30", true)).await;
        let id = app.count("select max(share_id) from cpd_share_links").await;
        for browser in [&other, &boss] {
            let (_, list) = browser.get_text("/cpd/share").await;
            assert!(list.contains("You have not made a link yet"), "nobody else's links");
            assert_eq!(browser.get(&format!("/cpd/share/{id}/revoke")).await.status(), StatusCode::NOT_FOUND);
            assert_eq!(browser.post_form(&format!("/cpd/share/{id}/revoke"), &[]).await.status(), StatusCode::NOT_FOUND);
        }
        assert_eq!(other.get("/cpd/share/x/revoke").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("select count(*) from cpd_share_links where revoked_at is null").await, 1);
        assert_eq!(app.another_browser().get(&link).await.status(), StatusCode::OK, "still works");
        // Signed out, the learner's page asks to sign in.
        let response = app.another_browser().get("/cpd/share").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(location(&response).starts_with("/login"));
    }
}
