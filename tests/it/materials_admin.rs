//! What admins do to a cohort's materials, on both databases: files typed by their bytes
//! (Office documents by their zip contents; macros, programs and SVG refused), links that
//! must be http or https, notes sanitised, the size limit, order, editing and deleting;
//! every page accessible, every form field required, and the file form's CSRF token first.

use std::io::Write;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::form_fields::{Case, each_field_is_required};
use crate::materials::{LATER_TODAY, NOW, PDF, UNTIL_LATER, material_id, post_file, post_material};
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::app::Browser;
use crate::support::enrolment::{add_cohort, add_course, admin, enrol, enrolment_id, learner};

/// A zip container with these members, as Office and OpenDocument files are.
fn zip_of(members: &[(&str, &str)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in members {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn office(main_part: &str) -> Vec<u8> {
    let types = format!(
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/main.xml" ContentType="{main_part}"/></Types>"#
    );
    zip_of(&[("[Content_Types].xml", &types), ("main.xml", "<document/>")])
}

const DOCX: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
const PPTX: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml";

/// A cohort, its admin, and a learner with a confirmed place on it.
async fn cohort_with_learner(app: &TestApp) -> (Browser, i64, Browser, i64) {
    let admin = admin(app).await;
    let course = add_course(app, "Human factors in patient safety").await;
    let cohort = add_cohort(app, course, "May 2026 cohort", 10).await;
    let nurse = learner(app, "a.nurse@nhs.net").await;
    let place = enrolment_id(&enrol(&nurse, cohort, &[("funding", "free")]).await);
    (admin, cohort, nurse, place)
}

backend_tests! {
    async fn files_are_typed_by_their_bytes_and_links_must_be_web_addresses(backend) {
        let app = TestApp::spawn_with(backend, &[("ACADEMY_MAX_UPLOAD_BYTES", "4096")], axum::Router::new()).await;
        let (admin, cohort, nurse, place) = cohort_with_learner(&app).await;
        let stored = || app.count("select count(*) from cohort_materials");
        let accepted: [(&str, Vec<u8>, &str, &str); 8] = [
            ("notes.docx", office(DOCX), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment; filename=\"notes.docx\""),
            ("budget.xlsx", office(XLSX), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment; filename=\"budget.xlsx\""),
            ("slides.pptx", office(PPTX), "application/vnd.openxmlformats-officedocument.presentationml.presentation", "attachment; filename=\"slides.pptx\""),
            ("essay.odt", zip_of(&[("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")]), "application/vnd.oasis.opendocument.text", "attachment; filename=\"essay.odt\""),
            ("ward.png", b"\x89PNG\r\n\x1a\n0000".to_vec(), "image/png", "inline; filename=\"ward.png\""),
            ("reading list.txt", "Reason (1990), Human error\n".as_bytes().to_vec(), "text/plain; charset=utf-8", "attachment; filename=\"reading-list.txt\""),
            ("report.pdf", PDF.to_vec(), "application/pdf", "attachment; filename=\"report.pdf\""),
            // A PDF is a PDF whatever it is called; it downloads as one.
            ("setup.exe", PDF.to_vec(), "application/pdf", "attachment; filename=\"setup.exe.pdf\""),
        ];
        for (n, (name, bytes, content_type, disposition)) in accepted.iter().enumerate() {
            let title = format!("Accepted {n}");
            let response = post_file(&admin, cohort, &title, (name, bytes), &NOW).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{name}: {}", response.text().await.unwrap());
            let id = material_id(&app, &title).await;
            let file = nurse.get(&format!("/enrolments/{place}/materials/{id}")).await;
            assert_eq!(file.headers()["content-type"], *content_type, "{name}");
            assert_eq!(file.headers()["content-disposition"], *disposition, "{name}");
            assert_eq!(file.bytes().await.unwrap().as_ref(), bytes.as_slice(), "{name}");
        }
        assert_eq!(stored().await, 8);

        let refused: [(&str, Vec<u8>, &str); 10] = [
            ("macros.docm", office("application/vnd.ms-word.document.macroEnabled.main+xml"), "contains macros"),
            ("hidden.docx", zip_of(&[("[Content_Types].xml", &format!("<Types><Override ContentType=\"{DOCX}\"/></Types>")), ("word/vbaProject.bin", "x")]), "contains macros"),
            ("template.dotx", office("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"), "must be a PDF"),
            ("old.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old".to_vec(), "must be a PDF"),
            ("program.pdf", b"MZ\x90\x00\x03\x00".to_vec(), "must be a PDF"),
            ("picture.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(), "must be a PDF"),
            ("page.html", b"<!DOCTYPE html><script>alert(1)</script>".to_vec(), "must be a PDF"),
            ("archive.zip", zip_of(&[("readme.txt", "hello")]), "must be a PDF"),
            ("empty.pdf", Vec::new(), "Choose a file to upload"),
            ("big.pdf", [PDF, &[b' '; 5000][..]].concat(), "must be 4 KB or smaller"),
        ];
        for (name, bytes, message) in &refused {
            let response = post_file(&admin, cohort, "Refused", (name, bytes), &NOW).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            let html = response.text().await.unwrap();
            assert!(html.contains(message), "{name}: {message}");
            assert_error_summary(name, &html);
            assert_accessible(name, &html);
        }
        assert_eq!(stored().await, 8, "nothing refused was stored");

        for (url, message) in [
            ("javascript:alert(document.cookie)", "must start with https://"),
            ("data:text/html;base64,PHNjcmlwdD4=", "must start with https://"),
            ("ftp://files.example.org/x", "must start with https://"),
            ("video.example.org/session", "Enter a full web address"),
            ("https://user:secret@video.example.org/", "user name or password"),
            ("", "Enter a full web address"),
        ] {
            let response = post_material(&admin, cohort, "link", &[&[("title", "A link"), ("url", url)], &NOW[..]].concat()).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
            assert!(response.text().await.unwrap().contains(message), "{url}");
        }
        assert_eq!(stored().await, 8);
        let hostile = "Read this <script>alert(1)</script> [now](javascript:alert(2)) <img src=x onerror=alert(3)>";
        post_material(&admin, cohort, "note", &[&[("title", "Hostile note"), ("body", hostile)], &NOW[..]].concat()).await;
        let (_, page) = nurse.get_text(&format!("/enrolments/{place}")).await;
        assert!(page.contains("Read this"));
        for bad in ["<script>alert", "javascript:alert", "onerror"] {
            assert!(!page.contains(bad), "the note is sanitised: {bad}");
        }
    }

    async fn admins_reorder_edit_and_delete_materials(backend) {
        let app = TestApp::spawn(backend).await;
        let (admin, cohort, nurse, place) = cohort_with_learner(&app).await;
        for title in ["First", "Second", "Third"] {
            post_material(&admin, cohort, "note", &[&[("title", title), ("body", "Text.")], &NOW[..]].concat()).await;
        }
        let (first, third) = (material_id(&app, "First").await, material_id(&app, "Third").await);
        let order = || async {
            let (_, html) = nurse.get_text(&format!("/enrolments/{place}")).await;
            let mut titles: Vec<(usize, &str)> = ["First", "Second", "Third", "The third"].iter().filter_map(|t| html.find(&format!("<strong>{t}</strong>")).map(|at| (at, *t))).collect();
            titles.sort();
            titles.into_iter().map(|(_, t)| t.to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(order().await, ["First", "Second", "Third"]);
        let moved = admin.post_form(&format!("/admin/materials/{third}/move"), &[("direction", "up")]).await;
        assert_eq!(location(&moved), format!("/admin/cohorts/{cohort}/materials#material-{third}"));
        assert_eq!(order().await, ["First", "Third", "Second"]);
        admin.post_form(&format!("/admin/materials/{first}/move"), &[("direction", "up")]).await;
        assert_eq!(order().await, ["First", "Third", "Second"], "the first stays first");
        admin.post_form(&format!("/admin/materials/{first}/move"), &[("direction", "down")]).await;
        assert_eq!(order().await, ["Third", "First", "Second"]);
        assert_eq!(admin.post_form(&format!("/admin/materials/{first}/move"), &[("direction", "sideways")]).await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(nurse.post_form(&format!("/admin/materials/{first}/move"), &[("direction", "up")]).await.status(), StatusCode::FORBIDDEN);

        // An edit: new title and text, and a time to come.
        let edit = admin.form_on(&format!("/admin/materials/{third}/edit"), &format!("/admin/materials/{third}")).await;
        let mut changed = edit.clone().set("title", "The third").set("body", "Changed *text*.");
        for (name, value) in LATER_TODAY {
            changed = changed.set(name, value);
        }
        assert_eq!(location(&admin.submit(&changed).await), format!("/admin/cohorts/{cohort}/materials?notice=material-added"));
        assert_eq!(order().await, ["First", "Second"], "hidden until its time");
        let (_, form) = admin.get_text(&format!("/admin/materials/{third}/edit")).await;
        assert!(form.contains("value=\"The third\"") && form.contains("Changed *text*.") && form.contains("value=\"15:00\""), "the edit form shows it as saved");
        app.clock().advance(UNTIL_LATER);
        assert_eq!(order().await, ["The third", "First", "Second"], "its place kept");
        let bad = admin.submit(&edit.set("title", "")).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Deleting asks first, then the material and its file are gone.
        post_file(&admin, cohort, "Slides", ("slides.pdf", PDF), &NOW).await;
        let slides = material_id(&app, "Slides").await;
        let (status, confirm) = admin.get_text(&format!("/admin/materials/{slides}/delete")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(confirm.contains("Slides") && confirm.contains("cannot be undone"));
        assert_eq!(nurse.post_form(&format!("/admin/materials/{slides}/delete"), &[]).await.status(), StatusCode::FORBIDDEN);
        let deleted = admin.post_form(&format!("/admin/materials/{slides}/delete"), &[]).await;
        assert_eq!(location(&deleted), format!("/admin/cohorts/{cohort}/materials?notice=material-deleted"));
        assert_eq!(nurse.get(&format!("/enrolments/{place}/materials/{slides}")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(admin.get(&format!("/admin/materials/{slides}/file")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(admin.post_form(&format!("/admin/materials/{slides}/delete"), &[]).await.status(), StatusCode::NOT_FOUND, "a second click");
        for action in ["material_added", "material_moved", "material_updated", "material_deleted"] {
            assert!(app.count(&format!("select count(*) from audit_events where action = '{action}'")).await > 0, "{action} audited");
        }
        assert_eq!(app.count("select count(*) from audit_events where action = 'material_moved'").await, 2, "a move at the top changes nothing");
    }

    async fn every_material_page_is_accessible_and_its_forms_refuse_missing_fields(backend) {
        let app = TestApp::spawn(backend).await;
        let (admin, cohort, nurse, place) = cohort_with_learner(&app).await;
        post_file(&admin, cohort, "Slides", ("slides.pdf", PDF), &NOW).await;
        post_material(&admin, cohort, "link", &[&[("title", "Recording"), ("url", "https://video.example.org/1")], &NOW[..]].concat()).await;
        post_material(&admin, cohort, "note", &[&[("title", "Note"), ("body", "## Heading\n\nText.")], &NOW[..]].concat()).await;
        let ids = [material_id(&app, "Slides").await, material_id(&app, "Recording").await, material_id(&app, "Note").await];
        let mut pages = vec![
            format!("/admin/cohorts/{cohort}/materials"),
            format!("/admin/cohorts/{cohort}/materials/file"),
            format!("/admin/cohorts/{cohort}/materials/link"),
            format!("/admin/cohorts/{cohort}/materials/note"),
            format!("/admin/cohorts/{cohort}"),
        ];
        for id in ids {
            pages.push(format!("/admin/materials/{id}/edit"));
            pages.push(format!("/admin/materials/{id}/delete"));
        }
        for path in &pages {
            let (status, html) = admin.get_text(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_accessible(path, &html);
        }
        for path in [format!("/enrolments/{place}"), "/dashboard".to_owned()] {
            let (_, html) = nurse.get_text(&path).await;
            assert!(html.contains("Recording"), "{path}");
            assert_accessible(&path, &html);
        }

        // Submitted empty: 422, the error summary, every problem beside its field.
        for (page, action) in [
            (format!("/admin/cohorts/{cohort}/materials/link"), format!("/admin/cohorts/{cohort}/materials/link")),
            (format!("/admin/cohorts/{cohort}/materials/note"), format!("/admin/cohorts/{cohort}/materials/note")),
            (format!("/admin/materials/{}/edit", ids[1]), format!("/admin/materials/{}", ids[1])),
            (format!("/admin/materials/{}/edit", ids[2]), format!("/admin/materials/{}", ids[2])),
        ] {
            let response = admin.submit(&admin.form_on(&page, &action).await.cleared()).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{action}");
            let html = response.text().await.unwrap();
            assert_accessible(&action, &html);
            assert_error_summary(&action, &html);
        }
        let half_date = admin.form_on(&format!("/admin/cohorts/{cohort}/materials/note"), &format!("/admin/cohorts/{cohort}/materials/note")).await.set("title", "T").set("body", "B").set("available_day", "31").set("available_month", "2").set("available_year", "2026");
        let html = admin.submit(&half_date).await.text().await.unwrap();
        assert!(html.contains("must be a real date"), "{html}");
        assert_error_summary("a date that does not exist", &html);
        let empty_file = post_file(&admin, cohort, "", ("", b""), &NOW).await;
        assert_eq!(empty_file.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = empty_file.text().await.unwrap();
        assert!(html.contains("Enter a title") && html.contains("Choose a file"));
        assert_accessible("the file form", &html);
        assert_error_summary("the file form", &html);

        // A body without a field its page always sends is refused and saves nothing.
        let case = |page: String, action: String| Case { browser: &admin, page, action, button: None, field_errors: &[] };
        let cases = [
            case(format!("/admin/cohorts/{cohort}/materials/link"), format!("/admin/cohorts/{cohort}/materials/link")),
            case(format!("/admin/cohorts/{cohort}/materials/note"), format!("/admin/cohorts/{cohort}/materials/note")),
            case(format!("/admin/materials/{}/edit", ids[0]), format!("/admin/materials/{}", ids[0])),
            case(format!("/admin/materials/{}/edit", ids[1]), format!("/admin/materials/{}", ids[1])),
            case(format!("/admin/materials/{}/edit", ids[2]), format!("/admin/materials/{}", ids[2])),
            case(format!("/admin/cohorts/{cohort}/materials"), format!("/admin/materials/{}/move", ids[0])),
        ];
        let mut checked = 0;
        for case in &cases {
            checked += each_field_is_required(&app, case).await;
        }
        assert!(checked >= 20, "{checked} fields checked");
        let stored = app.count("select count(*) from cohort_materials").await;
        for missing in ["title", "available_day", "available_time"] {
            let token = admin.csrf_token().await;
            let mut form = Form::new().text("csrf_token", token).part("file", Part::bytes(PDF.to_vec()).file_name("x.pdf"));
            for (name, value) in [("title", "T")].iter().chain(NOW.iter()).filter(|(name, _)| *name != missing) {
                form = form.text(name.to_string(), value.to_string());
            }
            let response = admin.client.post(admin.url(&format!("/admin/cohorts/{cohort}/materials/file"))).multipart(form).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "without {missing}");
            assert!(response.text().await.unwrap().contains("This form was missing the ‘"), "without {missing}");
        }
        assert_eq!(app.count("select count(*) from cohort_materials").await, stored, "nothing saved");
    }

    async fn the_file_form_checks_its_csrf_token_in_the_first_part(backend) {
        let app = TestApp::spawn(backend).await;
        let (admin, cohort, nurse, _) = cohort_with_learner(&app).await;
        let path = format!("/admin/cohorts/{cohort}/materials/file");
        let page = admin.get_text(&path).await.1;
        let form = &page[page.find("enctype=\"multipart/form-data\"").unwrap()..];
        assert!(form.find("name=\"csrf_token\"").unwrap() < form.find("name=\"file\"").unwrap(), "the token is the form's first field");
        let token = admin.csrf_token().await;
        let file = || Part::bytes(PDF.to_vec()).file_name("x.pdf");
        let fields = |form: Form| NOW.iter().fold(form.text("title", "T"), |f, (n, v)| f.text(n.to_string(), v.to_string()));
        for (case, form) in [
            ("no token", fields(Form::new().part("file", file()))),
            ("the token after the file", fields(Form::new().part("file", file())).text("csrf_token", token.clone())),
            ("a wrong token", fields(Form::new().text("csrf_token", "0".repeat(64)).part("file", file()))),
        ] {
            let response = admin.client.post(admin.url(&path)).multipart(form).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{case}");
        }
        let learner_token = nurse.csrf_token().await;
        let as_learner = nurse.client.post(nurse.url(&path)).multipart(fields(Form::new().text("csrf_token", learner_token).part("file", file()))).send().await.unwrap();
        assert_eq!(as_learner.status(), StatusCode::FORBIDDEN, "a learner is not an admin");
        assert_eq!(app.count("select count(*) from cohort_materials").await, 0);
        let saved = admin.client.post(admin.url(&path)).multipart(fields(Form::new().text("csrf_token", token).part("file", file()))).send().await.unwrap();
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("select count(*) from cohort_materials").await, 1);
    }
}
