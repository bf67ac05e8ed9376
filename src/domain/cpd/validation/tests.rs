//! Each activity rule at its boundary.

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2026, 3, 3)
}

fn valid<'a>() -> ActivityDraft<'a> {
    ActivityDraft {
        title: "Human factors in medication safety",
        provider: "Academy",
        method: "live_session",
        started_on: DateParts::new("2", "3", "2026"),
        ended_on: DateParts::new("3", "3", "2026"),
        hours: "6.5",
        participatory_hours: "4",
        planning: "planned",
        topic: "",
        learning_outcomes: "",
        reflection: ReflectionDraft::default(),
    }
}

/// The problem for `field`, if any.
fn problem(draft: &ActivityDraft<'_>, field: &str) -> Option<String> {
    check_activity(draft, today())
        .into_iter()
        .find(|p| p.field == field)
        .map(|p| p.message)
}

#[test]
fn a_valid_draft_becomes_an_activity() {
    let activity = Activity::from_draft(&valid(), today()).unwrap();
    assert_eq!(activity.method, Method::LiveSession);
    assert_eq!(
        (activity.started_on, activity.ended_on),
        (day(2026, 3, 2), today())
    );
    assert_eq!(
        (
            activity.hours.minutes(),
            activity.participatory_hours.minutes()
        ),
        (390, 240)
    );
    assert_eq!(activity.planning, Some(Planning::Planned));
    assert_eq!(
        (activity.topic.clone(), activity.reflection.is_complete()),
        (None, false)
    );
    let counted = activity.counted();
    assert_eq!(
        (
            counted.minutes,
            counted.participatory_minutes,
            counted.counts
        ),
        (390, 240, true)
    );
}

#[test]
fn an_empty_draft_names_every_required_field_in_order() {
    let problems = check_activity(&ActivityDraft::default(), today());
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [
            "title",
            "provider",
            "method",
            "started_on",
            "ended_on",
            "hours",
            "participatory_hours"
        ]
    );
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages[0], "Enter the title of the activity");
    assert_eq!(messages[3], "Enter the date the activity started");
    assert_eq!(messages[4], "Enter the date the activity ended");
    assert_eq!(messages[5], "Enter the hours");
    assert!(messages[6].starts_with("Enter the participatory hours, or 0"));
}

#[test]
fn the_end_date_may_equal_the_start_but_not_precede_it() {
    let same = ActivityDraft {
        ended_on: DateParts::new("2", "3", "2026"),
        hours: "6",
        ..valid()
    };
    assert!(check_activity(&same, today()).is_empty());
    let before = ActivityDraft {
        ended_on: DateParts::new("1", "3", "2026"),
        ..valid()
    };
    assert_eq!(
        problem(&before, "ended_on").as_deref(),
        Some("The end date must be the same as or after the start date")
    );
}

#[test]
fn dates_may_be_today_but_not_tomorrow() {
    let today_only = ActivityDraft {
        started_on: DateParts::new("3", "3", "2026"),
        hours: "2",
        participatory_hours: "2",
        ..valid()
    };
    assert!(check_activity(&today_only, today()).is_empty());
    let tomorrow = ActivityDraft {
        ended_on: DateParts::new("4", "3", "2026"),
        ..valid()
    };
    assert_eq!(
        problem(&tomorrow, "ended_on").as_deref(),
        Some("The end date must be today or in the past")
    );
    let both = ActivityDraft {
        started_on: DateParts::new("4", "3", "2026"),
        ended_on: DateParts::new("4", "3", "2026"),
        ..valid()
    };
    assert_eq!(
        problem(&both, "started_on").as_deref(),
        Some("The start date must be today or in the past")
    );
    let unreal = ActivityDraft {
        started_on: DateParts::new("30", "2", "2026"),
        ..valid()
    };
    assert_eq!(
        problem(&unreal, "started_on").as_deref(),
        Some("The start date must be a real date, like 27 3 2026")
    );
}

#[test]
fn hours_are_at_most_24_for_each_day_of_the_span() {
    let one_day = |hours| ActivityDraft {
        started_on: DateParts::new("3", "3", "2026"),
        hours,
        participatory_hours: "0",
        ..valid()
    };
    assert!(check_activity(&one_day("24"), today()).is_empty());
    assert_eq!(
        problem(&one_day("24.25"), "hours").as_deref(),
        Some("Hours must be no more than 24 for an activity on one day")
    );
    let two_days = |hours| ActivityDraft {
        hours,
        participatory_hours: "0",
        ..valid()
    };
    assert!(check_activity(&two_days("48"), today()).is_empty());
    assert_eq!(
        problem(&two_days("48:15"), "hours").as_deref(),
        Some("Hours must be no more than 24 for each day of the activity: 48 for 2 days")
    );
    // Across a leap day the span is one day longer.
    let leap = ActivityDraft {
        started_on: DateParts::new("28", "2", "2024"),
        ended_on: DateParts::new("1", "3", "2024"),
        hours: "72",
        participatory_hours: "0",
        ..valid()
    };
    assert!(check_activity(&leap, today()).is_empty());
}

#[test]
fn hours_must_be_more_than_0_in_quarter_hours() {
    let hours = |hours| ActivityDraft {
        hours,
        participatory_hours: "0",
        ..valid()
    };
    assert!(check_activity(&hours("0.25"), today()).is_empty());
    assert_eq!(
        problem(&hours("0"), "hours").as_deref(),
        Some("Hours must be more than 0")
    );
    assert_eq!(
        problem(&hours("-1"), "hours").as_deref(),
        Some("Hours must be more than 0")
    );
    assert!(
        problem(&hours("2.3"), "hours")
            .unwrap()
            .contains("quarter hours")
    );
    assert!(
        problem(&hours("abc"), "hours")
            .unwrap()
            .contains("like 2, 1.5, 0.75 or 1:30")
    );
}

#[test]
fn participatory_hours_are_0_up_to_the_total() {
    let participatory = |p| ActivityDraft {
        participatory_hours: p,
        ..valid()
    };
    assert!(check_activity(&participatory("0"), today()).is_empty());
    assert!(check_activity(&participatory("6.5"), today()).is_empty());
    assert_eq!(
        problem(&participatory("6.75"), "participatory_hours").as_deref(),
        Some("Participatory hours must be no more than the total hours")
    );
    assert_eq!(
        problem(&participatory("-0.25"), "participatory_hours").as_deref(),
        Some("Participatory hours must be 0 or more")
    );
    assert!(
        problem(&participatory("1.1"), "participatory_hours")
            .unwrap()
            .starts_with("Participatory hours must be in quarter hours")
    );
}

#[test]
fn one_line_fields_are_limited_to_200_characters() {
    let at = "a".repeat(LINE_MAX);
    let over = "a".repeat(LINE_MAX + 1);
    assert!(
        check_activity(
            &ActivityDraft {
                title: &at,
                provider: &at,
                ..valid()
            },
            today()
        )
        .is_empty()
    );
    let long = ActivityDraft {
        title: &over,
        provider: &over,
        ..valid()
    };
    assert_eq!(
        problem(&long, "title").as_deref(),
        Some("The title must be 200 characters or fewer")
    );
    assert_eq!(
        problem(&long, "provider").as_deref(),
        Some("The provider must be 200 characters or fewer")
    );
    let blank = ActivityDraft {
        title: "   ",
        ..valid()
    };
    assert_eq!(
        problem(&blank, "title").as_deref(),
        Some("Enter the title of the activity")
    );
}

#[test]
fn text_areas_are_optional_and_limited_to_5000_characters() {
    let at = "a".repeat(TEXT_MAX);
    let over = "a".repeat(TEXT_MAX + 1);
    let at_limit = ActivityDraft {
        topic: &at,
        learning_outcomes: &at,
        reflection: ReflectionDraft {
            learned: &at,
            practice: &at,
            benefit: &at,
            ..Default::default()
        },
        ..valid()
    };
    let activity = Activity::from_draft(&at_limit, today()).unwrap();
    assert!(activity.reflection.is_complete());
    assert!(activity.counted().reflection_complete);
    let long = ActivityDraft {
        topic: &over,
        learning_outcomes: &over,
        reflection: ReflectionDraft {
            learned: &over,
            practice: &over,
            benefit: &over,
            ..Default::default()
        },
        ..valid()
    };
    let fields: Vec<&str> = check_activity(&long, today())
        .iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(
        fields,
        [
            "topic",
            "learning_outcomes",
            "reflection_learned",
            "reflection_practice",
            "reflection_benefit"
        ]
    );
    assert_eq!(
        problem(&long, "reflection_learned").as_deref(),
        Some("What you learned must be 5,000 characters or fewer")
    );
    let twenty_thousand = "<script>alert(1)</script>".repeat(800);
    assert!(
        problem(
            &ActivityDraft {
                topic: &twenty_thousand,
                ..valid()
            },
            "topic"
        )
        .is_some()
    );
}

#[test]
fn choices_must_be_ones_the_form_offers() {
    let bad = ActivityDraft {
        method: "Course",
        planning: "sometimes",
        reflection: ReflectionDraft {
            code_theme: "be_kind",
            ..Default::default()
        },
        ..valid()
    };
    assert_eq!(
        problem(&bad, "method").as_deref(),
        Some("Select the type of activity")
    );
    assert_eq!(
        problem(&bad, "planning").as_deref(),
        Some("Select whether the activity was planned or unplanned")
    );
    assert!(problem(&bad, "code_theme").is_some());
    let unsaid = ActivityDraft {
        planning: "",
        ..valid()
    };
    assert_eq!(
        Activity::from_draft(&unsaid, today()).unwrap().planning,
        None
    );
}

#[test]
fn a_verified_entrys_reflection_is_checked_alone() {
    let standards = vec![
        "improves_practice".to_owned(),
        "benefits_service_users".to_owned(),
    ];
    let domains = vec!["trust_professionalism".to_owned()];
    let draft = ReflectionDraft {
        learned: "Handover matters",
        practice: " I use SBAR now ",
        benefit: "Fewer missed observations",
        code_theme: "preserve_safety",
        hcpc_standards: &standards,
        gmp_domains: &domains,
    };
    let reflection = Reflection::from_draft(&draft).unwrap();
    assert_eq!(reflection.practice.as_deref(), Some("I use SBAR now"));
    assert_eq!(reflection.code_theme, Some(CodeTheme::PreserveSafety));
    assert_eq!(reflection.hcpc_standards, Flags::all());
    assert!(reflection.gmp_domains.contains(GmpDomain::Trust));
    assert!(reflection.is_complete());
    let unknown = vec!["made_up".to_owned()];
    let bad = ReflectionDraft {
        hcpc_standards: &unknown,
        gmp_domains: &unknown,
        ..draft
    };
    let fields: Vec<&str> = check_reflection(&bad).iter().map(|p| p.field).collect();
    assert_eq!(fields, ["hcpc_standards", "gmp_domains"]);
    assert!(
        check_reflection(&ReflectionDraft::default()).is_empty(),
        "a reflection may wait"
    );
}
