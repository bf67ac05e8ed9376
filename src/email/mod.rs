//! Email: the mailer, the templates in `emails/`, and the outbox that delivers them.

pub mod mailer;
pub mod outbox;
pub mod templates;

pub use mailer::Mailer;
pub use templates::{OutgoingEmail, Site};
