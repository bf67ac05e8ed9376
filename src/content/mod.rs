//! Content services: every write to investigation reports, news, events and blog posts, the
//! home page's text blocks and uploaded files, each in one transaction with its audit event.
//!
//! Callers (admin pages today, an API or the CLI later) check the form's text into the typed
//! input these take, pass `state.ctx()` and the admin's id and client address, and map the
//! error enum each returns.

pub mod home;
pub mod posts;
pub mod publishable;
pub mod reports;
pub mod uploads;

pub use publishable::{Kind, Publication, PublishableError};
