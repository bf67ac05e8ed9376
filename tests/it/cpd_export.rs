//! The CPD record's exports through the real app on both databases: the CSV of the
//! filtered entries read back with the `csv` crate exactly as typed (formula cells keep
//! the quote `spreadsheet::neutralise` adds), the PDF laid out for each regulator read back
//! with `pdf-extract`, the printable page, the account download holding the whole record
//! with its evidence, and an admin walking every page and export without ever meeting a
//! learner's reflection or evidence.

use reqwest::StatusCode;

use crate::accessibility::assert_accessible;
use crate::backend_tests;
use crate::cpd_entries::evidence::upload;
use crate::cpd_entries::{activity, add, post, with};
use crate::support::TestApp;
use crate::support::app::Browser;
use crate::support::enrolment::learner;
use crate::support::learning::write;
use crate::support::routes::{self, Site};

const AWKWARD_TITLE: &str = "=HYPERLINK(\"http://x.example\",\"click\"), \"quoted\" 😀 Zoë";
const AWKWARD_PROVIDER: &str = "+44 provider, Ltd";
const AWKWARD_TOPIC: &str = "-1 minus\nline two, \"quotes\" é";
const AWKWARD_OUTCOMES: &str = "@SUM(A1)\nsecond line";
const AWKWARD_REFLECTION: &str = "Commas, \"quotes\"\nand newlines: naïve café 🩺";

/// The awkward activity: every kind of text a spreadsheet could misread.
fn awkward() -> Vec<(&'static str, String)> {
    let fields = with(activity(AWKWARD_TITLE), "provider", AWKWARD_PROVIDER);
    let fields = with(fields, "topic", AWKWARD_TOPIC);
    let fields = with(fields, "learning_outcomes", AWKWARD_OUTCOMES);
    with(fields, "reflection_learned", AWKWARD_REFLECTION)
}

/// A second activity of another type and date, linked to an HCPC standard and a GMP domain.
fn reading() -> Vec<(&'static str, String)> {
    let mut fields = with(
        activity("Reading week on deprescribing"),
        "method",
        "reading",
    );
    for (name, value) in [
        ("started_on_day", "5"),
        ("ended_on_day", "5"),
        ("started_on_month", "1"),
        ("ended_on_month", "1"),
        ("hours", "2.25"),
        ("participatory_hours", "0"),
        ("planning", "unplanned"),
    ] {
        fields = with(fields, name, value);
    }
    fields.push(("hcpc_standards", "improves_practice".to_owned()));
    fields.push(("gmp_domains", "knowledge_skills_development".to_owned()));
    fields
}

/// The download as (bytes, content type), which must be 200.
pub(crate) async fn download(browser: &Browser, path: &str) -> (Vec<u8>, String) {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store"),
        "{path}"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename="),
        "{path}"
    );
    (response.bytes().await.unwrap().to_vec(), kind)
}

/// The CSV's header and rows, after checking it starts with the byte-order mark.
pub(crate) fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "the BOM comes first");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

pub(crate) fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    let at = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    &row[at]
}

fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"));
    pdf_extract::extract_text_from_mem(bytes).expect("the PDF's text reads back")
}

/// `text` with runs of whitespace made one space (pdf-extract breaks lines its own way).
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The nurse's profile: NMC, a registration number and a renewal date a year ahead.
async fn registered_nurse(app: &TestApp, email: &str) -> Browser {
    let nurse = learner(app, email).await;
    write(app, &format!(
        "update users set professional_body = 'NMC', registration_number = '12A3456E', cpd_renewal_on = '2027-03-31' where email = '{email}'"
    )).await;
    nurse
}

backend_tests! {
    async fn the_csv_reads_back_exactly_as_typed_with_its_bom_filters_and_only_the_learners_entries(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "csv.nurse@example.org").await;
        let other = learner(&app, "csv.other@example.org").await;
        add(&nurse, &awkward()).await;
        add(&nurse, &reading()).await;
        add(&other, &activity("Another learner's secret study day")).await;

        let (list_status, list) = nurse.get_text("/cpd").await;
        assert_eq!(list_status, StatusCode::OK);
        assert!(list.contains(r#"<a href="/cpd/export.csv">Download these entries (CSV)</a>"#), "the list links the CSV");

        let (bytes, kind) = download(&nurse, "/cpd/export.csv").await;
        assert_eq!(kind, "text/csv; charset=utf-8");
        let (header, rows) = parse_csv(&bytes);
        assert_eq!(header.len(), 26);
        assert_eq!(&header[..4], ["Kind", "Title", "Provider", "Type of activity"]);
        assert_eq!(rows.len(), 2, "only the nurse's entries: {rows:?}");
        // Newest first: the awkward one ended on 11 February.
        let row = &rows[0];
        // `neutralise` puts a quote before a cell starting =, +, - or @ (and tab or CR):
        // the text reads back with that quote and nothing else changed.
        assert_eq!(cell(&header, row, "Title"), format!("'{AWKWARD_TITLE}"));
        assert_eq!(cell(&header, row, "Provider"), format!("'{AWKWARD_PROVIDER}"));
        assert_eq!(cell(&header, row, "Topic and how it relates to practice"), format!("'{AWKWARD_TOPIC}"));
        assert_eq!(cell(&header, row, "Learning outcomes"), format!("'{AWKWARD_OUTCOMES}"));
        assert_eq!(cell(&header, row, "What I learned"), AWKWARD_REFLECTION, "text not starting with a formula sign is as typed");
        assert_eq!(cell(&header, row, "How my practice changed or will change"), "I screen at every observation round");
        assert_eq!(cell(&header, row, "Kind"), "CPD activity");
        assert_eq!(cell(&header, row, "Type of activity"), "Conference");
        assert_eq!(cell(&header, row, "Started on"), "2026-02-10");
        assert_eq!(cell(&header, row, "Ended on"), "2026-02-11");
        assert_eq!(cell(&header, row, "Hours"), "7.5");
        assert_eq!(cell(&header, row, "Participatory hours"), "3");
        assert_eq!(cell(&header, row, "Planned or unplanned"), "Planned");
        assert_eq!(cell(&header, row, "NMC Code theme"), "Preserve safety");
        assert_eq!(cell(&header, row, "Tags"), "sepsis, night shift");
        assert_eq!(cell(&header, row, "Verified by"), "Self-declared");
        assert_eq!(cell(&header, row, "Certificate revoked"), "");
        let second = &rows[1];
        assert_eq!(cell(&header, second, "Title"), "Reading week on deprescribing");
        assert_eq!(cell(&header, second, "HCPC standards"), "It improves the quality of my practice and service delivery");
        assert_eq!(cell(&header, second, "Good Medical Practice domains"), "Knowledge, skills and development");
        assert_eq!(cell(&header, second, "Hours"), "2.25");
        assert!(!String::from_utf8_lossy(&bytes).contains("Another learner"), "never another learner's");

        // The list's filters, read the same way.
        for (query, expected) in [
            ("method=reading", vec!["Reading week on deprescribing"]),
            ("q=deprescribing", vec!["Reading week on deprescribing"]),
            ("from_day=1&from_month=2&from_year=2026", vec![AWKWARD_TITLE]),
            ("tag=night+shift", vec![AWKWARD_TITLE, "Reading week on deprescribing"]),
            ("source=verified", vec![]),
        ] {
            let (bytes, _) = download(&nurse, &format!("/cpd/export.csv?{query}")).await;
            let (header, rows) = parse_csv(&bytes);
            let titles: Vec<String> = rows.iter().map(|r| cell(&header, r, "Title").trim_start_matches('\'').to_owned()).collect();
            assert_eq!(titles, expected, "{query}");
        }
        let (_, filtered) = nurse.get_text("/cpd?method=reading").await;
        assert!(filtered.contains(r#"href="/cpd/export.csv?method=reading""#), "the link keeps the filters");
        let bad = nurse.get("/cpd/export.csv?from_day=31&from_month=2&from_year=2026").await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "a date that is not one is said, not ignored");
        assert!(bad.text().await.unwrap().contains("The from date must be a real date"));

        let (bytes, _) = download(&other, "/cpd/export.csv").await;
        let (_, rows) = parse_csv(&bytes);
        assert_eq!(rows.len(), 1);
        assert!(!String::from_utf8_lossy(&bytes).contains("deprescribing"));
        assert_eq!(app.another_browser().get("/cpd/export.csv").await.status(), StatusCode::SEE_OTHER, "sign in first");
    }

    async fn the_pdf_record_holds_the_titles_and_totals_in_each_regulators_layout(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = registered_nurse(&app, "pdf.nurse@example.org").await;
        let other = learner(&app, "pdf.other@example.org").await;
        add(&nurse, &with(awkward(), "reflection_benefit", &"Long reflection. ".repeat(290))).await;
        add(&nurse, &reading()).await;
        add(&other, &activity("Another learner's secret study day")).await;

        let (_, list) = nurse.get_text("/cpd").await;
        assert!(list.contains(r#"href="/cpd/record.pdf?regulator=nmc""#) && list.contains(r#"href="/cpd/record?regulator=nmc""#), "the list links the record in the nurse's layout");

        let layouts = [
            ("nmc", vec!["CPD record for the NMC", "CPD log", "Reflective accounts", "How did you change or improve your practice as a result?", "Number of participatory hours", "35 hours of continuing professional development", "Theme: Preserve safety"]),
            ("hcpc", vec!["CPD record for the HCPC", "Summary of practice history", "Statement of how I have met the standards", "Evidence list"]),
            ("gmc", vec!["CPD record for the GMC", "CPD credits by Good Medical Practice domain", "Knowledge, skills and development: 2.25 credits", "sets no number"]),
            ("gphc", vec!["CPD record for the GPhC", "Planned learning", "Unplanned learning", "Peer discussion", "Reflective account"]),
            ("none", vec!["CPD record", "Totals by year", "2026 so far: 2 entries, 9.75 hours"]),
        ];
        for (regulator, expected) in layouts {
            let (bytes, kind) = download(&nurse, &format!("/cpd/record.pdf?regulator={regulator}")).await;
            assert_eq!(kind, "application/pdf");
            let text = squeezed(&pdf_text(&bytes));
            for expected in expected.iter().chain(&[
                "Reading week on deprescribing",
                "HYPERLINK",
                "Zoë",
                "12A3456E",
                "2 entries: 9.75 hours in total, 3 hours participatory",
            ]) {
                assert!(text.contains(expected), "{regulator}: {expected:?} in {text}");
            }
            assert!(!text.contains("Another learner"), "{regulator}");
            let document = pdf_extract::Document::load_mem(&bytes).unwrap();
            let catalog = document.catalog().unwrap();
            assert!(catalog.get(b"StructTreeRoot").is_ok(), "tagged");
            let pages = document.get_pages();
            let page = pages.values().next().copied().unwrap();
            let media_box = document.get_dictionary(page).unwrap().get(b"MediaBox").unwrap().as_array().unwrap().iter().map(|n| n.as_float().unwrap().round() as i64).collect::<Vec<_>>();
            assert_eq!(media_box, [0, 0, 595, 842], "A4");
            let fonts = document.get_page_fonts(page).unwrap();
            assert!(!fonts.is_empty() && fonts.values().all(|f| f.get(b"Subtype").and_then(|s| s.as_name()).is_ok_and(|s| s == b"Type0")), "embedded CID fonts");
            if regulator == "nmc" {
                assert!(pages.len() > 1, "the long reflection runs onto another page");
                assert!(text.contains(&format!("Page 1 of {}", pages.len())) || !text.contains("Page 1 of"), "page numbers are artifacts, if read at all");
            }
        }

        // The learner's own layout by default; filters as the list's.
        let response = nurse.get("/cpd/record.pdf").await;
        assert_eq!(response.headers()["content-disposition"], "attachment; filename=\"cpd-record-nmc.pdf\"");
        let (bytes, _) = download(&nurse, "/cpd/record.pdf?regulator=hcpc&method=reading").await;
        let text = squeezed(&pdf_text(&bytes));
        assert!(text.contains("Reading week on deprescribing") && !text.contains("HYPERLINK"), "{text}");
        assert!(text.contains("Entries of the type Reading") && text.contains("1 entry: 2.25 hours in total"), "{text}");
        assert_eq!(nurse.get("/cpd/record.pdf?regulator=acme").await.status(), StatusCode::BAD_REQUEST);
        let (bytes, _) = download(&other, "/cpd/record.pdf?regulator=none").await;
        let text = squeezed(&pdf_text(&bytes));
        assert!(text.contains("Another learner's secret study day") && !text.contains("deprescribing"));
    }

    async fn the_printable_record_is_accessible_and_says_what_the_pdf_says(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = registered_nurse(&app, "print.nurse@example.org").await;
        add(&nurse, &awkward()).await;
        add(&nurse, &with(reading(), "title", "<script>alert(1)</script>")).await;
        for regulator in ["nmc", "hcpc", "gmc", "gphc", "none"] {
            let path = format!("/cpd/record?regulator={regulator}");
            let (status, html) = nurse.get_text(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_accessible(&path, &html);
            assert!(html.contains("2 entries: 9.75 hours in total, 3 hours participatory"), "{regulator}");
            assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;") && !html.contains("<script>alert"), "escaped");
            assert!(html.contains(&format!(r#"href="/cpd/record.pdf?regulator={regulator}""#)), "the PDF of the same record");
            assert!(html.contains(r#"<meta name="robots" content="noindex">"#));
        }
        let (status, html) = nurse.get_text("/cpd/record?regulator=nmc&method=conference").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Entries of the type Conference") && !html.contains("alert(1)"));
        assert!(html.contains(r#"href="/cpd/record.pdf?regulator=nmc&#38;method=conference""#), "{html}");
        let (_, list) = nurse.get_text("/cpd").await;
        assert_accessible("/cpd", &list);
    }

    async fn the_account_download_holds_the_whole_cpd_record_and_its_evidence(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = registered_nurse(&app, "data.nurse@example.org").await;
        let other = learner(&app, "data.other@example.org").await;
        let kept = add(&nurse, &awkward()).await;
        let gone = add(&nurse, &reading()).await;
        let token = nurse.csrf_token().await;
        let file: &[u8] = b"%PDF-1.7 attendance certificate";
        assert_eq!(upload(&nurse, kept, Some(token.clone()), "attendance.pdf", file).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(post(&nurse, &format!("/cpd/{gone}/delete"), &[("csrf_token", token)]).await.status(), StatusCode::SEE_OTHER);
        let theirs = add(&other, &activity("Another learner's secret study day")).await;
        let now = "2026-03-02T10:00:00Z";
        write(&app, &format!(
            "insert into cpd_share_links (user_id, token_hash, include_evidence, created_at, expires_at, views) \
             select user_id, 'the-hash-of-a-secret-token', true, '{now}', '2026-04-01T10:00:00Z', 3 from users where email = 'data.nurse@example.org'"
        )).await;

        let response = nurse.get("/account/data").await;
        assert_eq!(response.status(), StatusCode::OK);
        let raw = response.text().await.unwrap();
        assert!(!raw.contains("the-hash-of-a-secret-token") && !raw.contains("token_hash"), "no token, nor its hash");
        assert!(!raw.contains("Another learner") && !raw.contains(&format!("\"entry_id\": {theirs},")), "nothing of anyone else's");
        let export: serde_json::Value = serde_json::from_str(&raw).unwrap();
        let record = &export["cpd_record"];
        assert_eq!(record["renewal_or_appraisal_date"], "2027-03-31");
        assert_eq!(record["reminders"], true);
        let entries = record["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "the deleted entry is in the history only");
        assert_eq!(entries[0]["title"], AWKWARD_TITLE);
        assert_eq!(entries[0]["reflection_learned"], AWKWARD_REFLECTION);
        assert_eq!(entries[0]["reflection_practice"], "I screen at every observation round");
        let evidence = entries[0]["evidence"].as_array().unwrap();
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0]["filename"], "attendance.pdf");
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD.decode(evidence[0]["content_base64"].as_str().unwrap()).unwrap();
        assert_eq!(bytes, file, "the file itself, in base64");
        let actions: Vec<(i64, &str)> = record["history"].as_array().unwrap().iter().map(|h| (h["entry_id"].as_i64().unwrap(), h["action"].as_str().unwrap())).collect();
        assert_eq!(actions, [(kept, "created"), (gone, "created"), (kept, "evidence_added"), (gone, "deleted")]);
        assert_eq!(record["history"][3]["entry"]["title"], "Reading week on deprescribing", "the deleted entry as it was");
        let links = record["share_links"].as_array().unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0]["views"], 3);
        assert_eq!(links[0]["include_evidence"], true);
    }

    async fn an_admin_walking_every_page_and_export_never_meets_a_learners_reflection_or_evidence(backend) {
        let app = TestApp::spawn(backend).await;
        let site = Site::build(&app).await;
        const MARKER: &str = "zqxreflectionmarker";
        // A reflection on the learner's verified entry, and an activity with the marker in
        // every text it has and in its evidence file.
        let edit = format!("/cpd/{}/edit", site.cpd_entry);
        let form = site.learner.form_on(&edit, &format!("/cpd/{}/reflection", site.cpd_entry)).await
            .set("reflection_learned", &format!("{MARKER} learned"))
            .set("reflection_practice", &format!("{MARKER} practice"))
            .set("reflection_benefit", &format!("{MARKER} benefit"));
        assert_eq!(site.learner.submit(&form).await.status(), StatusCode::SEE_OTHER);
        let mut fields = activity(&format!("{MARKER} title"));
        for name in ["provider", "topic", "learning_outcomes", "reflection_learned", "reflection_practice", "reflection_benefit", "tags"] {
            fields = with(fields, name, &format!("{MARKER} {name}"));
        }
        let entry = add(&site.learner, &fields).await;
        let token = site.learner.csrf_token().await;
        let contents = format!("%PDF-1.7 {MARKER} evidence");
        assert_eq!(upload(&site.learner, entry, Some(token), &format!("{MARKER}.pdf"), contents.as_bytes()).await.status(), StatusCode::SEE_OTHER);
        // The learner's own downloads hold it (so the marker is findable where it may be).
        let (csv, _) = download(&site.learner, "/cpd/export.csv").await;
        assert!(String::from_utf8_lossy(&csv).contains(&format!("{MARKER} learned")));

        let mut walked = 0;
        let mut downloads = 0;
        // Every GET route but the static assets' wildcard (the same files for everyone).
        for route in routes::all().iter().filter(|r| r.methods.iter().any(|m| m == "get") && !r.path.contains("{*")) {
            let address = site.fill(&route.path);
            let response = site.admin.get(&address).await;
            let status = response.status();
            assert!(!status.is_server_error(), "{address}: {status}");
            let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            let body = response.bytes().await.unwrap();
            assert!(!String::from_utf8_lossy(&body).contains(MARKER), "{address} ({status}, {kind}) shows the learner's CPD text to an admin");
            if route.path.starts_with("/admin") && status == StatusCode::OK {
                walked += 1;
                if !kind.starts_with("text/html") {
                    downloads += 1;
                }
            }
        }
        assert!(walked > 30, "{walked} admin pages walked");
        assert!(downloads >= 2, "{downloads} admin exports (CSV, JSON) walked");
        // The admin's own account download holds only their own record.
        let (status, data) = site.admin.get_text("/account/data").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!data.contains(MARKER));
    }
}
