//! The integration-test binary: every test spawns the real app (or binary) on its own database.

mod support;

mod accessibility;
mod account_pages;
mod accounts;
mod admin;
mod admin_cohorts;
mod admin_content;
mod admin_enrolments;
mod architecture;
mod attendance;
mod caching;
mod catalogue;
mod certificate_checks;
mod certificates;
mod cli;
mod completion;
mod content;
mod cpd_entries;
mod csrf;
mod db;
mod email;
mod enrolment;
mod enrolment_concurrency;
mod evaluation;
mod form_fields;
mod interest;
mod link_requests;
mod materials;
mod materials_admin;
mod migrations;
mod ops;
mod payments;
mod payments_provider;
mod shell;
mod sign_in_limits;
