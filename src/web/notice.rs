//! Banner messages after a redirect, chosen by a fixed name in `?notice=`.

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
    SavedNothingToTell,
    SavedLearnersTold,
    InterestSaved,
    InterestCheckEmail,
    InterestTooMany,
    Paid,
    CheckoutFailed,
    CheckoutClosed,
    PlaceCancelled,
    OfferDeclined,
    EnrolmentUpdated,
    MaterialAdded,
    MaterialAnnounced,
    MaterialWillBeAnnounced,
    MaterialDeleted,
    AttendanceSaved,
    CompletionRecorded,
    EvaluationSent,
    CertificateRevoked,
    CertificateReissued,
}

impl Notice {
    const ALL: [(Notice, &'static str, &'static str); 29] = [
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
            Notice::SavedNothingToTell,
            "saved-nothing-to-tell",
            "Your changes have been saved. The dates, sessions and delivery notes are as they were, so nobody was emailed.",
        ),
        (
            Notice::SavedLearnersTold,
            "saved-learners-told",
            "Your changes have been saved, and the confirmed learners are being emailed what changed, with the updated calendar.",
        ),
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
        (
            Notice::MaterialAdded,
            "material-added",
            "The material has been saved.",
        ),
        (
            Notice::MaterialAnnounced,
            "material-announced",
            "The material has been saved, and we are emailing the cohort's confirmed learners about it.",
        ),
        (
            Notice::MaterialWillBeAnnounced,
            "material-will-be-announced",
            "The material has been saved. We will email the cohort's confirmed learners when it becomes available.",
        ),
        (
            Notice::MaterialDeleted,
            "material-deleted",
            "The material has been deleted. Learners no longer see it.",
        ),
        (
            Notice::AttendanceSaved,
            "attendance-saved",
            "The register has been saved.",
        ),
        (
            Notice::CompletionRecorded,
            "completion-recorded",
            "Recorded, and each learner emailed.",
        ),
        (
            Notice::EvaluationSent,
            "evaluation-sent",
            "Thank you: your evaluation has been sent.",
        ),
        (
            Notice::CertificateRevoked,
            "certificate-revoked",
            "The certificate has been revoked. Its public page now says so.",
        ),
        (
            Notice::CertificateReissued,
            "certificate-reissued",
            "A new certificate has been issued and the learner emailed. The old one's page now says it was replaced and links here.",
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
