//! The checker itself, on small made-up crates: each rule fires where it should and
//! nothing else does.

use super::*;

fn files(sources: &[(&str, &str)]) -> Vec<File> {
    sources
        .iter()
        .map(|(path, text)| File {
            path: path.to_string(),
            text: text.to_string(),
        })
        .collect()
}

const LAYERS: &[(&str, &str)] = &[
    (
        "lib.rs",
        "pub mod app; pub mod db; pub mod domain; pub mod web; pub mod enrolment;",
    ),
    ("app.rs", "use crate::web::router;"),
    ("db/mod.rs", "pub mod users; use crate::domain::slug;"),
    ("db/users.rs", "use super::Db;"),
    ("domain/mod.rs", "pub mod slug; pub mod catalogue;"),
    ("domain/slug.rs", "pub fn parse() {}"),
    ("web/mod.rs", "pub mod forms; pub fn router() {}"),
    ("web/forms.rs", "use crate::enrolment::enrol;"),
    ("enrolment/mod.rs", "pub fn enrol(db: &crate::db::Db) {}"),
];

fn check_with(path: &str, text: &str) -> Vec<String> {
    let mut sources = LAYERS.to_vec();
    sources.push((path, text));
    check(&files(&sources))
}

#[test]
fn a_sound_crate_passes() {
    assert_eq!(
        check_with("domain/catalogue.rs", "use super::slug;"),
        Vec::<String>::new()
    );
}

#[test]
fn domain_imports_of_storage_web_email_and_state_are_found_in_every_form() {
    let text = "//! Catalogue rules.\n\
                use crate::{db::Db, domain::slug};\n\
                pub(crate) use crate::web::{forms::{self, Form}};\n\
                #[derive(sqlx::FromRow)]\n\
                struct Row;\n\
                fn f() { let _ = ::lettre::Message::builder(); crate::state::AppState::new(); }\n\
                use axum as web_framework;\n";
    let failures = check_with("domain/catalogue.rs", text);
    let expected = [
        "src/domain/catalogue.rs:2: src/domain/ must not import storage: `crate::db::Db`",
        "src/domain/catalogue.rs:3: src/domain/ must not import web: `crate::web::forms`",
        "src/domain/catalogue.rs:3: src/domain/ must not import web: `crate::web::forms::Form`",
        "src/domain/catalogue.rs:4: src/domain/ must not import storage: `sqlx::FromRow`",
        "src/domain/catalogue.rs:6: src/domain/ must not import email: `::lettre::Message::builder`",
        "src/domain/catalogue.rs:6: src/domain/ must not import state or app: `crate::state::AppState::new`",
        "src/domain/catalogue.rs:7: src/domain/ must not import web: `axum`",
    ];
    for message in expected {
        assert!(
            failures.iter().any(|f| f == message),
            "missing {message:?} in {failures:#?}"
        );
    }
    let outside_web = failures
        .iter()
        .filter(|f| f.contains("only src/web/"))
        .count();
    assert_eq!(
        failures.len(),
        expected.len() + outside_web,
        "{failures:#?}"
    );
}

#[test]
fn comments_strings_and_lookalikes_are_not_imports() {
    let text = "// use crate::web;\n\
                /* crate::db::Db /* nested */ crate::web */\n\
                /// Unlike `crate::web::forms`, this is pure.\n\
                const SQL: &str = \"select 1 -- crate::db::x\";\n\
                const RAW: &str = r#\"use crate::web; \"quoted\"\"#;\n\
                const BRACE: char = '{';\n\
                fn f<'a>(s: &'a str) -> &'a str { let _ = Self::db(); s }\n\
                use super::slug as web;\n";
    assert_eq!(
        check_with("domain/catalogue.rs", text),
        Vec::<String>::new()
    );
}

#[test]
fn only_web_and_the_entry_points_import_web_or_app() {
    let failures = check_with("db/courses.rs", "fn f() {\n    crate::app::serve();\n}\n");
    assert_eq!(
        failures,
        [
            "src/db/courses.rs:2: only src/web/, src/app.rs, src/main.rs and src/cli.rs may import crate::web or crate::app: `crate::app::serve`"
        ]
    );
    assert_eq!(
        check_with("main.rs", "fn main() { academy::app::serve(); }"),
        Vec::<String>::new()
    );
    assert_eq!(
        check_with("cli.rs", "use crate::{app, web::router};"),
        Vec::<String>::new()
    );
}

#[test]
fn transactions_under_web_and_app_error_in_services_are_found() {
    let failures = check_with(
        "web/courses.rs",
        "async fn save(db: &Db) {\n    let tx = db.begin().await; // begin() in a comment\n    let s = \"begin()\";\n}\n",
    );
    assert_eq!(
        failures,
        ["src/web/courses.rs:2: begin() under src/web/: a service owns the transaction"]
    );
    let failures = check_with(
        "enrolment/learner.rs",
        "use crate::error::{AppError, Other};",
    );
    assert_eq!(
        failures,
        [
            "src/enrolment/learner.rs:1: a service must return its own error enum, not the web layer's: `crate::error::AppError`"
        ]
    );
}

#[test]
fn form_bodies_are_read_only_by_the_shared_extractor() {
    let text = "use axum::extract::{Form, Path};\n\
                use crate::web::forms::Form as Ours;\n\
                fn f(axum::Form(x): axum::Form<T>) {}\n\
                use axum_extra::extract::Form as Theirs;\n";
    assert_eq!(
        check_with("web/pages.rs", text),
        [
            "src/web/pages.rs:1: form bodies are read by crate::web::forms::Form: `axum::extract::Form`",
            "src/web/pages.rs:3: form bodies are read by crate::web::forms::Form: `axum::Form`",
            "src/web/pages.rs:3: form bodies are read by crate::web::forms::Form: `axum::Form`",
            "src/web/pages.rs:4: form bodies are read by crate::web::forms::Form: `axum_extra::extract::Form`",
        ]
    );
}

#[test]
fn import_cycles_are_reported_with_their_modules_and_lines() {
    let sources = [
        ("lib.rs", "pub mod enrolment;"),
        (
            "enrolment/mod.rs",
            "pub mod admin; pub mod learner; use admin::cancel;",
        ),
        (
            "enrolment/admin.rs",
            "use super::learner::{self, enrol};\npub fn cancel() {}",
        ),
        (
            "enrolment/learner.rs",
            "pub fn enrol() {}\nfn f() { crate::enrolment::admin::cancel() }",
        ),
    ];
    let failures = check(&files(&sources));
    assert_eq!(
        failures,
        [
            "import cycle between enrolment::admin, enrolment::learner: enrolment::admin -> enrolment::learner -> enrolment::admin\n      \
          src/enrolment/admin.rs:1: enrolment::admin imports enrolment::learner\n      \
          src/enrolment/learner.rs:2: enrolment::learner imports enrolment::admin"
        ]
    );
    // A parent naming its own submodules is not a cycle with them.
    assert_eq!(check(&files(&sources[..3])), Vec::<String>::new());
}

#[test]
fn a_folder_and_its_files_may_name_each_other_but_nothing_outside_may_close_the_loop() {
    let folder = [
        ("lib.rs", "pub mod config; pub mod state;"),
        (
            "config/mod.rs",
            "mod reader; mod secrets; pub use secrets::Secret; use reader::Reader;",
        ),
        ("config/reader.rs", "pub struct Reader;"),
        (
            "config/secrets.rs",
            "use super::Reader;\nuse super::reader::Reader as R;",
        ),
        ("state.rs", "use crate::config::Secret;"),
    ];
    assert_eq!(check(&files(&folder)), Vec::<String>::new());

    let mut upward = folder.to_vec();
    upward[3] = ("config/secrets.rs", "use super::Reader;\nuse crate::state;");
    assert_eq!(
        check(&files(&upward)),
        [
            "import cycle between config, config::secrets, state: config -> config::secrets -> state -> config\n      \
          src/config/mod.rs:1: config imports config::secrets\n      \
          src/config/secrets.rs:2: config::secrets imports state\n      \
          src/state.rs:1: state imports config"
        ]
    );

    // Two files of one folder importing each other are a cycle even when both also
    // use the folder's `mod.rs` and it names both.
    let mut siblings = folder.to_vec();
    siblings[2] = ("config/reader.rs", "use super::secrets::Secret;");
    let failures = check(&files(&siblings));
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].starts_with("import cycle between config::reader, config::secrets:"),
        "{failures:#?}"
    );
}

#[test]
fn a_multipart_body_is_read_only_through_the_checked_extractor() {
    let handler = "use axum::extract::Multipart;\n\
                   // Multipart in a comment, \"Multipart\" in a string, MultiPart (mail)\n\
                   async fn upload(form: axum::extract::Multipart) {}\n";
    assert_eq!(
        check_with("web/uploads.rs", handler),
        [
            "src/web/uploads.rs:1: axum's Multipart outside src/web/multipart.rs: take CheckedMultipart on an UploadRoutes route, which checks the CSRF token first",
            "src/web/uploads.rs:3: axum's Multipart outside src/web/multipart.rs: take CheckedMultipart on an UploadRoutes route, which checks the CSRF token first",
        ]
    );
    assert_eq!(
        check_with("web/multipart.rs", handler),
        Vec::<String>::new()
    );
}
