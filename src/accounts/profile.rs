//! A person's profile details: what they may be, and saving a change to them.

use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::audit_own;
use crate::db::users::{self, Profile, User};

/// The professional bodies offered, as (value, label).
pub const PROFESSIONAL_BODIES: [(&str, &str); 6] = [
    ("NMC", "Nursing and Midwifery Council (NMC)"),
    ("GMC", "General Medical Council (GMC)"),
    ("HCPC", "Health and Care Professions Council (HCPC)"),
    ("GPhC", "General Pharmaceutical Council (GPhC)"),
    ("other", "Another professional body"),
    ("none", "None"),
];

/// Checked profile details (the web layer's form parsing makes them).
#[derive(Clone, Debug)]
pub struct ProfileDetails {
    pub full_name: String,
    pub organisation: String,
    pub job_role: String,
    /// One of [`PROFESSIONAL_BODIES`]' values other than `none`.
    pub professional_body: Option<&'static str>,
    /// Only with a professional body.
    pub registration_number: Option<String>,
}

impl ProfileDetails {
    pub fn as_profile(&self) -> Profile<'_> {
        Profile {
            full_name: &self.full_name,
            organisation: &self.organisation,
            job_role: &self.job_role,
            professional_body: self.professional_body,
            registration_number: self.registration_number.as_deref(),
        }
    }
}

/// Saving profile details failed.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Saves `details` as `user`'s profile, with its audit event.
pub async fn save_profile(
    ctx: Ctx<'_>,
    user: &User,
    details: &ProfileDetails,
) -> Result<(), ProfileError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    users::update_profile(
        &mut tx,
        user.user_id,
        &user.email,
        &details.as_profile(),
        now,
    )
    .await?;
    audit_own(&mut tx, user.user_id, "profile_changed", None, now).await?;
    tx.commit().await?;
    Ok(())
}
