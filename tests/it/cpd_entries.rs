//! The CPD log's entries through the real app: the forms' checks beside each field (nothing
//! saved), text shown escaped everywhere, editing and deleting with history, another
//! learner's entries never found, filters and search, and every new page's accessibility.
//! Verified entries (made on completion) are in `verified`.

use reqwest::StatusCode;

use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::form_fields::{Case, each_field_is_required};
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::app::Browser;
use crate::support::enrolment::{admin, learner};

pub(crate) mod evidence;
mod verified;

/// A form's fields as the tests post them.
type Fields = Vec<(&'static str, String)>;

/// An activity form's fields, valid on the test clock's day (2 March 2026).
pub(crate) fn activity(title: &str) -> Vec<(&'static str, String)> {
    [
        ("title", title),
        ("provider", "Royal College of Nursing"),
        ("method", "conference"),
        ("started_on_day", "10"),
        ("started_on_month", "2"),
        ("started_on_year", "2026"),
        ("ended_on_day", "11"),
        ("ended_on_month", "2"),
        ("ended_on_year", "2026"),
        ("hours", "7.5"),
        ("participatory_hours", "3"),
        ("planning", "planned"),
        ("topic", "Sepsis screening on the ward"),
        ("learning_outcomes", "Spot sepsis early"),
        ("reflection_learned", "The screening tool"),
        ("reflection_practice", "I screen at every observation round"),
        ("reflection_benefit", "Earlier antibiotics"),
        ("code_theme", "preserve_safety"),
        ("tags", "Sepsis, night shift"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

pub(crate) fn with(
    mut fields: Vec<(&'static str, String)>,
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    fields.retain(|(n, _)| *n != name);
    fields.push((name, value.to_owned()));
    fields
}

pub(crate) async fn post(
    browser: &Browser,
    path: &str,
    fields: &[(&str, String)],
) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post_form(path, &fields).await
}

/// Adds an activity; returns its id.
pub(crate) async fn add(browser: &Browser, fields: &[(&str, String)]) -> i64 {
    let response = post(browser, "/cpd/new", fields).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    let to = location(&response);
    to.trim_start_matches("/cpd/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn feedback(about: &str) -> Vec<(&'static str, String)> {
    [
        ("received_on_day", "1"),
        ("received_on_month", "3"),
        ("received_on_year", "2026"),
        ("source", "other"),
        ("source_other", about),
        ("about", about),
        ("how_used", about),
        ("tags", about),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

fn discussion(about: &str) -> Vec<(&'static str, String)> {
    [
        ("held_on_day", "1"),
        ("held_on_month", "3"),
        ("held_on_year", "2026"),
        ("partner_name", about),
        ("partner_pin", "12a 3456e"),
        ("about", about),
        ("tags", about),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// `<script>alert(1)</script>` as the templates escape it.
const ESCAPED: &str = "&#60;script&#62;alert(1)&#60;/script&#62;";

/// The page refused the post with `message` beside `field` and in the error summary.
fn refused_with(html: &str, field: &str, message: &str) {
    let beside =
        format!(r#"id="{field}-error"><span class="visually-hidden">Error:</span> {message}</p>"#);
    assert!(html.contains(&beside), "{message} beside {field}");
    assert!(
        html.contains(&format!(r##"<a href="#{field}">{message}</a>"##)),
        "{message} in the summary"
    );
}

backend_tests! {
    async fn each_rule_of_the_activity_form_is_explained_beside_its_field_and_nothing_is_saved(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@example.org").await;
        let long_reflection = "a".repeat(20_000);
        let cases: Vec<(Fields, &str, &str)> = vec![
            (with(activity(""), "title", ""), "title", "Enter the title of the activity"),
            (with(activity(""), "title", &"t".repeat(201)), "title", "The title must be 200 characters or fewer"),
            (with(activity("x"), "method", "juggling"), "method", "Select the type of activity"),
            (with(with(activity("x"), "started_on_day", "12"), "ended_on_day", "11"), "ended_on", "The end date must be the same as or after the start date"),
            (with(activity("x"), "ended_on_month", "4"), "ended_on", "The end date must be today or in the past"),
            (with(activity("x"), "started_on_day", "30"), "started_on", "The start date must be a real date, like 27 3 2026"),
            (with(activity("x"), "hours", "0"), "hours", "Hours must be more than 0"),
            (with(activity("x"), "hours", "1.3"), "hours", "Hours must be in quarter hours: a whole number, or ending .25, .5 or .75 (or :15, :30 or :45)"),
            (with(activity("x"), "hours", "49"), "hours", "Hours must be no more than 24 for each day of the activity: 48 for 2 days"),
            (with(activity("x"), "participatory_hours", "8"), "participatory_hours", "Participatory hours must be no more than the total hours"),
            (with(activity("x"), "reflection_learned", &long_reflection), "reflection_learned", "What you learned must be 5,000 characters or fewer"),
            (with(activity("x"), "topic", &"t".repeat(5_001)), "topic", "The topic must be 5,000 characters or fewer"),
            (with(activity("x"), "tags", &(0..11).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",")), "tags", "Enter 10 tags or fewer, separated by commas"),
            (with(activity("x"), "tags", &"t".repeat(41)), "tags", "Each tag must be 40 characters or fewer"),
        ];
        for (fields, field, message) in cases {
            let response = post(&nurse, "/cpd/new", &fields).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
            let html = response.text().await.unwrap();
            refused_with(&html, field, message);
            assert_accessible("/cpd/new", &html);
            assert_error_summary("/cpd/new", &html);
        }
        // The 20,000 characters are kept in the box to shorten, not lost.
        assert_eq!(app.count("select count(*) from cpd_entries").await, 0, "nothing saved");
        assert_eq!(app.count("select count(*) from cpd_entry_history").await, 0);

        let bad_feedback = with(feedback("x"), "source", "");
        let response = post(&nurse, "/cpd/feedback/new", &with(bad_feedback, "about", "")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        refused_with(&html, "source", "Select who the feedback came from");
        refused_with(&html, "about", "Enter what the feedback was about");
        let response = post(&nurse, "/cpd/discussion/new", &with(discussion("x"), "partner_pin", "123")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        refused_with(&response.text().await.unwrap(), "partner_pin", "Enter their NMC PIN in the right format: 2 numbers, a letter, 4 numbers and a letter, like 12A3456E");
        assert_eq!(app.count("select count(*) from cpd_entries").await, 0, "nothing saved");
    }

    async fn script_in_every_text_field_is_shown_escaped_on_the_list_entry_and_history_pages(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@example.org").await;
        let script = "<script>alert(1)</script>";
        let mut fields = activity(script);
        for name in ["provider", "topic", "learning_outcomes", "reflection_learned", "reflection_practice", "reflection_benefit", "tags"] {
            fields = with(fields, name, script);
        }
        let activity_id = add(&nurse, &fields).await;
        let feedback_id = {
            let response = post(&nurse, "/cpd/feedback/new", &feedback(script)).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            location(&response).trim_start_matches("/cpd/").split('?').next().unwrap().parse::<i64>().unwrap()
        };
        let discussion_id = {
            let response = post(&nurse, "/cpd/discussion/new", &discussion(script)).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            location(&response).trim_start_matches("/cpd/").split('?').next().unwrap().parse::<i64>().unwrap()
        };
        let mut pages = vec!["/cpd".to_owned(), "/cpd?q=script".to_owned()];
        for id in [activity_id, feedback_id, discussion_id] {
            pages.extend([format!("/cpd/{id}"), format!("/cpd/{id}/history"), format!("/cpd/{id}/edit")]);
        }
        for page in pages {
            let (status, html) = nurse.get_text(&page).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(!html.contains("<script>alert"), "{page} shows the text escaped");
            assert!(html.contains(ESCAPED), "{page} shows it");
        }
        let (_, html) = nurse.get_text(&format!("/cpd/{activity_id}")).await;
        assert!(html.matches(ESCAPED).count() >= 8, "every field of the activity is shown");
    }

    async fn editing_and_deleting_keep_the_history_and_the_audit_never_holds_the_text(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@example.org").await;
        let id = add(&nurse, &activity("Sepsis study day")).await;
        let (_, page) = nurse.get_text(&format!("/cpd/{id}?notice=saved")).await;
        assert!(page.contains("Your changes have been saved."));
        for text in ["Sepsis study day", "10 February 2026 to 11 February 2026", "7.5 hours", "3 hours", "Self-declared", "sepsis, night shift", "Preserve safety", "The screening tool"] {
            assert!(page.contains(text), "{text} on the entry's page");
        }
        let form = nurse.form_on(&format!("/cpd/{id}/edit"), &format!("/cpd/{id}/edit")).await;
        assert_eq!(form.value("hours"), Some("7.5"));
        assert_eq!(form.value("tags"), Some("sepsis, night shift"));
        let changed = nurse.submit(&form.set("title", "Sepsis study day (updated)").set("hours", "1:45").set("participatory_hours", "1")).await;
        assert_eq!(changed.status(), StatusCode::SEE_OTHER);
        let (_, page) = nurse.get_text(&format!("/cpd/{id}")).await;
        assert!(page.contains("Sepsis study day (updated)") && page.contains("1.75 hours"));

        let (status, ask) = nurse.get_text(&format!("/cpd/{id}/delete")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ask.contains("Are you sure you want to delete this entry?"));
        assert_eq!(app.count("select count(*) from cpd_entries").await, 1, "asking deletes nothing");
        let (_, history) = nurse.get_text(&format!("/cpd/{id}/history")).await;
        assert!(history.find("Changed").unwrap() < history.find("Added").unwrap(), "newest first");
        for shown in ["1.75 hours", "7.5 hours", "Preserve safety", "Conference", "10 February 2026", "sepsis, night shift"] {
            assert!(history.contains(shown), "{shown} in the history, in words");
        }
        let deleted = nurse.post_form(&format!("/cpd/{id}/delete"), &[]).await;
        assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&deleted), "/cpd?notice=saved");
        assert_eq!(nurse.get(&format!("/cpd/{id}")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("select count(*) from cpd_entries").await, 0);
        for (action, rank) in [("created", 1), ("edited", 2), ("deleted", 3)] {
            let sql = format!("select count(*) from cpd_entry_history h where entry_id = {id} and action = '{action}' and (select count(*) from cpd_entry_history o where o.entry_id = {id} and o.history_id <= h.history_id) = {rank}");
            assert_eq!(app.count(&sql).await, 1, "{action} is change {rank}");
        }
        assert_eq!(app.count(&format!("select count(*) from cpd_entry_history where entry_id = {id} and action = 'deleted' and snapshot like '%Sepsis study day (updated)%'")).await, 1, "the last snapshot is the entry as it was");
        assert_eq!(app.count("select count(*) from audit_events where action like 'cpd_entry_%'").await, 3);
        assert_eq!(app.count("select count(*) from audit_events where detail like '%screening%' or detail like '%Sepsis%'").await, 0, "no text in the audit");
        let (_, list) = nurse.get_text("/cpd").await;
        assert!(list.contains("Your CPD log is empty"), "the empty state");
    }

    async fn another_learners_entries_are_not_found_anywhere(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@example.org").await;
        let other = learner(&app, "other@example.org").await;
        let boss = admin(&app).await;
        let id = add(&nurse, &activity("Private study")).await;
        for browser in [&other, &boss] {
            for page in ["", "/edit", "/delete", "/history"] {
                assert_eq!(browser.get(&format!("/cpd/{id}{page}")).await.status(), StatusCode::NOT_FOUND, "{page}");
            }
            assert_eq!(post(browser, &format!("/cpd/{id}/edit"), &activity("Stolen")).await.status(), StatusCode::NOT_FOUND);
            assert_eq!(browser.post_form(&format!("/cpd/{id}/delete"), &[]).await.status(), StatusCode::NOT_FOUND);
            let reflection: Vec<(&str, String)> = activity("x").into_iter().filter(|(k, _)| k.starts_with("reflection") || *k == "tags" || *k == "code_theme").collect();
            assert_eq!(post(browser, &format!("/cpd/{id}/reflection"), &reflection).await.status(), StatusCode::NOT_FOUND);
            assert_eq!(post(browser, &format!("/cpd/{id}/feedback"), &feedback("x")).await.status(), StatusCode::NOT_FOUND);
            assert_eq!(post(browser, &format!("/cpd/{id}/discussion"), &discussion("x")).await.status(), StatusCode::NOT_FOUND);
            let (_, list) = browser.get_text("/cpd").await;
            assert!(!list.contains("Private study"), "their own log only");
        }
        assert_eq!(other.get("/cpd/abc").await.status(), StatusCode::NOT_FOUND);
        let (_, page) = nurse.get_text(&format!("/cpd/{id}")).await;
        assert!(page.contains("Private study"), "unchanged");
        assert_eq!(app.count("select count(*) from cpd_entry_history").await, 1);
        // Signed out: sign in first.
        let anonymous = app.another_browser();
        let response = anonymous.get("/cpd").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }

    async fn the_list_filters_by_dates_method_source_kind_and_tag_and_searches(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@example.org").await;
        add(&nurse, &activity("Sepsis study day")).await;
        let reading = with(with(with(with(activity("Journal club"), "method", "reading"), "tags", "Falls"), "started_on_day", "1"), "topic", "Falls at night");
        add(&nurse, &with(with(reading, "ended_on_day", "1"), "ended_on_month", "2")).await;
        post(&nurse, "/cpd/feedback/new", &feedback("Ward feedback")).await;
        let shown = |html: &str| ["Sepsis study day", "Journal club", "Feedback from Ward feedback"].into_iter().filter(|t| html.contains(t)).collect::<Vec<_>>();
        let (_, all) = nurse.get_text("/cpd").await;
        assert_eq!(shown(&all), ["Sepsis study day", "Journal club", "Feedback from Ward feedback"]);
        let newest_first = all.find("Feedback from Ward feedback").unwrap() < all.find("Sepsis study day").unwrap() && all.find("Sepsis study day").unwrap() < all.find("Journal club").unwrap();
        assert!(newest_first, "newest first");
        for (query, expected) in [
            ("method=reading", vec!["Journal club"]),
            ("kind=feedback", vec!["Feedback from Ward feedback"]),
            ("tag=+FALLS+", vec!["Journal club"]),
            ("tag=night+shift", vec!["Sepsis study day"]),
            ("q=sepsis", vec!["Sepsis study day"]),
            ("q=royal+college", vec!["Sepsis study day", "Journal club"]),
            ("source=verified", vec![]),
            ("source=self_declared", vec!["Sepsis study day", "Journal club", "Feedback from Ward feedback"]),
            ("from_day=5&from_month=2&from_year=2026", vec!["Sepsis study day", "Feedback from Ward feedback"]),
            ("to_day=5&to_month=2&to_year=2026", vec!["Journal club"]),
            ("q=%25", vec![]),
        ] {
            let page = format!("/cpd?{query}");
            let (status, html) = nurse.get_text(&page).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert_eq!(shown(&html), expected, "{page}");
            assert_accessible(&page, &html);
        }
        let (_, none) = nurse.get_text("/cpd?q=nothing+like+it").await;
        assert!(none.contains("No entries match"));
        let (status, bad) = nurse.get_text("/cpd?from_day=31&from_month=2&from_year=2026").await;
        assert_eq!(status, StatusCode::OK);
        assert!(bad.contains("The from date must be a real date"), "a filter's problem is said");
        assert_eq!(shown(&bad).len(), 3);
    }

    async fn the_list_shows_25_entries_a_page_and_its_links_keep_the_filters(backend) {
        use academy::cpd::{Learner, add_activity};
        use academy::domain::cpd::validation::{ActivityDraft, DateParts};
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@example.org").await;
        let user_id = app.count("select user_id from users where email = 'nurse@example.org'").await;
        let by = Learner { user_id, client: "127.0.0.1" };
        for day in 1..=27 {
            let (title, day) = (format!("Reading {day:02}"), day.to_string());
            let draft = ActivityDraft {
                title: &title,
                provider: "Self-directed",
                method: "reading",
                started_on: DateParts::new(&day, "1", "2026"),
                ended_on: DateParts::new(&day, "1", "2026"),
                hours: "0.5",
                participatory_hours: "0",
                ..ActivityDraft::default()
            };
            add_activity(app.state.ctx(), by, &draft, "journal").await.unwrap();
        }
        let (_, first) = nurse.get_text("/cpd?method=reading&tag=journal").await;
        assert!(first.contains("27 entries match") && first.contains("Page 1 of 2"));
        assert!(first.contains("Reading 27") && first.contains("Reading 03") && !first.contains("Reading 02"));
        assert!(first.contains("0.5 hours"));
        let link = &first[..first.find("\">Next").expect("a next link")];
        let next = link[link.rfind("href=\"").unwrap() + 6..].replace("&#38;", "&").replace("&amp;", "&");
        assert_eq!(next, "/cpd?method=reading&tag=journal&page=2", "the next page keeps the filters");
        let (_, second) = nurse.get_text(&next).await;
        assert!(second.contains("Reading 02") && second.contains("Reading 01") && !second.contains("Reading 03"));
        assert_accessible("/cpd?page=2", &second);
    }

    async fn every_new_page_is_accessible_and_every_form_field_is_required(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@example.org").await;
        let id = add(&nurse, &activity("Sepsis study day")).await;
        let response = post(&nurse, "/cpd/feedback/new", &feedback("Ward")).await;
        let feedback_id: i64 = location(&response).trim_start_matches("/cpd/").split('?').next().unwrap().parse().unwrap();
        let response = post(&nurse, "/cpd/discussion/new", &discussion("Ann")).await;
        let discussion_id: i64 = location(&response).trim_start_matches("/cpd/").split('?').next().unwrap().parse().unwrap();
        for page in ["/cpd".to_owned(), "/cpd/new".to_owned(), "/cpd/feedback/new".to_owned(), "/cpd/discussion/new".to_owned(), format!("/cpd/{id}"), format!("/cpd/{id}/edit"), format!("/cpd/{id}/delete"), format!("/cpd/{id}/history"), format!("/cpd/{feedback_id}/edit"), format!("/cpd/{discussion_id}/edit")] {
            let (status, html) = nurse.get_text(&page).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert_accessible(&page, &html);
        }
        let (_, form) = nurse.get_text("/cpd/new").await;
        assert!(form.contains("Do not write anything that could identify a patient, service user, colleague or organisation."));
        assert!(form.contains("in quarter hours, for example 1.5 or 0.75"));
        for (page, action) in [("/cpd/new".to_owned(), "/cpd/new".to_owned()), ("/cpd/feedback/new".to_owned(), "/cpd/feedback/new".to_owned()), ("/cpd/discussion/new".to_owned(), "/cpd/discussion/new".to_owned()), (format!("/cpd/{id}/edit"), format!("/cpd/{id}/edit")), (format!("/cpd/{feedback_id}/edit"), format!("/cpd/{feedback_id}/feedback")), (format!("/cpd/{discussion_id}/edit"), format!("/cpd/{discussion_id}/discussion"))] {
            let response = nurse.submit(&nurse.form_on(&page, &action).await.cleared()).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{page}");
            let html = response.text().await.unwrap();
            assert_accessible(&page, &html);
            assert_error_summary(&page, &html);
        }
        let before = app.count("select count(*) from cpd_entry_history").await;
        let cases: [(String, String, &'static [&'static str]); 6] = [
            ("/cpd/new".to_owned(), "/cpd/new".to_owned(), &[]),
            ("/cpd/feedback/new".to_owned(), "/cpd/feedback/new".to_owned(), &[]),
            ("/cpd/discussion/new".to_owned(), "/cpd/discussion/new".to_owned(), &[]),
            (format!("/cpd/{id}/edit"), format!("/cpd/{id}/edit"), &["method"]),
            (format!("/cpd/{feedback_id}/edit"), format!("/cpd/{feedback_id}/feedback"), &["source"]),
            (format!("/cpd/{discussion_id}/edit"), format!("/cpd/{discussion_id}/discussion"), &[]),
        ];
        for (page, action, field_errors) in cases {
            let case = Case { browser: &nurse, page, action, button: None, field_errors };
            each_field_is_required(&app, &case).await;
        }
        assert_eq!(app.count("select count(*) from cpd_entry_history").await, before, "nothing written");
    }
}
