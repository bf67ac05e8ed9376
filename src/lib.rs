//! Academy: course enrolment and learning for healthcare safety education.
#![forbid(unsafe_code)]

/// Account services: every write to an account, and the admins' actions on accounts.
pub mod accounts;
/// Router assembly with its layers, and the server loop.
pub mod app;
/// Authentication: password hashing (sessions and extractors build on it).
pub mod auth;
/// iCalendar files for cohorts' live sessions.
pub mod calendar;
/// The catalogue's write paths: courses, cohorts and the interest list.
pub mod catalogue;
/// Certificates: issuing, checking, revoking and reissuing, and their page and PDF.
pub mod certificates;
/// The command line: serve, migrate, create-admin, seed-demo.
pub mod cli;
/// The one source of "now", movable in tests.
pub mod clock;
/// Configuration from the environment, validated all at once.
pub mod config;
/// Content services: reports, posts, the home page's text and uploads.
pub mod content;
/// The narrow context services take: storage, clock, links.
pub mod context;
/// The CPD record's write paths: learners' own entries and the verified ones from certificates.
pub mod cpd;
/// Storage on SQLite or PostgreSQL behind one set of queries.
pub mod db;
/// Pure rules and parse-validated values.
pub mod domain;
/// Email: templates, the outbox and its delivery.
pub mod email;
/// Enrolment workflows: places, holds, payments, the waiting list and cancellations.
pub mod enrolment;
/// `AppError` and the status page each failure becomes.
pub mod error;
/// Background jobs on timers, runnable on demand.
pub mod jobs;
/// Learning in a cohort: materials, attendance registers, course evaluations and completion.
pub mod learning;
/// Markdown written by admins, turned into HTML that is safe to put on a page.
pub mod markdown;
/// Prometheus metrics.
pub mod metrics;
/// Every internal address, built in one place.
pub mod paths;
/// Card payments through a hosted checkout provider.
pub mod payments;
/// Tagged, accessible PDFs (the certificate, the CPD record): fonts, line layout, writing.
pub mod pdf;
/// The in-memory read model of published content the public pages render from.
pub mod published;
/// Values read in the last second, used again while this process writes nothing.
pub mod recent;
/// The admin lists' totals read in the last second.
pub mod recent_counts;
/// Demo accounts and content.
pub mod seed;
pub mod single_flight;
/// `AppState`: the handles requests, jobs and commands share.
pub mod state;
/// Pages and endpoints.
pub mod web;
