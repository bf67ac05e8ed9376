//! Checking a CPD activity as the learner typed it (self-declared entries, and the
//! reflection a learner adds to a verified one) into typed values, with a GOV.UK-style
//! message beside each field. The NMC's feedback and discussion records are in
//! `nmc_records`, re-exported here.

use chrono::NaiveDate;

use super::counting::Counted;
use super::entry::{CodeTheme, EntryKind, Flags, GmpDomain, HcpcStandard, Method, Planning};
use super::fields::Problems;
pub use super::fields::{DateParts, FieldProblem, LINE_MAX, TEXT_MAX};
use super::hours::{Hours, HoursProblem};
pub use super::nmc_records::{
    Discussion, DiscussionDraft, Feedback, FeedbackDraft, NmcPin, check_discussion, check_feedback,
};

/// The fields of the activity form in page order, for sorting an error summary.
pub const ACTIVITY_FIELDS: [&str; 17] = [
    "title",
    "provider",
    "method",
    "started_on",
    "ended_on",
    "hours",
    "participatory_hours",
    "planning",
    "topic",
    "learning_outcomes",
    "reflection_learned",
    "reflection_practice",
    "reflection_benefit",
    "code_theme",
    "hcpc_standards",
    "gmp_domains",
    "evidence",
];

/// The reflection and links a learner writes, on a self-declared entry or a verified one
/// (whose facts they cannot change), as the form sent them.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReflectionDraft<'a> {
    /// `reflection_learned`: what I learned.
    pub learned: &'a str,
    /// `reflection_practice`: how my practice changed or will change.
    pub practice: &'a str,
    /// `reflection_benefit`: how it benefits patients and service users.
    pub benefit: &'a str,
    /// `code_theme`: a [`CodeTheme`] value, or "" for none.
    pub code_theme: &'a str,
    /// `hcpc_standards`: the ticked [`HcpcStandard`] values.
    pub hcpc_standards: &'a [String],
    /// `gmp_domains`: the ticked [`GmpDomain`] values.
    pub gmp_domains: &'a [String],
}

/// A checked reflection: each part trimmed, `None` when not written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reflection {
    pub learned: Option<String>,
    pub practice: Option<String>,
    pub benefit: Option<String>,
    /// The NMC Code theme a reflective account is on.
    pub code_theme: Option<CodeTheme>,
    pub hcpc_standards: Flags<HcpcStandard>,
    pub gmp_domains: Flags<GmpDomain>,
}

impl Reflection {
    /// All three parts written: it can stand as a reflective account.
    pub fn is_complete(&self) -> bool {
        self.learned.is_some() && self.practice.is_some() && self.benefit.is_some()
    }
}

/// A self-declared activity as the form sent it. Every field is the text typed; dates
/// come as their three boxes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ActivityDraft<'a> {
    pub title: &'a str,
    pub provider: &'a str,
    /// A [`Method`] value.
    pub method: &'a str,
    pub started_on: DateParts<'a>,
    pub ended_on: DateParts<'a>,
    pub hours: &'a str,
    pub participatory_hours: &'a str,
    /// A [`Planning`] value, or "" when not said.
    pub planning: &'a str,
    /// The topic and how it relates to practice.
    pub topic: &'a str,
    pub learning_outcomes: &'a str,
    pub reflection: ReflectionDraft<'a>,
}

/// A checked self-declared activity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    pub title: String,
    pub provider: String,
    pub method: Method,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub hours: Hours,
    /// At most `hours`; 0 when none of it was with other people.
    pub participatory_hours: Hours,
    pub planning: Option<Planning>,
    pub topic: Option<String>,
    pub learning_outcomes: Option<String>,
    pub reflection: Reflection,
}

impl Activity {
    /// The draft checked against `today` (London): the activity, or every problem.
    pub fn from_draft(
        draft: &ActivityDraft<'_>,
        today: NaiveDate,
    ) -> Result<Activity, Vec<FieldProblem>> {
        let mut problems = Problems::default();
        let title = problems.line(
            "title",
            "the title",
            draft.title,
            Some("Enter the title of the activity"),
        );
        let provider = problems.line(
            "provider",
            "the provider",
            draft.provider,
            Some("Enter who provided the activity, or Self-directed"),
        );
        let method = Method::parse(draft.method.trim());
        if method.is_none() {
            problems.add("method", "Select the type of activity");
        }
        let started_on = problems.past_date(
            "started_on",
            draft.started_on,
            "the date the activity started",
            "The start date",
            today,
        );
        let ended_on = problems.past_date(
            "ended_on",
            draft.ended_on,
            "the date the activity ended",
            "The end date",
            today,
        );
        let dates = match (started_on, ended_on) {
            (Some(start), Some(end)) if end < start => {
                problems.add(
                    "ended_on",
                    "The end date must be the same as or after the start date",
                );
                None
            }
            (Some(start), Some(end)) => Some((start, end)),
            _ => None,
        };
        let hours = Hours::parse(draft.hours)
            .map_err(|p| problems.add("hours", p.message("Hours", false)))
            .ok();
        if let (Some(hours), Some((start, end))) = (hours, dates) {
            let days = (end - start).num_days() + 1;
            if hours.minutes() > days * 24 * 60 {
                problems.add("hours", most_hours_message(days));
            }
        }
        let participatory = match Hours::parse_allowing_zero(draft.participatory_hours) {
            Err(HoursProblem::Empty) => {
                problems.add(
                    "participatory_hours",
                    "Enter the participatory hours, or 0 if you did none of it with other people",
                );
                None
            }
            Err(problem) => {
                problems.add(
                    "participatory_hours",
                    problem.message("Participatory hours", true),
                );
                None
            }
            Ok(participatory) => Some(participatory),
        };
        if matches!((hours, participatory), (Some(hours), Some(participatory)) if participatory > hours)
        {
            problems.add(
                "participatory_hours",
                "Participatory hours must be no more than the total hours",
            );
        }
        let planning = match draft.planning.trim() {
            "" => Some(None),
            raw => Planning::parse(raw).map(Some),
        };
        if planning.is_none() {
            problems.add(
                "planning",
                "Select whether the activity was planned or unplanned",
            );
        }
        let topic = problems.area("topic", "the topic", draft.topic, None);
        let learning_outcomes = problems.area(
            "learning_outcomes",
            "the learning outcomes",
            draft.learning_outcomes,
            None,
        );
        let reflection = reflection_into(&mut problems, &draft.reflection);
        problems.finish(|| {
            let (started_on, ended_on) = dates?;
            Some(Activity {
                title: title?,
                provider: provider?,
                method: method?,
                started_on,
                ended_on,
                hours: hours?,
                participatory_hours: participatory?,
                planning: planning?,
                topic,
                learning_outcomes,
                reflection,
            })
        })
    }

    /// What the regulators' rules count of it (a self-declared entry always counts).
    pub fn counted(&self) -> Counted {
        Counted {
            kind: EntryKind::Activity,
            method: Some(self.method),
            started_on: self.started_on,
            ended_on: self.ended_on,
            minutes: self.hours.minutes(),
            participatory_minutes: self.participatory_hours.minutes(),
            planning: self.planning,
            reflection_complete: self.reflection.is_complete(),
            code_theme: self.reflection.code_theme,
            hcpc_standards: self.reflection.hcpc_standards,
            gmp_domains: self.reflection.gmp_domains,
            counts: true,
        }
    }
}

/// "Hours must be no more than 24 for a 1-day activity", "… 72 for a 3-day activity".
fn most_hours_message(days: i64) -> String {
    match days {
        1 => "Hours must be no more than 24 for an activity on one day".to_owned(),
        days => format!(
            "Hours must be no more than 24 for each day of the activity: {} for {days} days",
            days * 24
        ),
    }
}

/// Every problem with an activity draft, in form order (none when it can be saved).
pub fn check_activity(draft: &ActivityDraft<'_>, today: NaiveDate) -> Vec<FieldProblem> {
    Activity::from_draft(draft, today).err().unwrap_or_default()
}

impl Reflection {
    /// A reflection on its own (a verified entry's), or every problem.
    pub fn from_draft(draft: &ReflectionDraft<'_>) -> Result<Reflection, Vec<FieldProblem>> {
        let mut problems = Problems::default();
        let reflection = reflection_into(&mut problems, draft);
        problems.finish(|| Some(reflection))
    }
}

/// Every problem with a reflection draft (none when it can be saved).
pub fn check_reflection(draft: &ReflectionDraft<'_>) -> Vec<FieldProblem> {
    Reflection::from_draft(draft).err().unwrap_or_default()
}

fn reflection_into(problems: &mut Problems, draft: &ReflectionDraft<'_>) -> Reflection {
    let learned = problems.area(
        "reflection_learned",
        "what you learned",
        draft.learned,
        None,
    );
    let practice = problems.area(
        "reflection_practice",
        "how your practice changed",
        draft.practice,
        None,
    );
    let benefit = problems.area(
        "reflection_benefit",
        "how it benefits patients and service users",
        draft.benefit,
        None,
    );
    let code_theme = match draft.code_theme.trim() {
        "" => None,
        raw => CodeTheme::parse(raw).or_else(|| {
            problems.add(
                "code_theme",
                "Select one of the Code's four themes, or none",
            );
            None
        }),
    };
    let standards = draft.hcpc_standards.iter().map(String::as_str);
    let hcpc_standards = Flags::from_values(standards).unwrap_or_else(|| {
        problems.add("hcpc_standards", "Select the HCPC standards from the list");
        Flags::default()
    });
    let domains = draft.gmp_domains.iter().map(String::as_str);
    let gmp_domains = Flags::from_values(domains).unwrap_or_else(|| {
        problems.add(
            "gmp_domains",
            "Select the Good Medical Practice domains from the list",
        );
        Flags::default()
    });
    Reflection {
        learned,
        practice,
        benefit,
        code_theme,
        hcpc_standards,
        gmp_domains,
    }
}

#[cfg(test)]
mod tests;
