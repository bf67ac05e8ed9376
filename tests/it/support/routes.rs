//! Every route the site mounts, read off `src/` (`.route("…", get(…).post(…))` and the
//! upload routes' `.upload("…", …)`), so a sweep over all routes covers a new one without
//! anyone listing it; and a site with one row of everything to fill in their ids.

use std::path::Path;

use academy::db::materials::{self, NewFile, NewMaterial};
use academy::db::posts::{self, PostFields};
use academy::db::reports::{self, ReportFields};
use academy::db::uploads::{self, NewUpload};
use academy::domain::content::PostKind;
use academy::domain::material::{FileFormat, MaterialKind};
use chrono::Duration;

use super::TestApp;
use super::app::Browser;
use super::enrolment::{INVOICE, add_cohort, add_course, admin, enrol, enrolment_id, learner};
use crate::architecture::lexer;

/// One mounted path and the methods it answers, with where it is mounted.
#[derive(Clone, Debug)]
pub struct Route {
    pub path: String,
    pub methods: Vec<String>,
    pub at: String,
}

const ROUTE_CALLS: &[&str] = &["route", "upload", "upload_with_page"];
const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// Every route under `src/`, sorted by path.
pub fn all() -> Vec<Route> {
    let mut routes = Vec::new();
    read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut routes,
    );
    routes.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(routes.len() > 50, "read the routes: {routes:?}");
    routes
}

fn read(dir: &Path, routes: &mut Vec<Route>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read(&path, routes);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
            let name = name.display().to_string().replace('\\', "/");
            // `UploadRoutes` mounts the paths its callers give it; the callers are read.
            if name != "src/web/multipart.rs" {
                routes.extend(in_file(&name, &text));
            }
        }
    }
}

/// The routes mounted in one file. A route call whose path is not a string literal, or
/// whose methods this reader cannot tell (`any`, `on`), fails loudly.
fn in_file(name: &str, text: &str) -> Vec<Route> {
    let original: Vec<char> = text.chars().collect();
    let blank: Vec<char> = lexer::blank_comments_and_literals(text).chars().collect();
    assert_eq!(original.len(), blank.len(), "blanking keeps positions");
    let skip = |mut i: usize| {
        while blank.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        i
    };
    let mut routes = Vec::new();
    for dot in (0..blank.len()).filter(|&i| blank[i] == '.') {
        let start = skip(dot + 1);
        let mut end = start;
        while blank
            .get(end)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            end += 1;
        }
        let call: String = blank[start..end].iter().collect();
        let open = skip(end);
        if !ROUTE_CALLS.contains(&call.as_str()) || blank.get(open) != Some(&'(') {
            continue;
        }
        let line = 1 + original[..dot].iter().filter(|&&c| c == '\n').count();
        let at = format!("{name}:{line}");
        let quote = skip(open + 1);
        assert_eq!(
            blank.get(quote),
            Some(&'"'),
            "{at}: a route's path must be a literal"
        );
        let closing = quote + 1 + blank[quote + 1..].iter().position(|&c| c == '"').unwrap();
        let path: String = original[quote + 1..closing].iter().collect();
        let mut depth = 0;
        let close = (open..blank.len())
            .find(|&i| {
                match blank[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .unwrap();
        let span: String = blank[closing + 1..close].iter().collect();
        let methods = match call.as_str() {
            "upload" => vec!["post".to_owned()],
            "upload_with_page" => vec!["get".to_owned(), "post".to_owned()],
            _ => methods_in(&span, &at),
        };
        assert!(!methods.is_empty(), "{at}: no method found for {path}");
        routes.push(Route { path, methods, at });
    }
    routes
}

/// `get(a).post(b)`, `axum::routing::post(c)`: a method function called, not a module
/// (`delete::confirm`) or a variable named like one.
fn methods_in(span: &str, at: &str) -> Vec<String> {
    let tokens = lexer::tokens(span);
    let mut methods = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let called = tokens.get(i + 1).is_some_and(|t| t.text == "(");
        let before = i.checked_sub(1).map(|j| tokens[j].text.as_str());
        let is_path_tail = before == Some("::") && (i < 2 || tokens[i - 2].text != "routing");
        if !called || is_path_tail {
            continue;
        }
        assert!(
            !matches!(token.text.as_str(), "any" | "on" | "route_service"),
            "{at}: this reader cannot tell the methods of `{}`; teach it",
            token.text
        );
        if METHODS.contains(&token.text.as_str()) && !methods.contains(&token.text) {
            methods.push(token.text.clone());
        }
    }
    methods
}

/// A site with one of everything: a published course and its open cohort with a file among
/// its materials, a learner with an invoiced place the admin has confirmed (so a pro-forma
/// and mail exist, and the material is theirs to open) and a certificate for it, a report,
/// an event, an upload, and the admin and the learner signed in on their own browsers.
pub struct Site {
    pub admin: Browser,
    pub learner: Browser,
    pub learner_id: i64,
    pub course: i64,
    pub course_slug: String,
    pub cohort: i64,
    /// The cohort's first live session.
    pub session: i64,
    pub enrolment: i64,
    pub report: i64,
    pub report_slug: String,
    pub post: i64,
    pub post_slug: String,
    pub upload: i64,
    pub email: i64,
    pub material: i64,
    /// A certificate issued for the learner's place (its id and public code).
    pub certificate: i64,
    pub certificate_code: String,
    /// The learner's verified CPD entry, made when the certificate was issued.
    pub cpd_entry: i64,
}

impl Site {
    pub async fn build(app: &TestApp) -> Site {
        let admin = admin(app).await;
        let learner = learner(app, "learner@example.org").await;
        let learner_id = app
            .count("select user_id from users where email = 'learner@example.org'")
            .await;
        let course = add_course(app, "Investigation science").await;
        let cohort = add_cohort(app, course, "Spring", 10).await;
        let enrolment = enrolment_id(&enrol(&learner, cohort, INVOICE).await);
        let confirmed = admin
            .post_form(
                &format!("/admin/enrolments/{enrolment}/confirm-invoice"),
                &[],
            )
            .await;
        assert_eq!(
            confirmed.status(),
            303,
            "the purchase order confirms the place"
        );
        let now = app.clock().now();
        let mut tx = app.state.db.begin().await.unwrap();
        let upload = uploads::insert(
            &mut tx,
            &NewUpload {
                kind: "image",
                content_type: "image/png",
                filename: "ward.png",
                bytes: b"\x89PNG\r\n\x1a\na picture",
                alt_text: "A ward at night",
            },
            now,
        )
        .await
        .unwrap();
        let report = reports::insert(
            &mut tx,
            &ReportFields {
                slug: "falls-at-night",
                title: "Falls at night",
                summary: "What the investigation found.",
                body: "The body.",
                topic: "Falls",
                publish_at: Some(now - Duration::days(1)),
                image_upload_id: Some(upload),
                pdf_upload_id: None,
            },
            now,
        )
        .await
        .unwrap();
        let event = now + Duration::days(10);
        let post = posts::insert(
            &mut tx,
            &PostFields {
                kind: PostKind::Event,
                slug: "open-evening",
                title: "Open evening",
                summary: "Come and meet us.",
                body: "",
                author: "",
                event_starts_at: Some(event),
                event_ends_at: Some(event + Duration::hours(1)),
                event_location: "Online",
                image_upload_id: None,
                publish_at: Some(now - Duration::days(1)),
            },
            now,
        )
        .await
        .unwrap();
        let material = materials::insert(
            &mut tx,
            &NewMaterial {
                cohort_id: cohort,
                kind: MaterialKind::File,
                title: "Week 1 reading",
                available_from: None,
                file: Some(NewFile {
                    format: FileFormat::Pdf,
                    filename: "week-1.pdf",
                    bytes: b"%PDF-1.7 reading",
                }),
                url: "",
                body: "",
                announce_requested: false,
            },
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let issued = super::certificates::issue(app, enrolment).await;
        let email = app
            .count("select coalesce(min(email_outbox_id), 0) from email_outbox")
            .await;
        let session = app
            .count(&format!(
                "select min(cohort_session_id) from cohort_sessions where cohort_id = {cohort}"
            ))
            .await;
        assert!(email > 0, "enrolling queued mail");
        let cpd_entry = app
            .count(&format!(
                "select entry_id from cpd_entries where certificate_id = {}",
                issued.certificate.certificate_id
            ))
            .await;
        Site {
            admin,
            learner,
            learner_id,
            course,
            course_slug: "investigation-science".to_owned(),
            cohort,
            session,
            enrolment,
            report,
            report_slug: "falls-at-night".to_owned(),
            post,
            post_slug: "open-evening".to_owned(),
            upload,
            email,
            material,
            certificate: issued.certificate.certificate_id,
            certificate_code: issued.certificate.code,
            cpd_entry,
        }
    }

    /// `path` with each `{param}` replaced by a real row's id or slug, chosen by the segment
    /// before it (`/admin/users/{id}` takes the learner's id).
    pub fn fill(&self, path: &str) -> String {
        let segments: Vec<&str> = path.split('/').collect();
        let filled: Vec<String> = segments
            .iter()
            .enumerate()
            .map(|(i, segment)| {
                let Some(param) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
                else {
                    return (*segment).to_owned();
                };
                let owner = if i > 0 { segments[i - 1] } else { "" };
                match (owner, param) {
                    ("users", "id") => self.learner_id.to_string(),
                    ("courses", "id") => self.course.to_string(),
                    ("courses", "slug") => self.course_slug.clone(),
                    ("cohorts", "id") => self.cohort.to_string(),
                    ("sessions", "id") => self.session.to_string(),
                    ("enrolments", "id") => self.enrolment.to_string(),
                    ("reports", "id") => self.report.to_string(),
                    ("reports", "slug") => self.report_slug.clone(),
                    ("posts", "id") => self.post.to_string(),
                    ("news", "slug") => self.post_slug.clone(),
                    ("uploads", "id") => self.upload.to_string(),
                    ("emails", "id") => self.email.to_string(),
                    ("materials", "id") => self.material.to_string(),
                    ("materials", "material") => self.material.to_string(),
                    ("certificates", "id") => self.certificate.to_string(),
                    ("certificates", "code") => self.certificate_code.clone(),
                    ("cpd", "id") => self.cpd_entry.to_string(),
                    // No share link on the site: its pages answer "not found".
                    ("share", "id") => "0".to_owned(),
                    // No file on the site's entry: the download answers "not found".
                    ("evidence", "evidence") => "0".to_owned(),
                    ("documents", "kind") => "proforma".to_owned(),
                    // The site's few addresses fit one sitemap: its pages answer "not found".
                    ("sitemap", "page") => "1.xml".to_owned(),
                    // Link tokens: a made-up one is enough for pages that explain it.
                    (_, "token") => "0".repeat(43),
                    _ => panic!("{path}: teach Site::fill what `{{{param}}}` after `{owner}` is"),
                }
            })
            .collect();
        filled.join("/")
    }
}
