//! The layer rules of ARCHITECTURE.md that can be read off the source: what `domain/`
//! may import, who may import `web` and `app`, no transactions in `web/`, services
//! without the web layer's `AppError`, axum's `Multipart` only inside the CSRF-checking
//! extractor, form bodies read only by `web::forms::Form`, and no import cycle
//! (`architecture/cycles.rs`).
//!
//! The check reads every file under `src/` (`architecture/source.rs` says how paths are
//! found); `architecture/checker.rs` tests it on made-up crates. Each failure names the
//! file and line.

mod checker;
mod cycles;
pub mod lexer;
mod source;

use std::collections::BTreeSet;
use std::path::Path;

use cycles::{Graph, cycles};
use source::{File, ModulePath, Target, module_containing, module_of, references};

/// What `src/domain/` must not import, by layer: modules of this crate and other crates.
const DOMAIN_MUST_NOT_IMPORT: &[(&str, &[&str], &[&str])] = &[
    ("storage", &["db"], &["sqlx"]),
    (
        "web",
        &["web"],
        &[
            "axum",
            "axum_extra",
            "askama",
            "tower",
            "tower_http",
            "tower_sessions",
        ],
    ),
    ("email", &["email"], &["lettre"]),
    ("state or app", &["state", "app"], &[]),
];

/// The only files that may import `crate::web` or `crate::app`.
fn may_import_web_and_app(path: &str) -> bool {
    path.starts_with("web/") || matches!(path, "app.rs" | "main.rs" | "cli.rs")
}

/// Services answer with their own error enums; `AppError` is the web layer's.
const SERVICES: &[&str] = &[
    "accounts",
    "catalogue",
    "certificates",
    "content",
    "enrolment",
    "jobs",
    "learning",
    "seed",
];

/// Write-path services take a narrow context (`context::Ctx` or their own), never the
/// whole `AppState`; only the entry points of jobs and the demo seed hold the state.
const NARROW_SERVICES: &[&str] = &[
    "accounts",
    "catalogue",
    "certificates",
    "content",
    "enrolment",
    "learning",
];

/// The one file that may name axum's `Multipart`: `CheckedMultipart` checks the CSRF token
/// in the first part before a handler sees any other.
const MULTIPART_EXTRACTOR: &str = "web/multipart.rs";
/// Form extractors whose rejection is a bare 422 (or 400) and that read a missing field
/// however the struct says: every form body is read by `web::forms::Form` instead.
const OTHER_FORM_EXTRACTORS: &[&str] = &[
    "axum::Form",
    "axum::extract::Form",
    "axum::form::Form",
    "axum_extra::extract::Form",
    "axum_extra::extract::form::Form",
];

/// Every file under `src/`, paths relative to it with `/` separators.
fn read_sources(dir: &Path, under: &str, files: &mut Vec<File>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let relative = if under.is_empty() {
            name.clone()
        } else {
            format!("{under}/{name}")
        };
        if path.is_dir() {
            read_sources(&path, &relative, files);
        } else if name.ends_with(".rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{relative}: {e}"));
            files.push(File {
                path: relative,
                text,
            });
        }
    }
}

fn show(module: &ModulePath) -> String {
    if module.is_empty() {
        "crate".into()
    } else {
        module.join("::")
    }
}

/// Every broken rule in `files` (paths relative to `src/`), one message each.
pub fn check(files: &[File]) -> Vec<String> {
    let modules: BTreeSet<ModulePath> = files.iter().filter_map(|f| module_of(&f.path)).collect();
    let mut failures = Vec::new();
    let mut graph = Graph::new();
    for file in files {
        let here = module_of(&file.path).unwrap_or_else(|| vec!["main".to_owned()]);
        let at = |line: usize| format!("src/{}:{line}", file.path);
        graph.entry(here.clone()).or_default();
        for reference in references(file, &modules, "academy") {
            let (module, external) = match &reference.target {
                Target::Crate(path) => (Some(module_containing(path, &modules)), None),
                Target::External(name) => (None, Some(name.as_str())),
            };
            let top = match &reference.target {
                Target::Crate(path) => path.first().map(String::as_str),
                Target::External(_) => None,
            };
            if file.path.starts_with("domain/") {
                for (layer, ours, theirs) in DOMAIN_MUST_NOT_IMPORT {
                    if top.is_some_and(|t| ours.contains(&t))
                        || external.is_some_and(|e| theirs.contains(&e))
                    {
                        failures.push(format!(
                            "{}: src/domain/ must not import {layer}: `{}`",
                            at(reference.line),
                            reference.written
                        ));
                    }
                }
            }
            if matches!(top, Some("web" | "app")) && !may_import_web_and_app(&file.path) {
                failures.push(format!(
                    "{}: only src/web/, src/app.rs, src/main.rs and src/cli.rs may import crate::web or crate::app: `{}`",
                    at(reference.line),
                    reference.written
                ));
            }
            let is_service = here.first().is_some_and(|m| SERVICES.contains(&m.as_str()));
            let names_app_error = matches!(&reference.target, Target::Crate(p) if p.len() >= 2 && p[0] == "error" && p[1] == "AppError");
            if is_service && names_app_error {
                failures.push(format!(
                    "{}: a service must return its own error enum, not the web layer's: `{}`",
                    at(reference.line),
                    reference.written
                ));
            }
            let is_narrow = here
                .first()
                .is_some_and(|m| NARROW_SERVICES.contains(&m.as_str()));
            if is_narrow && top == Some("state") {
                failures.push(format!(
                    "{}: a service takes a narrow context, not the application state: `{}`",
                    at(reference.line),
                    reference.written
                ));
            }
            if OTHER_FORM_EXTRACTORS.contains(&reference.written.as_str()) {
                failures.push(format!(
                    "{}: form bodies are read by crate::web::forms::Form: `{}`",
                    at(reference.line),
                    reference.written
                ));
            }
            // The root only declares modules (and holds exported macros).
            let Some(module) = module else { continue };
            if module.is_empty() || module == here {
                continue;
            }
            let edges = graph.entry(here.clone()).or_default();
            edges
                .entry(module)
                .or_insert_with(|| (file.path.clone(), reference.line));
        }
        let tokens = lexer::tokens(&lexer::blank_comments_and_literals(&file.text));
        if file.path != MULTIPART_EXTRACTOR {
            for token in tokens.iter().filter(|t| t.text == "Multipart") {
                failures.push(format!(
                    "{}: axum's Multipart outside src/{MULTIPART_EXTRACTOR}: take CheckedMultipart on an UploadRoutes route, which checks the CSRF token first",
                    at(token.line)
                ));
            }
        }
        if file.path.starts_with("web/") {
            for pair in tokens.windows(2) {
                if pair[0].text == "begin" && pair[1].text == "(" {
                    failures.push(format!(
                        "{}: begin() under src/web/: a service owns the transaction",
                        at(pair[0].line)
                    ));
                }
            }
        }
    }
    for cycle in cycles(&graph) {
        let modules: Vec<String> = cycle.iter().map(show).collect();
        let steps: Vec<String> = cycle
            .iter()
            .zip(cycle.iter().cycle().skip(1))
            .map(|(from, to)| {
                let (path, line) = &graph[from][to];
                format!("src/{path}:{line}: {} imports {}", show(from), show(to))
            })
            .collect();
        failures.push(format!(
            "import cycle between {}: {} -> {}\n      {}",
            modules.join(", "),
            modules.join(" -> "),
            modules[0],
            steps.join("\n      ")
        ));
    }
    failures
}

#[test]
fn the_source_follows_the_layer_rules() {
    let mut files = Vec::new();
    read_sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "",
        &mut files,
    );
    assert!(files.len() > 50, "read the source: {} files", files.len());
    let failures = check(&files);
    assert!(
        failures.is_empty(),
        "{} architecture rule(s) broken:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
