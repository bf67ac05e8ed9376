//! `academy create-admin`: make an account an admin, or create one, from the command line.

use crate::auth::password::{HashError, PasswordHasher};
use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::audit;
use crate::db::users::{self, LearnerType, NewUser, Role};
use crate::domain::email::Email;

/// What happened to the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminMade {
    /// An existing account became an admin (its name and password replaced).
    Promoted,
    /// A new, confirmed admin account.
    Created,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("cannot hash the password")]
    Hash(#[from] HashError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Gives `email` an admin account named `name` with `password` (already checked against
/// the password policy by the caller), in one transaction with its audit event.
pub async fn create_admin(
    ctx: Ctx<'_>,
    hasher: &PasswordHasher,
    email: &Email,
    name: &str,
    password: &str,
) -> Result<AdminMade, CreateAdminError> {
    let password_hash = hasher.hash(password).await?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let (user_id, made) = match users::find_by_email_in(&mut tx, email).await? {
        Some(user) => {
            users::promote_to_admin(
                &mut tx,
                user.user_id,
                name,
                &password_hash,
                email.as_str(),
                now,
            )
            .await?;
            (user.user_id, AdminMade::Promoted)
        }
        None => {
            let new_user = NewUser {
                email,
                password_hash: &password_hash,
                full_name: name,
                role: Role::Admin,
                organisation: "",
                job_role: "",
                professional_body: None,
                registration_number: None,
                learner_type: LearnerType::External,
                learner_type_reason: "Account created from the command line",
                email_verified_at: Some(now),
            };
            (
                users::insert(&mut tx, &new_user, now).await?,
                AdminMade::Created,
            )
        }
    };
    let action = match made {
        AdminMade::Promoted => "admin_promoted_from_command_line",
        AdminMade::Created => "admin_created_from_command_line",
    };
    audit(&mut tx, None, Some(user_id), action, "", None, now).await?;
    tx.commit().await?;
    Ok(made)
}
