//! Learning in a cohort: the materials confirmed learners are given (files, links and
//! notes, each available from a time), and announcing a new one to the cohort by email.
//!
//! Each action is one function that owns its transaction, its audit event and its mail,
//! and returns its own error enum; pages, jobs and the demo seed call the same one.

pub mod announce;
pub mod mails;
pub mod materials;

pub use materials::MaterialError;
