//! The `users` table: accounts of learners and admins (the row types here; reads, writes
//! and locking reads in the files beside).

use chrono::{DateTime, NaiveDate, Utc};

pub use crate::domain::eligibility::LearnerType;
use crate::domain::email::Email;
pub use crate::domain::role::Role;
use crate::domain::search;

mod locks;
mod read;
mod write;

pub use locks::{count_active_admins, lock};
pub use read::{
    active_admins, count, count_matching, count_statement, credentials, find, find_by_email,
    find_by_email_in, find_in, password_hash, search, search_statement,
};
pub use write::{
    backfill_search_text, delete, delete_unverified_before, end_all_sessions, insert,
    promote_to_admin, record_sign_in, set_cpd_date, set_disabled, set_learner_type, set_password,
    set_pending_email, set_role, update_profile, verify_email,
};

/// Everything held about an account.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct User {
    pub user_id: i64,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub organisation: String,
    pub job_role: String,
    pub professional_body: Option<String>,
    pub registration_number: Option<String>,
    pub learner_type: LearnerType,
    pub learner_type_reason: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub pending_email: Option<String>,
    pub last_signed_in_at: Option<DateTime<Utc>>,
    /// The learner's CPD renewal (NMC, HCPC, GPhC) or appraisal (GMC) date, if given.
    pub cpd_renewal_on: Option<NaiveDate>,
    /// Whether they are emailed 90 and 30 days before it.
    pub cpd_reminders: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    pub session_epoch: i64,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    pub fn learner_type(&self) -> LearnerType {
        self.learner_type
    }
}

/// What signing in checks.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: String,
    pub session_epoch: i64,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// What a new account starts with.
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub organisation: &'a str,
    pub job_role: &'a str,
    pub professional_body: Option<&'a str>,
    pub registration_number: Option<&'a str>,
    pub learner_type: LearnerType,
    pub learner_type_reason: &'a str,
    pub email_verified_at: Option<DateTime<Utc>>,
}

/// The editable parts of a profile.
pub struct Profile<'a> {
    pub full_name: &'a str,
    pub organisation: &'a str,
    pub job_role: &'a str,
    pub professional_body: Option<&'a str>,
    pub registration_number: Option<&'a str>,
}

const USER_COLUMNS: &str = "user_id, email, full_name, role, email_verified_at, organisation, \
     job_role, professional_body, registration_number, learner_type, learner_type_reason, \
     disabled_at, pending_email, last_signed_in_at, cpd_renewal_on, cpd_reminders, created_at, \
     updated_at, session_epoch";

/// What the admin search matches: name and address, folded (any case, any accents).
fn search_text(full_name: &str, email: &str) -> String {
    search::fold(&format!("{full_name} {email}"))
}
