//! Certificates: issued on completion with every printed fact snapshotted, checked by
//! anyone at a public address, revoked or reissued by admins, rendered as a page and as a
//! tagged PDF.
//!
//! Each write is one function that owns its transaction (or, for [`issue_in`], runs in
//! the completion's), its audit event and its mail, and returns [`CertificateError`].

pub mod checks;
pub mod document;
pub mod issue;
pub mod mails;
pub mod pdf;
pub mod qr;
pub mod revoke;

pub use issue::{IssuedCertificate, issue_in};
pub use revoke::{Reissue, Revocation, reissue, revoke};

use crate::db::DbError;

/// The admin making a change, and the client address it came from (for the audit trail).
#[derive(Clone, Copy, Debug)]
pub struct Admin<'a> {
    pub user_id: i64,
    pub client: &'a str,
}

/// Why a certificate was not issued, revoked or reissued.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// No such enrolment (issuing) or certificate (revoking, reissuing).
    #[error("no such certificate or enrolment")]
    NotFound,
    /// Only a valid certificate can be revoked or replaced.
    #[error("this certificate has already been revoked or replaced")]
    NotValid,
    /// The holder deleted their account: there is no profile to print a new copy from.
    #[error("the holder's account was closed, so a new certificate cannot be issued")]
    HolderGone,
    /// The enrolment already has a valid certificate.
    #[error("this enrolment already has a certificate")]
    AlreadyIssued,
    /// The email could not be rendered or queued.
    #[error("the certificate email could not be queued")]
    Mail(#[source] anyhow::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}
