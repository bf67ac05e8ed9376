//! Registering: a new learner account with its verification link, or, for an address that
//! already has an account, a mail telling its owner; both answer the same.

use chrono::{DateTime, Utc};

use super::links::{LinkError, send_verification};
use super::mails::{self, MailError};
use super::profile::ProfileDetails;
use crate::auth::password::{HashError, PasswordHasher};
use crate::context::Ctx;
use crate::db::audit::{audit, audit_own};
use crate::db::users::{self, LearnerType, NewUser, Role, User};
use crate::db::{DbError, Tx};
use crate::domain::email::Email;
use crate::email::templates::RegistrationAttempt;
use crate::paths;

/// A checked registration form.
pub struct NewAccount {
    pub email: Email,
    pub profile: ProfileDetails,
}

/// Why registering failed (nothing a person can be told: the answer is always "check your
/// email").
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Link(#[from] LinkError),
}

/// Registers `account` from `client`, or tells the address's owner someone tried.
pub async fn register(
    ctx: Ctx<'_>,
    hasher: &PasswordHasher,
    client: &str,
    account: &NewAccount,
    password: &str,
) -> Result<(), RegisterError> {
    // Hash before looking the address up, so both outcomes take as long.
    let password_hash = hasher.hash(password).await?;
    match create_or_notify(ctx, account, &password_hash, client).await {
        // Someone registered the same address a moment ago: now it is an existing account.
        Err(RegisterError::Db(DbError::UniqueViolation(_))) => {
            create_or_notify(ctx, account, &password_hash, client).await
        }
        other => other,
    }
}

/// A new account with its verification mail, or, for an address that has an account, a
/// mail telling its owner (at most one an hour).
async fn create_or_notify(
    ctx: Ctx<'_>,
    account: &NewAccount,
    password_hash: &str,
    client: &str,
) -> Result<(), RegisterError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    match users::find_by_email_in(&mut tx, &account.email).await? {
        Some(existing) => {
            tell_the_owner(&mut tx, ctx, &existing, &account.email, client, now).await?
        }
        None => {
            let profile = account.profile.as_profile();
            let new_user = NewUser {
                email: &account.email,
                password_hash,
                full_name: profile.full_name,
                role: Role::Learner,
                organisation: profile.organisation,
                job_role: profile.job_role,
                professional_body: profile.professional_body,
                registration_number: profile.registration_number,
                learner_type: LearnerType::External,
                learner_type_reason: "Decided when the email address is confirmed",
                email_verified_at: None,
            };
            let user_id = users::insert(&mut tx, &new_user, now).await?;
            let name = &account.profile.full_name;
            send_verification(&mut tx, ctx, user_id, name, &account.email, false, now).await?;
            audit_own(&mut tx, user_id, "registered", Some(client), now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The "already registered" mail: a sign-in and a reset link, never a verification one.
async fn tell_the_owner(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    existing: &User,
    email: &Email,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(), RegisterError> {
    let mail = RegistrationAttempt {
        name: existing.full_name.clone(),
        sign_in_url: ctx.site.url(paths::login()),
        reset_url: ctx.site.url(paths::forgot_password()),
    };
    let key = format!(
        "registration_attempt:{}:{}",
        existing.user_id,
        now.format("%Y-%m-%dT%H")
    );
    mails::send(tx, ctx, email, existing.user_id, key, &mail, now).await?;
    let subject = Some(existing.user_id);
    let action = "registration_attempt_existing";
    audit(tx, None, subject, action, "", Some(client), now).await?;
    Ok(())
}
