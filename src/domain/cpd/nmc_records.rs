//! The NMC's own records, each an entry of its own kind: a piece of practice-related
//! feedback and the reflective discussion with another NMC registrant, with the fields the
//! NMC's forms ask for.

use chrono::NaiveDate;

use super::counting::Counted;
use super::entry::{EntryKind, FeedbackSource};
use super::fields::{DateParts, FieldProblem, Problems};

/// A piece of feedback as the form sent it.
#[derive(Clone, Copy, Debug, Default)]
pub struct FeedbackDraft<'a> {
    /// `received_on`: the date it was received.
    pub received_on: DateParts<'a>,
    /// `source`: a [`FeedbackSource`] value.
    pub source: &'a str,
    /// `source_other`: who it came from, needed when the source is "other".
    pub source_other: &'a str,
    /// `about`: what the feedback was about.
    pub about: &'a str,
    /// `how_used`: how you used it to improve your practice.
    pub how_used: &'a str,
}

/// A checked piece of practice-related feedback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    pub received_on: NaiveDate,
    pub source: FeedbackSource,
    /// Only with [`FeedbackSource::Other`].
    pub source_other: Option<String>,
    pub about: String,
    pub how_used: String,
}

/// The feedback form's fields in page order.
pub const FEEDBACK_FIELDS: [&str; 5] =
    ["received_on", "source", "source_other", "about", "how_used"];

impl Feedback {
    /// The draft checked against `today`: the feedback, or every problem.
    pub fn from_draft(
        draft: &FeedbackDraft<'_>,
        today: NaiveDate,
    ) -> Result<Feedback, Vec<FieldProblem>> {
        let mut problems = Problems::default();
        let received_on = problems.past_date(
            "received_on",
            draft.received_on,
            "the date you received the feedback",
            "The date you received the feedback",
            today,
        );
        let source = FeedbackSource::parse(draft.source.trim());
        if source.is_none() {
            problems.add("source", "Select who the feedback came from");
        }
        let source_other = match source {
            Some(FeedbackSource::Other) => problems.line(
                "source_other",
                "who the feedback came from",
                draft.source_other,
                Some("Enter who the feedback came from"),
            ),
            _ => None,
        };
        let about = problems.area(
            "about",
            "what the feedback was about",
            draft.about,
            Some("Enter what the feedback was about"),
        );
        let how_used = problems.area(
            "how_used",
            "how you used the feedback",
            draft.how_used,
            Some("Enter how you used the feedback to improve your practice"),
        );
        problems.finish(|| {
            Some(Feedback {
                received_on: received_on?,
                source: source?,
                source_other,
                about: about?,
                how_used: how_used?,
            })
        })
    }

    /// What the regulators' rules count of it: one piece of feedback on its date.
    pub fn counted(&self) -> Counted {
        Counted::record(EntryKind::Feedback, self.received_on)
    }
}

/// Every problem with a feedback draft, in form order.
pub fn check_feedback(draft: &FeedbackDraft<'_>, today: NaiveDate) -> Vec<FieldProblem> {
    Feedback::from_draft(draft, today).err().unwrap_or_default()
}

/// An NMC PIN: 2 digits, a letter, 4 digits and a letter ("12A3456E"), kept upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NmcPin(String);

impl NmcPin {
    /// Reads a PIN as typed: any case, spaces ignored ("12a 3456e" is "12A3456E").
    pub fn parse(raw: &str) -> Option<NmcPin> {
        let pin: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let shape = "99A9999A";
        let fits = pin.len() == shape.len()
            && pin.chars().zip(shape.chars()).all(|(c, s)| match s {
                '9' => c.is_ascii_digit(),
                _ => c.is_ascii_uppercase(),
            });
        fits.then_some(NmcPin(pin))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for NmcPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A reflective discussion as the form sent it.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiscussionDraft<'a> {
    /// `held_on`: the date of the discussion.
    pub held_on: DateParts<'a>,
    /// `partner_name`: the other NMC registrant's name.
    pub partner_name: &'a str,
    /// `partner_pin`: their NMC PIN.
    pub partner_pin: &'a str,
    /// `about`: what you discussed.
    pub about: &'a str,
}

/// A checked reflective discussion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discussion {
    pub held_on: NaiveDate,
    pub partner_name: String,
    pub partner_pin: NmcPin,
    pub about: String,
}

/// The discussion form's fields in page order.
pub const DISCUSSION_FIELDS: [&str; 4] = ["held_on", "partner_name", "partner_pin", "about"];

impl Discussion {
    /// The draft checked against `today`: the discussion, or every problem.
    pub fn from_draft(
        draft: &DiscussionDraft<'_>,
        today: NaiveDate,
    ) -> Result<Discussion, Vec<FieldProblem>> {
        let mut problems = Problems::default();
        let held_on = problems.past_date(
            "held_on",
            draft.held_on,
            "the date of the discussion",
            "The date of the discussion",
            today,
        );
        let partner_name = problems.line(
            "partner_name",
            "their name",
            draft.partner_name,
            Some("Enter the name of the NMC registrant you had the discussion with"),
        );
        let partner_pin = match draft.partner_pin.trim() {
            "" => {
                problems.add("partner_pin", "Enter their NMC PIN");
                None
            }
            raw => NmcPin::parse(raw).or_else(|| {
                problems.add(
                    "partner_pin",
                    "Enter their NMC PIN in the right format: 2 numbers, a letter, 4 numbers and a letter, like 12A3456E",
                );
                None
            }),
        };
        let about = problems.area(
            "about",
            "what you discussed",
            draft.about,
            Some("Enter what you discussed"),
        );
        problems.finish(|| {
            Some(Discussion {
                held_on: held_on?,
                partner_name: partner_name?,
                partner_pin: partner_pin?,
                about: about?,
            })
        })
    }

    /// What the regulators' rules count of it: one discussion on its date.
    pub fn counted(&self) -> Counted {
        Counted::record(EntryKind::ReflectiveDiscussion, self.held_on)
    }
}

/// Every problem with a reflective discussion draft, in form order.
pub fn check_discussion(draft: &DiscussionDraft<'_>, today: NaiveDate) -> Vec<FieldProblem> {
    Discussion::from_draft(draft, today)
        .err()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
