//! Account steps shared by several pages: issuing a link with its email, the audit trail,
//! and the fixed notices shown after a redirect.

use chrono::{DateTime, Duration, Utc};

use crate::app::AppState;
use crate::auth::keys::new_token;
use crate::db::Tx;
use crate::db::audit::{self, AuditEvent};
use crate::db::tokens::{self, Purpose};
use crate::domain::email::Email;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::{OutgoingEmail, PasswordReset, VerifyEmail};
use crate::error::AppError;

pub const VERIFY_FOR: Duration = Duration::hours(24);
pub const RESET_FOR: Duration = Duration::hours(1);

/// Creates a verification link for `email` (the account's address, or a new one it is
/// changing to) and queues the mail carrying it, in `tx`.
pub async fn send_verification(
    tx: &mut Tx,
    state: &AppState,
    user_id: i64,
    name: &str,
    email: &Email,
    changing_address: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let link = Link {
        user_id,
        purpose: Purpose::VerifyEmail,
        email,
        valid_for: VERIFY_FOR,
    };
    send_link(tx, state, link, now, |verify_url| VerifyEmail {
        name: name.to_owned(),
        verify_url,
        changing_address,
    })
    .await
}

/// Creates a password-reset link and queues the mail carrying it, in `tx`.
pub async fn send_reset(
    tx: &mut Tx,
    state: &AppState,
    user_id: i64,
    name: &str,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let link = Link {
        user_id,
        purpose: Purpose::ResetPassword,
        email,
        valid_for: RESET_FOR,
    };
    send_link(tx, state, link, now, |reset_url| PasswordReset {
        name: name.to_owned(),
        reset_url,
    })
    .await
}

struct Link<'a> {
    user_id: i64,
    purpose: Purpose,
    email: &'a Email,
    valid_for: Duration,
}

/// Stores a fresh token's hash and queues the mail `make` writes around its URL.
async fn send_link<M: OutgoingEmail>(
    tx: &mut Tx,
    state: &AppState,
    link: Link<'_>,
    now: DateTime<Utc>,
    make: impl FnOnce(String) -> M,
) -> Result<(), AppError> {
    let (token, hash) = new_token();
    let expires_at = now + link.valid_for;
    let token_id = tokens::insert(
        tx,
        link.user_id,
        link.purpose,
        &hash,
        link.email.as_str(),
        expires_at,
        now,
    )
    .await?;
    let site = state.site();
    let mail = make(site.url(&format!("{}{token}", link.purpose.path())));
    let key = format!("{}:{token_id}", M::KIND);
    let envelope = Envelope {
        to: link.email,
        user_id: Some(link.user_id),
        idempotency_key: key,
    };
    queue(tx, &site, &envelope, &mail, now).await?;
    Ok(())
}

/// Records `action` by `actor` on `subject` in `tx`.
pub async fn audit(
    tx: &mut Tx,
    actor: Option<i64>,
    subject: Option<i64>,
    action: &str,
    detail: &str,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let event = AuditEvent {
        actor_user_id: actor,
        subject_user_id: subject,
        action,
        detail,
        client_address: client,
    };
    Ok(audit::record(tx, &event, now).await?)
}

/// Records something a user did to their own account.
pub async fn audit_own(
    tx: &mut Tx,
    user_id: i64,
    action: &str,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    audit(tx, Some(user_id), Some(user_id), action, "", client, now).await
}

/// Records something an admin did that concerns no single account (courses, cohorts, mail).
pub async fn audit_admin(
    tx: &mut Tx,
    admin_id: i64,
    action: &str,
    detail: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    audit(tx, Some(admin_id), None, action, detail, Some(client), now).await
}

/// Messages shown in a banner after a redirect, chosen by a fixed name in `?notice=`, so a
/// link can never make the site say something else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    EmailConfirmed,
    PasswordReset,
    PasswordChanged,
    SignedOutEverywhere,
    ProfileSaved,
    EmailChangeSent,
    VerificationSent,
    TooManyEmails,
    Saved,
    InterestSaved,
    InterestCheckEmail,
    InterestTooMany,
    Paid,
    CheckoutFailed,
    CheckoutClosed,
    PlaceCancelled,
    OfferDeclined,
    EnrolmentUpdated,
}

impl Notice {
    const ALL: [(Notice, &'static str, &'static str); 18] = [
        (
            Notice::InterestSaved,
            "interest-saved",
            "You are on the list. We will email you once, when a new cohort opens.",
        ),
        (
            Notice::InterestCheckEmail,
            "interest-check-email",
            "Check your email: open the link we sent to confirm that you want to hear about this course.",
        ),
        (
            Notice::InterestTooMany,
            "interest-too-many",
            "There have been too many requests from your network. Try again in a minute.",
        ),
        (
            Notice::EmailConfirmed,
            "email-confirmed",
            "Your email address is confirmed.",
        ),
        (
            Notice::PasswordReset,
            "password-reset",
            "Your password has been changed and you are signed in. You have been signed out on every other device.",
        ),
        (
            Notice::PasswordChanged,
            "password-changed",
            "Your password has been changed. You have been signed out on every other device.",
        ),
        (
            Notice::SignedOutEverywhere,
            "signed-out-everywhere",
            "You have been signed out on every device.",
        ),
        (
            Notice::ProfileSaved,
            "profile-saved",
            "Your details have been saved.",
        ),
        (
            Notice::EmailChangeSent,
            "email-change-sent",
            "We have sent a link to your new email address. Your address changes when you open it.",
        ),
        (
            Notice::VerificationSent,
            "verification-sent",
            "We have sent you a new link to confirm your email address.",
        ),
        (
            Notice::TooManyEmails,
            "too-many-emails",
            "We have sent several emails recently. Check your inbox and spam folder, or try again in an hour.",
        ),
        (Notice::Saved, "saved", "Your changes have been saved."),
        (
            Notice::Paid,
            "paid",
            "Thank you. Your place is confirmed as soon as the card payment service tells us the payment went through, usually within a minute; we email you then.",
        ),
        (
            Notice::CheckoutFailed,
            "checkout-failed",
            "We could not reach the card payment service. Your place is still held: try again in a few minutes.",
        ),
        (
            Notice::CheckoutClosed,
            "checkout-closed",
            "Your held place ends in a few minutes, too soon to start a new card payment. If you have just paid, your place will be confirmed shortly; if not, the place will be released.",
        ),
        (
            Notice::PlaceCancelled,
            "place-cancelled",
            "Cancelled. We have emailed you to confirm.",
        ),
        (
            Notice::OfferDeclined,
            "offer-declined",
            "You have declined the place. It will be offered to the next person waiting.",
        ),
        (
            Notice::EnrolmentUpdated,
            "enrolment-updated",
            "The enrolment has been updated and the learner emailed.",
        ),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(n, ..)| *n == self)
            .map_or("", |(_, name, _)| name)
    }

    /// The banner text for `?notice=name`, if it names one.
    pub fn message_for(name: Option<&str>) -> Option<String> {
        let name = name?;
        Self::ALL
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(.., message)| (*message).to_owned())
    }
}

/// Query string carrying a notice name.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

impl NoticeQuery {
    pub fn banner(&self) -> Option<String> {
        Notice::message_for(self.notice.as_deref())
    }
}
