//! The feedback and discussion rules at their boundaries.

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 3, 3);

fn today() -> NaiveDate {
    day(TODAY.0, TODAY.1, TODAY.2)
}

fn feedback<'a>() -> FeedbackDraft<'a> {
    FeedbackDraft {
        received_on: DateParts::new("3", "3", "2026"),
        source: "colleague",
        source_other: "",
        about: "My handover on the ward",
        how_used: "I now use SBAR",
    }
}

fn fields(problems: &[FieldProblem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.field).collect()
}

#[test]
fn feedback_needs_each_thing_the_nmc_form_asks() {
    let checked = Feedback::from_draft(&feedback(), today()).unwrap();
    assert_eq!(checked.source, FeedbackSource::Colleague);
    assert_eq!(checked.source_other, None);
    assert_eq!(checked.counted().kind, EntryKind::Feedback);
    assert_eq!(checked.counted().ended_on, today());

    let empty = check_feedback(&FeedbackDraft::default(), today());
    assert_eq!(
        fields(&empty),
        ["received_on", "source", "about", "how_used"]
    );
    assert_eq!(empty[0].message, "Enter the date you received the feedback");
    assert_eq!(empty[1].message, "Select who the feedback came from");
    assert_eq!(
        empty[3].message,
        "Enter how you used the feedback to improve your practice"
    );

    let tomorrow = FeedbackDraft {
        received_on: DateParts::new("4", "3", "2026"),
        ..feedback()
    };
    assert_eq!(
        check_feedback(&tomorrow, today())[0].message,
        "The date you received the feedback must be today or in the past"
    );
    let other = FeedbackDraft {
        source: "other",
        ..feedback()
    };
    assert_eq!(
        check_feedback(&other, today())[0].message,
        "Enter who the feedback came from"
    );
    let named = FeedbackDraft {
        source_other: " A visiting pharmacist ",
        ..other
    };
    let checked = Feedback::from_draft(&named, today()).unwrap();
    assert_eq!(
        checked.source_other.as_deref(),
        Some("A visiting pharmacist")
    );
    let ignored = FeedbackDraft {
        source_other: "left over",
        ..feedback()
    };
    assert_eq!(
        Feedback::from_draft(&ignored, today())
            .unwrap()
            .source_other,
        None
    );
}

#[test]
fn feedback_text_is_limited() {
    let exactly = "a".repeat(5_000);
    let at_limit = FeedbackDraft {
        about: &exactly,
        ..feedback()
    };
    assert!(check_feedback(&at_limit, today()).is_empty());
    let over = "a".repeat(5_001);
    let too_long = FeedbackDraft {
        how_used: &over,
        ..feedback()
    };
    assert_eq!(
        check_feedback(&too_long, today())[0].message,
        "How you used the feedback must be 5,000 characters or fewer"
    );
}

#[test]
fn nmc_pins_have_their_shape_in_any_case() {
    assert_eq!(NmcPin::parse("12A3456E").unwrap().as_str(), "12A3456E");
    assert_eq!(NmcPin::parse(" 12a3456e ").unwrap().as_str(), "12A3456E");
    assert_eq!(NmcPin::parse("12A 3456E").unwrap().to_string(), "12A3456E");
    for bad in [
        "",
        "12A3456",
        "12A34567E",
        "1AA3456E",
        "12A3456EE",
        "123456EE",
        "12Ä3456E",
        "AB1234CD",
    ] {
        assert_eq!(NmcPin::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn a_discussion_names_the_registrant_and_their_pin() {
    let draft = DiscussionDraft {
        held_on: DateParts::new("3", "3", "2026"),
        partner_name: "Sam Patel",
        partner_pin: "98b7654c",
        about: "My five reflective accounts",
    };
    let checked = Discussion::from_draft(&draft, today()).unwrap();
    assert_eq!(checked.partner_pin.as_str(), "98B7654C");
    assert_eq!(checked.counted().kind, EntryKind::ReflectiveDiscussion);

    let empty = check_discussion(&DiscussionDraft::default(), today());
    assert_eq!(
        fields(&empty),
        ["held_on", "partner_name", "partner_pin", "about"]
    );
    assert_eq!(empty[0].message, "Enter the date of the discussion");
    assert_eq!(empty[2].message, "Enter their NMC PIN");
    assert_eq!(empty[3].message, "Enter what you discussed");

    let bad_pin = DiscussionDraft {
        partner_pin: "12-A3456E",
        ..draft
    };
    let problems = check_discussion(&bad_pin, today());
    assert_eq!(fields(&problems), ["partner_pin"]);
    assert!(problems[0].message.contains("like 12A3456E"));
    let future = DiscussionDraft {
        held_on: DateParts::new("4", "3", "2026"),
        ..draft
    };
    assert_eq!(
        check_discussion(&future, today())[0].message,
        "The date of the discussion must be today or in the past"
    );
    let long_name = "a".repeat(201);
    let named = DiscussionDraft {
        partner_name: &long_name,
        ..draft
    };
    assert_eq!(
        check_discussion(&named, today())[0].message,
        "Their name must be 200 characters or fewer"
    );
}
