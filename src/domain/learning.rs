//! Learning in a cohort: attendance marks, evaluation ratings, and each course's completion
//! rule with the reasons a learner does not meet it.

use std::fmt;

use super::enrolment::Status;

labelled_enum!(Mark {
    Present = "present", "Present";
    Absent = "absent", "Absent";
    Excused = "excused", "Excused";
});

labelled_enum!(CompletionRule {
    Attendance = "attendance", "Attending enough of the live sessions";
    AdminDecides = "admin", "An admin decides for each learner";
});

/// The learner took part in the cohort: a confirmed place, or one marked completed or not.
/// They are on its registers, and their evaluation is asked for.
pub fn took_part(status: Status) -> bool {
    matches!(
        status,
        Status::Confirmed | Status::Completed | Status::NotCompleted
    )
}

/// [`took_part`]'s states, for queries: a cohort's register.
pub const TOOK_PART_SQL: &str = "('confirmed', 'completed', 'not_completed')";

/// Ratings on the evaluation: 1 (not at all) to 5 (fully).
pub const RATINGS: [i64; 5] = [1, 2, 3, 4, 5];

/// A rating as sent by a form: "1" to "5", nothing else.
pub fn rating(raw: &str) -> Option<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| RATINGS.contains(n))
}

/// What a rating means, for the form and the results.
pub fn rating_label(rating: i64) -> &'static str {
    match rating {
        1 => "1: not at all",
        2 => "2: a little",
        3 => "3: partly",
        4 => "4: mostly",
        5 => "5: fully",
        _ => "",
    }
}

/// What an overall rating means.
pub fn overall_label(rating: i64) -> &'static str {
    match rating {
        1 => "1: poor",
        2 => "2: fair",
        3 => "3: good",
        4 => "4: very good",
        5 => "5: excellent",
        _ => "",
    }
}

/// Which marks need a note: an excused absence says why.
pub fn note_required(mark: Mark) -> bool {
    mark == Mark::Excused
}

/// How a course decides who completed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub rule: CompletionRule,
    /// Live sessions a learner must attend; `None` means all of them.
    pub sessions_required: Option<i64>,
    /// The evaluation must be done before completion (and so before the certificate).
    pub evaluation_required: bool,
}

impl Requirement {
    /// Sessions needed out of `sessions`: the course's number, never more than the cohort
    /// has (a course asking for 4 of a 3-session cohort needs all 3).
    pub fn sessions_needed(&self, sessions: i64) -> i64 {
        self.sessions_required
            .map_or(sessions, |n| n.min(sessions))
            .max(0)
    }
}

/// Where one learner stands: sessions attended (marked present) of the cohort's
/// sessions, and whether they sent the evaluation. An excused absence is not attendance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub sessions: i64,
    pub attended: i64,
    pub evaluation_done: bool,
}

/// A reason a learner does not meet the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortfall {
    Attendance {
        attended: i64,
        sessions: i64,
        needed: i64,
    },
    EvaluationNotDone,
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shortfall::Attendance {
                attended,
                sessions,
                needed,
            } => write!(f, "attended {attended} of {sessions}, needs {needed}"),
            Shortfall::EvaluationNotDone => f.write_str("evaluation not done"),
        }
    }
}

/// What the rule says about one learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Meets the rule: "mark everyone who meets the rule" completes them.
    Completes,
    /// Does not meet it, for these reasons.
    DoesNotComplete(Vec<Shortfall>),
    /// The course leaves it to an admin; a required evaluation not done is still shown.
    AdminDecides(Vec<Shortfall>),
}

impl Verdict {
    /// "attended 3 of 4, needs 4; evaluation not done".
    pub fn reasons(&self) -> String {
        let shortfalls = match self {
            Verdict::Completes => return String::new(),
            Verdict::DoesNotComplete(s) | Verdict::AdminDecides(s) => s,
        };
        shortfalls
            .iter()
            .map(Shortfall::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The rule applied to one learner.
pub fn assess(requirement: &Requirement, progress: &Progress) -> Verdict {
    let mut shortfalls = Vec::new();
    if requirement.rule == CompletionRule::Attendance {
        let needed = requirement.sessions_needed(progress.sessions);
        if progress.attended < needed {
            shortfalls.push(Shortfall::Attendance {
                attended: progress.attended,
                sessions: progress.sessions,
                needed,
            });
        }
    }
    if let Some(blocked) = blocks_completion(requirement, progress) {
        shortfalls.push(blocked);
    }
    match requirement.rule {
        CompletionRule::AdminDecides => Verdict::AdminDecides(shortfalls),
        CompletionRule::Attendance if shortfalls.is_empty() => Verdict::Completes,
        CompletionRule::Attendance => Verdict::DoesNotComplete(shortfalls),
    }
}

/// What stops even an admin marking a learner complete by hand: a required evaluation not
/// done (it guards the certificate). Attendance short of the rule does not: an admin may
/// accept, say, an excused absence that was caught up.
pub fn blocks_completion(requirement: &Requirement, progress: &Progress) -> Option<Shortfall> {
    (requirement.evaluation_required && !progress.evaluation_done)
        .then_some(Shortfall::EvaluationNotDone)
}

/// The mean of `count` ratings adding up to `sum`, to one decimal place: "4.3".
pub fn average(sum: i64, count: i64) -> String {
    if count <= 0 {
        return "none".to_owned();
    }
    format!("{:.1}", sum as f64 / count as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attendance(sessions_required: Option<i64>, evaluation_required: bool) -> Requirement {
        Requirement {
            rule: CompletionRule::Attendance,
            sessions_required,
            evaluation_required,
        }
    }

    fn progress(sessions: i64, attended: i64, evaluation_done: bool) -> Progress {
        Progress {
            sessions,
            attended,
            evaluation_done,
        }
    }

    #[test]
    fn attending_n_sessions_meets_the_rule_and_one_fewer_does_not() {
        let rule = attendance(Some(3), false);
        assert_eq!(assess(&rule, &progress(4, 3, false)), Verdict::Completes);
        let short = assess(&rule, &progress(4, 2, false));
        assert_eq!(
            short,
            Verdict::DoesNotComplete(vec![Shortfall::Attendance {
                attended: 2,
                sessions: 4,
                needed: 3
            }])
        );
        assert_eq!(short.reasons(), "attended 2 of 4, needs 3");
    }

    #[test]
    fn no_number_means_every_session_and_a_number_never_exceeds_the_cohort() {
        let all = attendance(None, false);
        assert_eq!(all.sessions_needed(4), 4);
        assert_eq!(
            assess(&all, &progress(4, 3, true)).reasons(),
            "attended 3 of 4, needs 4"
        );
        assert_eq!(assess(&all, &progress(4, 4, false)), Verdict::Completes);
        assert_eq!(attendance(Some(6), false).sessions_needed(4), 4);
        assert_eq!(
            assess(&all, &progress(0, 0, false)),
            Verdict::Completes,
            "a cohort without live sessions asks for none"
        );
    }

    #[test]
    fn a_required_evaluation_must_be_done() {
        let rule = attendance(Some(2), true);
        assert_eq!(
            assess(&rule, &progress(2, 2, false)).reasons(),
            "evaluation not done"
        );
        assert_eq!(assess(&rule, &progress(2, 2, true)), Verdict::Completes);
        assert_eq!(
            assess(&rule, &progress(2, 1, false)).reasons(),
            "attended 1 of 2, needs 2; evaluation not done"
        );
        assert_eq!(
            assess(&attendance(Some(2), false), &progress(2, 2, false)),
            Verdict::Completes,
            "not required: not needed"
        );
    }

    #[test]
    fn an_admin_decides_but_a_required_evaluation_still_blocks() {
        let mut rule = attendance(None, true);
        rule.rule = CompletionRule::AdminDecides;
        assert_eq!(
            assess(&rule, &progress(4, 0, true)),
            Verdict::AdminDecides(vec![]),
            "attendance is not the rule"
        );
        assert_eq!(
            assess(&rule, &progress(4, 4, false)),
            Verdict::AdminDecides(vec![Shortfall::EvaluationNotDone])
        );
        assert_eq!(
            blocks_completion(&rule, &progress(4, 4, false)),
            Some(Shortfall::EvaluationNotDone)
        );
        assert_eq!(
            blocks_completion(&attendance(None, false), &progress(4, 0, false)),
            None,
            "short attendance does not stop an admin"
        );
    }

    #[test]
    fn the_register_is_everyone_who_took_part() {
        for status in Status::ALL {
            let listed = TOOK_PART_SQL.contains(&format!("'{}'", status.as_str()));
            assert_eq!(listed, took_part(*status), "{status:?}");
        }
        assert!(took_part(Status::Completed) && !took_part(Status::Waitlisted));
    }

    #[test]
    fn ratings_are_one_to_five() {
        assert_eq!(rating("1"), Some(1));
        assert_eq!(rating(" 5 "), Some(5));
        for bad in ["0", "6", "", "three", "-1", "4.5"] {
            assert_eq!(rating(bad), None, "{bad:?}");
        }
        assert_eq!(average(13, 3), "4.3");
        assert_eq!(average(0, 0), "none");
        assert!(note_required(Mark::Excused) && !note_required(Mark::Absent));
        assert_eq!(Mark::parse("present"), Some(Mark::Present));
        assert_eq!(
            CompletionRule::parse("admin"),
            Some(CompletionRule::AdminDecides)
        );
    }
}
