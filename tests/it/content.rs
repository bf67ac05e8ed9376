//! Reports, news, events and blogs, the home page, feeds, sitemap and uploads on both
//! databases: lists with odd input, scheduling with the movable clock, redirects and 404s,
//! hostile Markdown, and XML parsed back.

use academy::db::posts::{self, PostFields};
use academy::db::reports::{self, FindingFields, ReportFields};
use academy::db::uploads::{self, NewUpload};
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::enrolment::{add_cohort, add_course};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really a picture";

struct NewReport<'a> {
    title: &'a str,
    topic: &'a str,
    body: &'a str,
    publish_at: Option<DateTime<Utc>>,
}

async fn add_report(app: &TestApp, new: NewReport<'_>) -> i64 {
    let now = app.clock().now();
    let mut tx = app.state.db.begin().await.unwrap();
    let image = uploads::insert(
        &mut tx,
        &NewUpload {
            kind: "image",
            content_type: "image/png",
            filename: "x.png",
            bytes: PNG,
            alt_text: "A ward at night",
        },
        now,
    )
    .await
    .unwrap();
    let slug = academy::domain::slug::slugify(new.title);
    let fields = ReportFields {
        slug: &slug,
        title: new.title,
        summary: "What the investigation found.",
        body: new.body,
        topic: new.topic,
        publish_at: new.publish_at,
        image_upload_id: Some(image),
        pdf_upload_id: None,
    };
    let id = reports::insert(&mut tx, &fields, now).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn published(app: &TestApp, days_ago: i64) -> Option<DateTime<Utc>> {
    Some(app.clock().now() - Duration::days(days_ago))
}

async fn add_post(app: &TestApp, kind: &str, title: &str, days_ago: i64) {
    let now = app.clock().now();
    let slug = academy::domain::slug::slugify(title);
    let event = (kind == "event").then(|| now + Duration::days(10));
    let fields = PostFields {
        kind: academy::domain::content::PostKind::parse(kind).expect("a post kind"),
        slug: &slug,
        title,
        summary: "A summary.",
        body: "",
        author: if kind == "blog" { "Dr Ada Guest" } else { "" },
        event_starts_at: event,
        event_ends_at: event.map(|e| e + Duration::hours(1)),
        event_location: "Online",
        image_upload_id: None,
        publish_at: Some(now - Duration::days(days_ago)),
    };
    let mut tx = app.state.db.begin().await.unwrap();
    posts::insert(&mut tx, &fields, now).await.unwrap();
    tx.commit().await.unwrap();
}

fn titles(html: &str) -> Vec<String> {
    html.split(r#"<h3 class="card__title"><a href=""#)
        .skip(1)
        .filter_map(|rest| rest.split('>').nth(1)?.split('<').next().map(str::to_owned))
        .collect()
}

backend_tests! {
    async fn the_report_list_searches_filters_and_pages_with_any_input(backend) {
        let app = TestApp::spawn(backend).await;
        add_report(&app, NewReport { title: "Medication not given: anticoagulation", topic: "Medication safety", body: "", publish_at: published(&app, 10) }).await;
        add_report(&app, NewReport { title: "Überweisung delays in 100% of cases_x", topic: "Primary care", body: "", publish_at: published(&app, 400) }).await;
        add_report(&app, NewReport { title: "A draft nobody may see", topic: "Primary care", body: "", publish_at: None }).await;
        for n in 0..11 {
            add_report(&app, NewReport { title: &format!("Older report {n:02}"), topic: "Acute care", body: "", publish_at: published(&app, 30 + n) }).await;
        }

        let (status, html) = app.get_text("/reports").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("13 reports"), "drafts are not counted");
        assert_eq!(titles(&html)[0], "Medication not given: anticoagulation", "newest first");
        assert!(!html.contains("A draft nobody may see"));
        let (_, second) = app.get_text("/reports?page=2").await;
        assert_eq!(titles(&second).len(), 3);

        for (query, expected) in [
            ("q=MEDICATION", vec!["Medication not given: anticoagulation"]),
            ("q=uberweisung", vec!["Überweisung delays in 100% of cases_x"]),
            ("q=%25", vec!["Überweisung delays in 100% of cases_x"]),
            ("q=_", vec!["Überweisung delays in 100% of cases_x"]),
            ("q=%27%22%3B--", vec![]),
            ("q=%F0%9F%98%80", vec![]),
            ("topic=Primary+care", vec!["Überweisung delays in 100% of cases_x"]),
            ("topic=Nonsense", vec![]),
        ] {
            let (status, html) = app.get_text(&format!("/reports?{query}")).await;
            assert_eq!(status, StatusCode::OK, "{query}");
            assert_eq!(titles(&html), expected, "{query}");
        }
        let year = (app.clock().now() - Duration::days(400)).format("%Y").to_string();
        let (_, html) = app.get_text(&format!("/reports?year={year}")).await;
        assert!(titles(&html).contains(&"Überweisung delays in 100% of cases_x".to_owned()));
        let long = "x".repeat(5_000);
        for query in ["page=0", "page=-1", "page=99999999999999999999", "page=abc", "year=abc", "year=-5", &format!("q={long}")] {
            let (status, _) = app.get_text(&format!("/reports?{query}")).await;
            assert_eq!(status, StatusCode::OK, "{query}");
        }
        let (_, empty) = app.get_text("/reports?q=nothing+matches+this").await;
        assert!(empty.contains("No reports match") && empty.contains("Clear the search and filters"));
    }

    async fn a_report_page_shows_findings_and_links_courses_both_ways(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        add_cohort(&app, course, "May 2026 cohort", 10).await;
        let id = add_report(&app, NewReport { title: "Safety management across boundaries", topic: "Safety management", body: "## What we found\n\nThings.", publish_at: published(&app, 1) }).await;
        let mut tx = app.state.db.begin().await.unwrap();
        let finding = FindingFields { kind: academy::domain::content::FindingKind::Recommendation, reference: "R/2026/003", text: "Agree common principles.", addressee: "Department of Health and Social Care", response_status: "Accepted", response_due_on: chrono::NaiveDate::from_ymd_opt(2026, 10, 31), response: "We will." };
        reports::insert_finding(&mut tx, id, 0, &finding).await.unwrap();
        let observation = FindingFields { kind: academy::domain::content::FindingKind::Observation, reference: "O/1", text: "Staff support varies.", addressee: "", response_status: "", response_due_on: None, response: "" };
        reports::insert_finding(&mut tx, id, 0, &observation).await.unwrap();
        reports::link_course(&mut tx, id, course).await.unwrap();
        tx.commit().await.unwrap();

        let (status, html) = app.get_text("/reports/safety-management-across-boundaries").await;
        assert_eq!(status, StatusCode::OK);
        for expected in ["Safety recommendations", "R/2026/003", "Department of Health and Social Care", "Accepted", "31 October 2026", "We will.", "Safety observations", "Staff support varies.", r#"alt="A ward at night""#, r#"href="/courses/human-factors-in-patient-safety""#, r#"property="og:type" content="article""#, r#"property="og:image""#, r#"type="application/atom+xml""#] {
            assert!(html.contains(expected), "{expected}");
        }
        assert!(!html.contains("Safety actions"), "an empty group is left out");
        let (_, course_page) = app.get_text("/courses/human-factors-in-patient-safety").await;
        assert!(course_page.contains(r#"href="/reports/safety-management-across-boundaries""#), "the course page links back");

        assert_eq!(app.get("/reports/no-such-report").await.status(), StatusCode::NOT_FOUND);
        for odd in ["/reports/%00", "/reports/Bad%20Slug", "/news/%00", "/news/%00/event.ics", "/reports/%E2%80%8B"] {
            assert_eq!(app.get(odd).await.status(), StatusCode::NOT_FOUND, "{odd}");
        }
        assert_eq!(app.get("/reports?topic=%00&q=%00").await.status(), StatusCode::OK);
        let db = app.database.connect().await;
        academy::run_query!(write &db, |c| sqlx::query("insert into report_slugs (slug, report_id, created_at) values ('old-name', $1, $2)").bind(id).bind(Utc::now()).execute(c).await.map(|_| ())).unwrap();
        let moved = app.get("/reports/old-name").await;
        assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(location(&moved), "/reports/safety-management-across-boundaries");
    }

    async fn scheduled_items_appear_at_their_time_without_a_restart(backend) {
        let app = TestApp::spawn(backend).await;
        let later = Some(app.clock().now() + Duration::hours(2));
        add_report(&app, NewReport { title: "Coming soon", topic: "Digital care", body: "", publish_at: later }).await;
        add_post(&app, "news", "Already out", 1).await;
        assert_eq!(app.get("/reports/coming-soon").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get("/uploads/1").await.status(), StatusCode::NOT_FOUND, "its picture waits too");
        assert!(!app.get_text("/reports").await.1.contains("Coming soon"));
        assert!(!app.get_text("/reports/feed.atom").await.1.contains("Coming soon"));
        assert!(!app.get_text("/sitemap.xml").await.1.contains("coming-soon"));
        app.clock().advance(Duration::hours(2));
        assert_eq!(app.get("/reports/coming-soon").await.status(), StatusCode::OK);
        assert_eq!(app.get("/uploads/1").await.status(), StatusCode::OK);
        assert!(app.get_text("/").await.1.contains("Coming soon"), "the home page shows it too");
        assert!(app.get_text("/sitemap.xml").await.1.contains("/reports/coming-soon"));
    }

    async fn news_lists_filter_by_type_and_events_and_blogs_say_more(backend) {
        let app = TestApp::spawn(backend).await;
        add_post(&app, "news", "Shortlisted for an award", 1).await;
        add_post(&app, "blog", "No-fault compensation in Japan", 2).await;
        add_post(&app, "event", "Webinar on systems thinking", 3).await;
        for n in 0..10 {
            add_post(&app, "news", &format!("Older news {n}"), 10 + n).await;
        }
        let (_, all) = app.get_text("/news").await;
        assert!(all.contains("13 items"));
        assert_eq!(titles(&all).len(), 10);
        let (_, blogs) = app.get_text("/news?type=blog").await;
        assert_eq!(titles(&blogs), ["No-fault compensation in Japan"]);
        let (_, odd) = app.get_text("/news?type=%3Cscript%3E&page=-3").await;
        assert!(odd.contains("13 items"), "an unknown type shows everything");
        let (_, blog) = app.get_text("/news/no-fault-compensation-in-japan").await;
        assert!(blog.contains("by Dr Ada Guest"));
        let (_, event) = app.get_text("/news/webinar-on-systems-thinking").await;
        assert!(event.contains("Add this event to your calendar") && event.contains("Online"));
        let ics = app.get("/news/webinar-on-systems-thinking/event.ics").await;
        assert_eq!(ics.headers()["content-type"], "text/calendar; charset=utf-8");
        let text = ics.text().await.unwrap();
        let calendar: icalendar::Calendar = text.parse().expect("valid iCalendar");
        assert_eq!(calendar.components.len(), 1);
        assert!(text.contains("SUMMARY:Webinar on systems thinking") && text.contains("DTSTART:") && text.contains('Z'));
        assert_eq!(app.get("/news/shortlisted-for-an-award/event.ics").await.status(), StatusCode::NOT_FOUND, "only events have calendars");
        assert_eq!(app.get("/news/nothing-here").await.status(), StatusCode::NOT_FOUND);
    }

    async fn feeds_and_the_sitemap_are_valid_xml_with_absolute_links(backend) {
        let app = TestApp::spawn(backend).await;
        add_course(&app, "Human factors in patient safety").await;
        add_report(&app, NewReport { title: "Falls & fractures <review>", topic: "Acute care", body: "", publish_at: published(&app, 1) }).await;
        add_post(&app, "news", "Annual report published", 1).await;
        let base = format!("http://{}", app.address);

        let atom = app.get("/reports/feed.atom").await;
        assert_eq!(atom.headers()["content-type"], "application/atom+xml; charset=utf-8");
        let text = atom.text().await.unwrap();
        let doc = roxmltree::Document::parse(&text).expect("well-formed Atom");
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().name(), "feed");
        assert_eq!(feed.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
        let child = |node: roxmltree::Node<'_, '_>, name: &str| node.children().find(|n| n.has_tag_name(name)).map(|n| n.text().unwrap_or_default().to_owned());
        assert_eq!(child(feed, "id").unwrap(), format!("{base}/reports"));
        assert!(chrono::DateTime::parse_from_rfc3339(&child(feed, "updated").unwrap()).is_ok());
        let entries: Vec<_> = feed.children().filter(|n| n.has_tag_name("entry")).collect();
        assert_eq!(entries.len(), 1);
        assert_eq!(child(entries[0], "title").unwrap(), "Falls & fractures <review>");
        let host = app.address.ip().to_string();
        assert_eq!(child(entries[0], "id").unwrap(), format!("tag:{host},2026:report-1"), "an id that survives a rename");
        let href = entries[0].children().find(|n| n.has_tag_name("link")).unwrap().attribute("href").unwrap();
        assert_eq!(href, format!("{base}/reports/falls-fractures-review"));
        assert!(chrono::DateTime::parse_from_rfc3339(&child(entries[0], "updated").unwrap()).is_ok());
        let news = app.get_text("/news/feed.atom").await.1;
        assert!(roxmltree::Document::parse(&news).is_ok());
        assert!(news.contains(&format!("{base}/news/annual-report-published")));

        let sitemap = app.get_text("/sitemap.xml").await.1;
        let doc = roxmltree::Document::parse(&sitemap).expect("well-formed sitemap");
        let locs: Vec<String> = doc.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap().to_owned()).collect();
        assert!(locs.iter().all(|l| l.starts_with(&base)), "{locs:?}");
        for path in ["/", "/courses", "/reports", "/news", "/courses/human-factors-in-patient-safety", "/reports/falls-fractures-review", "/news/annual-report-published"] {
            assert!(locs.contains(&format!("{base}{path}")), "{path}");
        }
        let robots = app.get_text("/robots.txt").await.1;
        assert!(robots.contains(&format!("Sitemap: {base}/sitemap.xml")) && robots.contains("Disallow: /admin"));
        let (_, home) = app.get_text("/").await;
        assert!(home.contains(r#"href="http://"#) && home.contains("/reports/feed.atom"), "the feed is linked from the head");
    }

    async fn a_sitemap_of_too_many_addresses_becomes_an_index_of_bounded_pages(backend) {
        use academy::db::batch;
        use academy::db::binds::Value;
        let app = TestApp::spawn(backend).await;
        let base = format!("http://{}", app.address);
        let page = academy::web::content::feeds::SITEMAP_PAGE;
        let now = app.clock().now();
        let at = now - chrono::Duration::hours(1);
        let mut tx = app.state.db.begin().await.unwrap();
        let rows = (0..page + 5).map(|n| -> [Value; 7] {
            ["news".to_owned().into(), format!("item-{n}").into(), format!("Item {n}").into(), "A summary.".to_owned().into(), Some(at).into(), now.into(), now.into()]
        });
        batch::insert_rows(&mut tx, "posts", ["kind", "slug", "title", "summary", "publish_at", "created_at", "updated_at"], rows).await.unwrap();
        tx.commit().await.unwrap();

        let index = app.get_text("/sitemap.xml").await.1;
        let doc = roxmltree::Document::parse(&index).expect("well-formed index");
        assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
        let pages: Vec<String> = doc.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap().to_owned()).collect();
        assert_eq!(pages, vec![format!("{base}/sitemap/1.xml"), format!("{base}/sitemap/2.xml")]);
        let mut listed = Vec::new();
        for url in &pages {
            let path = url.strip_prefix(&base).unwrap();
            let (status, xml) = app.get_text(path).await;
            assert_eq!(status, StatusCode::OK);
            let doc = roxmltree::Document::parse(&xml).expect("well-formed page");
            assert_eq!(doc.root_element().tag_name().name(), "urlset");
            let locs: Vec<String> = doc.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap().to_owned()).collect();
            assert!(locs.len() <= page, "{path}: {}", locs.len());
            listed.extend(locs);
        }
        assert!(listed.contains(&format!("{base}/")) && listed.contains(&format!("{base}/news/item-0")));
        assert!(listed.contains(&format!("{base}/news/item-{}", page + 4)), "every item is on a page");
        assert_eq!(listed.len(), page + 5 + 7, "each once: the items and the seven fixed pages");
        for missing in ["/sitemap/3.xml", "/sitemap/0.xml", "/sitemap/x.xml", "/sitemap/1"] {
            assert_eq!(app.get(missing).await.status(), StatusCode::NOT_FOUND, "{missing}");
        }
    }

    async fn the_home_page_is_built_from_the_database_and_hides_empty_blocks(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "A systems approach to investigating and learning from patient safety incidents").await;
        add_cohort(&app, course, "May 2026 cohort", 12).await;
        for n in 0..4 {
            add_report(&app, NewReport { title: &format!("Report number {n}"), topic: "Acute care", body: "", publish_at: published(&app, n) }).await;
            add_post(&app, "news", &format!("News number {n}"), n).await;
        }
        let (status, home) = app.get_text("/").await;
        assert_eq!(status, StatusCode::OK);
        for expected in ["Learning from patient safety investigations", "About us", "Investigations", "Education", "Report number 0", "Report number 2", "News number 0", "News number 2", "12 places left", r#"alt="A ward at night""#] {
            assert!(home.contains(expected), "{expected}");
        }
        assert!(!home.contains("Report number 3") && !home.contains("News number 3"), "three of each");
        let db = app.database.connect().await;
        academy::run_query!(write &db, |c| sqlx::query("update home_blocks set title = '', body = '' where block = 'about'").execute(c).await.map(|_| ())).unwrap();
        app.notice_outside_writes().await;
        let (_, home) = app.get_text("/").await;
        assert!(!home.contains("About us"), "an empty block is hidden");
        assert_eq!(home.matches("<h1").count(), 1);
    }

    async fn uploads_are_served_with_their_type_and_cached(backend) {
        let app = TestApp::spawn(backend).await;
        add_report(&app, NewReport { title: "With a picture", topic: "Acute care", body: "", publish_at: published(&app, 1) }).await;
        let picture = app.get("/uploads/1").await;
        assert_eq!(picture.status(), StatusCode::OK);
        assert_eq!(picture.headers()["content-type"], "image/png");
        assert_eq!(picture.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(picture.headers().get("set-cookie").is_none());
        let etag = picture.headers()["etag"].to_str().unwrap().to_owned();
        assert_eq!(picture.bytes().await.unwrap().as_ref(), PNG);
        let again = app.client.get(app.url("/uploads/1")).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(app.get("/uploads/999").await.status(), StatusCode::NOT_FOUND);
        add_report(&app, NewReport { title: "Still a draft", topic: "Acute care", body: "", publish_at: None }).await;
        assert_eq!(app.get("/uploads/2").await.status(), StatusCode::NOT_FOUND, "a draft's files stay private");
        assert_eq!(app.get("/uploads/abc").await.status(), StatusCode::BAD_REQUEST);
    }

    async fn hostile_markdown_never_reaches_a_page(backend) {
        let app = TestApp::spawn(backend).await;
        let hostile = "Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n<a href=\"jaVaScRiPt:alert(4)\">x</a> <iframe src=\"https://evil.example\"></iframe> <div style=\"background:url(javascript:alert(5))\">y</div>";
        add_report(&app, NewReport { title: "Hostile", topic: "Acute care", body: hostile, publish_at: published(&app, 1) }).await;
        let (_, html) = app.get_text("/reports/hostile").await;
        let body = &html[html.find("class=\"prose\"").unwrap()..];
        for bad in ["<script", "onerror", "javascript:", "jaVaScRiPt", "data:text", "<iframe", "style="] {
            assert!(!body.to_lowercase().contains(&bad.to_lowercase()), "{bad} in {body}");
        }
        assert!(body.contains("Hello"));
    }
}
