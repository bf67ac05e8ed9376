//! The content admin pages on both databases: home page blocks, uploads (wrong type, too
//! big, missing alt text), and learners refused; and the content services called without a
//! page, as an API or the command line would.

use academy::content::posts::{self, PostInput};
use academy::content::{Kind, Publication, PublishableError, home, publishable, uploads};
use academy::db::home::HomeBlock;
use academy::db::users::Role;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::app::Browser;
use crate::support::enrolment::{admin, learner};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000 a tiny picture";

async fn upload(browser: &Browser, bytes: &[u8], name: &str, alt: &str) -> reqwest::Response {
    let token = browser.csrf_token().await;
    let form = Form::new()
        .text("csrf_token", token)
        .part(
            "file",
            Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
        )
        .text("alt_text", alt.to_owned());
    browser
        .client
        .post(browser.url("/admin/uploads"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

backend_tests! {
    async fn admins_edit_the_home_page_blocks_with_checks_and_a_preview(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        let (status, page) = admin.get_text("/admin/home").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Learning from patient safety investigations"), "the stored text is shown");

        let mut form = admin.form_on("/admin/home", "/admin/home").await;
        for (name, value) in [
            ("introduction_title", "Welcome to Academy"),
            ("introduction_body", "We **teach** investigation."),
            ("introduction_link_label", "Find a course"),
            ("introduction_link_href", "javascript:alert(1)"),
            ("investigations_title", "Investigations"),
            ("investigations_body", "What we look into."),
            ("investigations_link_label", "Reports"),
            ("investigations_link_href", ""),
            ("education_title", "Education"),
            ("education_body", "Courses <script>alert(1)</script>"),
            ("action", "save"),
        ] {
            form = form.set(name, value);
        }
        let refused = admin.submit(&form).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains("Enter a page of this site, like /courses") && html.contains("Enter where the link goes"));
        assert!(app.get_text("/").await.1.contains("Learning from patient safety investigations"), "nothing saved");

        // Emptying a block's heading and text is not enough to take it off the page.
        let form = form.set("introduction_link_href", "/courses").set("investigations_link_label", "");
        let emptied = form.clone().set("about_title", "").set("about_body", "").set("about_link_label", "").set("about_link_href", "");
        let refused = admin.submit(&emptied).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains("Enter a heading or text, or tick ‘Remove the About us block from the home page’"), "{html}");
        assert!(html.contains(r##"href="#about_title""##), "the summary links to the block");
        assert!(app.get_text("/").await.1.contains("About us"), "nothing saved");

        let removing = form.set("about_remove", "yes");
        let preview = admin.submit(&removing.clone().set("action", "preview")).await;
        let html = preview.text().await.unwrap();
        assert!(html.contains("<strong>teach</strong>") && !html.contains("<script>alert"), "a sanitised preview");
        assert!(html.contains(r#"name="about_remove" type="checkbox" value="yes" checked"#), "the choice is kept");
        let saved = admin.submit(&removing).await;
        assert_eq!(location(&saved), "/admin/home?notice=saved");
        let (_, home) = app.get_text("/").await;
        assert!(home.contains("Welcome to Academy") && home.contains("<strong>teach</strong>"));
        assert!(!home.contains("About us"), "the removed block is hidden");
        assert!(!home.contains("<script>alert"));
        let (_, edit) = admin.get_text("/admin/home").await;
        assert!(!edit.contains(r#"name="about_remove""#) && edit.contains("Not on the home page at the moment"), "a hidden block offers no Remove box");
        assert_eq!(app.count("select count(*) from home_blocks where block = 'about' and title = '' and body = '' and link_label = '' and link_href = ''").await, 1, "its text is deleted");
        // Saving again with the hidden block left empty is fine: nothing to remove.
        let again = admin.form_on("/admin/home", "/admin/home").await.set("action", "save");
        assert_eq!(location(&admin.submit(&again).await), "/admin/home?notice=saved");
        assert_eq!(app.count("select count(*) from audit_events where action = 'home_page_updated'").await, 2, "both saves");
    }

    async fn uploads_are_checked_by_content_size_and_alt_text(backend) {
        let app = TestApp::spawn_with(backend, &[("ACADEMY_MAX_UPLOAD_BYTES", "2048")], axum::Router::new()).await;
        let admin = admin(&app).await;
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
        let cases: [(&[u8], &str, &str, &str); 5] = [
            (svg, "logo.png", "A logo", "must be a PNG, JPEG, GIF or WebP image, or a PDF"),
            (b"", "empty.png", "Nothing", "Choose a file to upload"),
            (&[0x89; 3000], "big.png", "Too big", "The file must be"),
            (PNG, "ward.png", "", "Describe the image"),
            (b"%PDF-1.4 hello", "report.pdf", "", ""),
        ];
        for (bytes, name, alt, message) in cases {
            let response = upload(&admin, bytes, name, alt).await;
            if message.is_empty() {
                assert_eq!(response.status(), StatusCode::SEE_OTHER, "{name}");
            } else {
                assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
                assert!(response.text().await.unwrap().contains(message), "{name}: {message}");
            }
        }
        let saved = upload(&admin, PNG, "../../My Ward (1).png", "A ward at night").await;
        assert_eq!(location(&saved), "/admin/uploads?notice=saved");
        assert_eq!(app.count("select count(*) from uploads").await, 2);
        assert_eq!(app.count("select count(*) from uploads where filename = 'My-Ward--1-.png' and alt_text = 'A ward at night'").await, 1);
        assert_eq!(app.get("/uploads/1").await.status(), StatusCode::NOT_FOUND, "not used by anything published yet");
        let pdf = admin.get("/admin/uploads/1").await;
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(pdf.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));

        // Where the token must be, and where it never counts: `csrf.rs`.
        // Last: the server answers 413 before reading the body and closes the connection,
        // which the client's pool may only notice on its next request.
        let huge = upload(&admin, &vec![0u8; 200_000], "huge.pdf", "").await;
        assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    async fn admins_write_schedule_publish_and_rename_posts(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        let post = |fields: &[(&'static str, &'static str)]| {
            let mut all = vec![
                ("kind", "news"), ("title", "Shortlisted for an award"), ("slug", ""), ("summary", "We are on the shortlist."), ("body", "**Good** news"),
                ("author", ""), ("event_day", ""), ("event_month", ""), ("event_year", ""), ("event_start", ""), ("event_end", ""), ("event_location", ""),
                ("image", ""), ("status", "draft"), ("publish_day", ""), ("publish_month", ""), ("publish_year", ""), ("publish_time", ""), ("action", "save"),
            ];
            for (name, value) in fields {
                all.retain(|(n, _)| n != name);
                all.push((*name, *value));
            }
            all
        };
        let bad = admin.post_form("/admin/posts", &post(&[("title", ""), ("kind", "gossip"), ("status", "scheduled"), ("publish_day", "31"), ("publish_month", "2"), ("publish_year", "2026"), ("image", "42")])).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        for message in ["Choose news, event or blog", "Enter a title", "must be a real date", "Choose one of the uploaded images"] {
            assert!(html.contains(message), "{message}");
        }
        let blog = admin.post_form("/admin/posts", &post(&[("kind", "blog")])).await;
        assert!(blog.text().await.unwrap().contains("Enter who wrote the blog post"));
        let event = admin.post_form("/admin/posts", &post(&[("kind", "event"), ("event_day", "10"), ("event_month", "3"), ("event_year", "2026"), ("event_start", "14:00"), ("event_end", "13:00")])).await;
        assert!(event.text().await.unwrap().contains("The event must end after it starts"));
        let past = admin.post_form("/admin/posts", &post(&[("status", "scheduled"), ("publish_day", "1"), ("publish_month", "1"), ("publish_year", "2026"), ("publish_time", "09:00")])).await;
        assert!(past.text().await.unwrap().contains("must be in the future"));
        let preview = admin.post_form("/admin/posts", &post(&[("body", "<img src=x onerror=alert(1)> **bold**"), ("action", "preview")])).await;
        let html = preview.text().await.unwrap();
        let shown = &html[html.find("preview-heading").unwrap()..];
        assert!(shown.contains("<strong>bold</strong>") && !shown.contains("onerror"), "{shown}");
        assert!(!html.contains("<img src=x"), "the typed text is escaped in the form");
        assert_eq!(app.count("select count(*) from posts").await, 0, "nothing saved yet");

        assert_eq!(location(&admin.post_form("/admin/posts", &post(&[])).await), "/admin/posts?notice=saved");
        assert_eq!(app.get("/news/shortlisted-for-an-award").await.status(), StatusCode::NOT_FOUND, "a draft is hidden");
        let taken = admin.post_form("/admin/posts", &post(&[])).await;
        assert!(taken.text().await.unwrap().contains("Another post already uses that web address"));

        // Schedule it for tomorrow 9am: it appears then, with nothing else done.
        admin.post_form("/admin/posts/1", &post(&[("status", "scheduled"), ("publish_day", "3"), ("publish_month", "3"), ("publish_year", "2026"), ("publish_time", "9am")])).await;
        assert_eq!(app.get("/news/shortlisted-for-an-award").await.status(), StatusCode::NOT_FOUND);
        let (_, list) = admin.get_text("/admin/posts").await;
        assert!(list.contains("Scheduled for 3 March 2026 at 9am"), "{list}");
        app.clock().advance(chrono::Duration::days(1));
        assert_eq!(app.get("/news/shortlisted-for-an-award").await.status(), StatusCode::OK);

        admin.sign_in("admin@academy.example", crate::support::accounts::PASSWORD).await;
        let renamed = admin.post_form("/admin/posts/1", &post(&[("slug", "on-the-shortlist"), ("status", "now")])).await;
        assert_eq!(location(&renamed), "/admin/posts?notice=saved");
        let old = app.get("/news/shortlisted-for-an-award").await;
        assert_eq!(old.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(location(&old), "/news/on-the-shortlist");
        assert_eq!(app.count("select count(*) from audit_events where action in ('post_created', 'post_updated')").await, 3);
        admin.post_form("/admin/posts/1", &post(&[("slug", "on-the-shortlist"), ("status", "draft")])).await;
        assert_eq!(app.get("/news/on-the-shortlist").await.status(), StatusCode::NOT_FOUND, "back to a draft");
        // Publishing is audited as courses are: scheduled once, never re-published by a
        // save that keeps it published, unpublished once.
        for (action, times) in [("post_scheduled", 1), ("post_published", 0), ("post_unpublished", 1)] {
            assert_eq!(app.count(&format!("select count(*) from audit_events where action = '{action}'")).await, times, "{action}");
        }
        admin.post_form("/admin/posts/1", &post(&[("slug", "on-the-shortlist"), ("status", "now")])).await;
        assert_eq!(app.count("select count(*) from audit_events where action = 'post_published'").await, 1);
        admin.post_form("/admin/posts/1/delete", &[]).await;
        assert_eq!(app.get("/news/on-the-shortlist").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("select count(*) from audit_events where action = 'post_deleted'").await, 1);
    }

    async fn admins_write_reports_with_findings_rows_courses_and_files(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        let course = crate::support::enrolment::add_course(&app, "Human factors in patient safety").await;
        let course = course.to_string();
        upload(&admin, b"%PDF-1.4 full report", "report.pdf", "").await;
        let base = vec![
            ("title", "Safety management across boundaries"),
            ("slug", ""),
            ("topic", "Safety management"),
            ("image", ""),
            ("publish_day", ""), ("publish_month", ""), ("publish_year", ""), ("publish_time", ""),
            ("finding_rows", "3"),
            ("summary", "What we found."),
            ("body", "## Findings"),
            ("status", "now"),
            ("pdf", "1"),
            ("course", course.as_str()),
            ("finding_kind", "recommendation"), ("finding_reference", "R/1"), ("finding_text", "Agree shared principles."), ("finding_addressee", "NHS England"), ("finding_status", "Accepted"), ("finding_due_day", "31"), ("finding_due_month", "10"), ("finding_due_year", "2026"), ("finding_response", "We will."),
            ("finding_kind", "observation"), ("finding_reference", ""), ("finding_text", ""), ("finding_addressee", ""), ("finding_status", ""), ("finding_due_day", ""), ("finding_due_month", ""), ("finding_due_year", ""), ("finding_response", ""),
            ("finding_kind", "observation"), ("finding_reference", "O/1"), ("finding_text", "Support varies."), ("finding_addressee", ""), ("finding_status", ""), ("finding_due_day", ""), ("finding_due_month", ""), ("finding_due_year", ""), ("finding_response", ""),
        ];
        let with = |changes: &[(&'static str, &'static str)]| {
            let mut fields = base.clone();
            for (name, value) in changes {
                match fields.iter().position(|(n, _)| n == name) {
                    Some(at) => fields[at].1 = value,
                    None => fields.push((*name, *value)),
                }
            }
            fields
        };
        let added = admin.post_form("/admin/reports", &with(&[("action", "add_finding")])).await;
        assert_eq!(added.text().await.unwrap().matches("<legend class=\"fieldset__legend\">Finding ").count(), 4, "a row is added without JavaScript");
        let removed = admin.post_form("/admin/reports", &with(&[("remove", "0")])).await;
        let html = removed.text().await.unwrap();
        assert!(!html.contains("Agree shared principles") && html.contains("Support varies."), "the chosen row is removed");

        let bad = admin.post_form("/admin/reports", &with(&[("finding_due_day", "31"), ("finding_due_month", "2"), ("title", ""), ("pdf", "99"), ("course", "12345"), ("action", "save")])).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        for message in ["Enter a title", "Finding 1: the response due date must be a real date", "Choose one of the uploaded PDFs", "Choose courses from the list"] {
            assert!(html.contains(message), "{message}");
        }
        assert_eq!(app.count("select count(*) from reports").await, 0);

        let saved = admin.post_form("/admin/reports", &with(&[("action", "save")])).await;
        assert_eq!(location(&saved), "/admin/reports?notice=saved");
        assert_eq!(app.count("select count(*) from report_findings").await, 2, "the empty row is dropped");
        let (status, page) = app.get_text("/reports/safety-management-across-boundaries").await;
        assert_eq!(status, StatusCode::OK);
        for expected in ["Agree shared principles.", "31 October 2026", "Support varies.", "Download the full report", "/courses/human-factors-in-patient-safety"] {
            assert!(page.contains(expected), "{expected}");
        }
        // Edit: back to draft hides it; a new address redirects from the old one once published.
        let (_, edit) = admin.get_text("/admin/reports/1/edit").await;
        assert!(edit.contains("Agree shared principles.") && edit.contains(r#"value="31""#));
        admin.post_form("/admin/reports/1", &with(&[("status", "draft"), ("action", "save")])).await;
        assert_eq!(app.get("/reports/safety-management-across-boundaries").await.status(), StatusCode::NOT_FOUND);
        admin.post_form("/admin/reports/1", &with(&[("slug", "boundaries"), ("action", "save")])).await;
        assert_eq!(location(&app.get("/reports/safety-management-across-boundaries").await), "/reports/boundaries");
        assert_eq!(app.count("select count(*) from report_findings").await, 2, "findings are replaced, not added again");
        assert_eq!(app.count("select count(*) from audit_events where action in ('report_created', 'report_updated')").await, 3);

        let (status, confirm) = admin.get_text("/admin/reports/1/delete").await;
        assert_eq!(status, StatusCode::OK);
        assert!(confirm.contains("Safety management across boundaries") && confirm.contains("cannot be undone"));
        assert_eq!(app.count("select count(*) from reports").await, 1, "opening the page deletes nothing");
        let deleted = admin.post_form("/admin/reports/1/delete", &[]).await;
        assert_eq!(location(&deleted), "/admin/reports?notice=saved");
        assert_eq!(app.count("select count(*) from reports").await, 0);
        assert_eq!(app.count("select count(*) from report_findings").await, 0);
        assert_eq!(app.get("/reports/boundaries").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get("/reports/safety-management-across-boundaries").await.status(), StatusCode::NOT_FOUND, "old addresses go too");
        assert_eq!(admin.post_form("/admin/reports/1/delete", &[]).await.status(), StatusCode::NOT_FOUND, "twice is a 404");
        assert_eq!(app.count("select count(*) from uploads").await, 1, "uploads stay for reuse");
    }

    async fn learners_get_403_on_the_content_admin_pages(backend) {
        let app = TestApp::spawn(backend).await;
        let learner = learner(&app, "a.nurse@nhs.net").await;
        for path in ["/admin/home", "/admin/uploads", "/admin/posts", "/admin/posts/new", "/admin/posts/1/edit", "/admin/reports", "/admin/reports/new", "/admin/reports/1/edit"] {
            assert_eq!(learner.get(path).await.status(), StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(learner.post_form("/admin/home", &[("introduction_title", "Hacked")]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(learner.post_form("/admin/posts", &[("title", "Hacked")]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(learner.post_form("/admin/posts/1", &[("title", "Hacked")]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(learner.post_form("/admin/reports", &[("title", "Hacked")]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(learner.post_form("/admin/reports/1", &[("title", "Hacked")]).await.status(), StatusCode::FORBIDDEN);
        for path in ["/admin/reports/1/delete", "/admin/posts/1/delete"] {
            assert_eq!(learner.get(path).await.status(), StatusCode::FORBIDDEN, "{path}");
            assert_eq!(learner.post_form(path, &[]).await.status(), StatusCode::FORBIDDEN, "{path}");
        }
        let response = upload(&learner, PNG, "x.png", "x").await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("select count(*) from uploads").await, 0);
    }

    async fn content_services_save_publish_and_delete_without_a_page(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.create_user("admin@academy.example", Role::Admin, true).await;
        let ctx = app.state.ctx();
        let client = "192.0.2.1";
        let mut input = PostInput {
            kind: academy::domain::content::PostKind::News,
            slug: "a-new-post".into(),
            title: "A new post".into(),
            summary: "Said once.".into(),
            body: String::new(),
            author: String::new(),
            image_upload_id: None,
            event: None,
            event_location: String::new(),
            publication: Publication::Now,
        };
        let id = posts::save(ctx, admin, client, None, &input).await.unwrap();
        assert_eq!(app.get("/news/a-new-post").await.status(), StatusCode::OK);
        let taken = posts::save(ctx, admin, client, None, &input).await;
        assert!(matches!(taken, Err(PublishableError::SlugTaken(Kind::Post))), "{taken:?}");
        let first = app.count("select count(*) from posts where publish_at is not null").await;
        assert_eq!(first, 1);

        // Publishing an already published post again keeps its date; a rename redirects.
        let published_at = format!("select count(*) from posts where publish_at < updated_at and post_id = {id}");
        app.clock().advance(chrono::Duration::days(1));
        input.slug = "renamed-post".into();
        posts::save(ctx, admin, client, Some(id), &input).await.unwrap();
        assert_eq!(app.count(&published_at).await, 1, "the original date stands");
        assert_eq!(location(&app.get("/news/a-new-post").await), "/news/renamed-post");
        let missing = posts::save(ctx, admin, client, Some(id + 100), &input).await;
        assert!(matches!(missing, Err(PublishableError::NotFound(Kind::Post))), "{missing:?}");

        publishable::delete(ctx, admin, client, Kind::Post, id).await.unwrap();
        let again = publishable::delete(ctx, admin, client, Kind::Post, id).await;
        assert!(matches!(again, Err(PublishableError::NotFound(Kind::Post))), "{again:?}");
        assert_eq!(app.get("/news/a-new-post").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("select count(*) from audit_events where action in ('post_created', 'post_updated', 'post_deleted') and client_address = '192.0.2.1'").await, 3);

        // Refusals write nothing.
        let svg = uploads::NewFile { filename: "x.svg", bytes: b"<svg></svg>", alt_text: "A logo" };
        assert!(matches!(uploads::store(ctx, admin, client, &svg).await, Err(uploads::UploadError::UnsupportedType)));
        let block = |name: &str, href: &str| HomeBlock { block: name.into(), title: "T".into(), body: String::new(), link_label: "L".into(), link_href: href.into() };
        let unknown = home::save(ctx, admin, client, &[block("footer", "/courses")]).await;
        assert!(matches!(unknown, Err(home::HomeError::UnknownBlock(_))), "{unknown:?}");
        let hostile = home::save(ctx, admin, client, &[block("about", "javascript:alert(1)")]).await;
        assert!(matches!(hostile, Err(home::HomeError::UnsafeLink(_))), "{hostile:?}");
        assert_eq!(app.count("select count(*) from uploads").await, 0);
        assert_eq!(app.count("select count(*) from audit_events where action in ('upload_added', 'home_page_updated')").await, 0);
    }
}
