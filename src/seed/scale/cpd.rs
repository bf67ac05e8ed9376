//! The learners' own CPD entries beside their verified ones: activities (with or without a
//! full reflection, linked to their regulator's themes, standards or domains), and for
//! nurses and midwives the NMC's feedback and reflective-discussion records, dated over the
//! last three years, filled as `cpd::entries` and `cpd::records` fill them.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::people;
use crate::db::binds::Value;
use crate::domain::cpd::entry::{
    CodeTheme, EntryKind, FeedbackSource, Flags, GmpDomain, HcpcStandard, Method, Planning,
};
use crate::domain::search;

/// (title, provider, method, minutes, participatory minutes, days, topic, tags).
type Activity = (
    &'static str,
    &'static str,
    Method,
    i64,
    i64,
    i64,
    &'static str,
    &'static str,
);

const ACTIVITIES: [Activity; 10] = [
    (
        "Sepsis recognition and escalation study day",
        "Trust education team",
        Method::Course,
        450,
        360,
        1,
        "Recognising deterioration and escalating early",
        ",sepsis,deterioration,",
    ),
    (
        "Reading: national investigation reports",
        "Health Services Safety Investigations Body",
        Method::Reading,
        120,
        0,
        1,
        "What investigations found about missed observations",
        ",reading,human factors,",
    ),
    (
        "Handover quality improvement project",
        "Trust quality improvement team",
        Method::AuditOrQi,
        720,
        480,
        60,
        "A structured handover sheet designed by the team",
        ",handover,quality improvement,",
    ),
    (
        "Regional patient safety conference",
        "Regional patient safety collaborative",
        Method::Conference,
        360,
        240,
        1,
        "Involving patients and families after an incident",
        ",candour,families,",
    ),
    (
        "Clinical supervision",
        "Line manager",
        Method::Supervision,
        90,
        90,
        1,
        "Reflecting on a difficult shift",
        ",supervision,",
    ),
    (
        "Medicines management e-learning",
        "e-Learning for Healthcare",
        Method::ELearning,
        150,
        0,
        1,
        "Safe administration of high-risk medicines",
        ",medicines,",
    ),
    (
        "Webinar: learning from excellence",
        "Patient safety network",
        Method::LiveSession,
        60,
        60,
        1,
        "Learning from what goes well",
        ",safety culture,",
    ),
    (
        "Peer review of incident reports",
        "Ward team",
        Method::PeerDiscussion,
        120,
        120,
        1,
        "Writing incident reports others can learn from",
        ",incident reporting,peer review,",
    ),
    (
        "Simulation training: obstetric emergencies",
        "Trust simulation centre",
        Method::Course,
        420,
        420,
        1,
        "Team working in an emergency",
        ",simulation,teamwork,",
    ),
    (
        "Audit of falls risk assessments",
        "Ward team",
        Method::AuditOrQi,
        480,
        120,
        30,
        "Whether falls assessments are done on admission",
        ",falls,audit,",
    ),
];

const LEARNED: &str = "How the conditions around the people involved made the mistake likely, \
     and why a reminder alone rarely changes what happens.";
const PRACTICE: &str = "I now talk through the plan with the team at the start of the shift \
     and check it at handover, and I share what I learned at our monthly meeting.";
const BENEFIT: &str = "Patients are escalated sooner and families hear from someone who knows \
     the plan; the team raises concerns earlier.";

const FEEDBACK: [(&str, &str); 3] = [
    (
        "A thank-you card from a patient's daughter about how we explained her mother's discharge plan.",
        "I shared it with the team and we now give every family the same written discharge summary.",
    ),
    (
        "A colleague said my handovers ran long when the ward was busy.",
        "I trimmed my handover to the structured sheet and asked her to tell me if it slipped.",
    ),
    (
        "A complaint about how long a patient waited for pain relief overnight.",
        "We changed how the night team reviews pain scores, and I met the family to explain.",
    ),
];

/// How many own entries learner `k` of `learners` has, for `total` in all.
pub fn entries_of(k: usize, learners: usize, total: usize) -> usize {
    total / learners + usize::from(k < total % learners)
}

pub const ENTRY_COLUMNS: [&str; 28] = [
    "user_id",
    "kind",
    "title",
    "provider",
    "method",
    "started_on",
    "ended_on",
    "minutes",
    "participatory_minutes",
    "planning",
    "topic",
    "learning_outcomes",
    "reflection_learned",
    "reflection_practice",
    "reflection_benefit",
    "code_theme",
    "hcpc_standards",
    "gmp_domains",
    "feedback_source",
    "source_other",
    "about",
    "how_used",
    "partner_name",
    "partner_pin",
    "tags",
    "search_text",
    "created_at",
    "updated_at",
];

/// Everything an own entry sets; what it leaves unset stays empty.
#[derive(Default)]
struct Fields {
    kind: Option<EntryKind>,
    title: String,
    provider: &'static str,
    method: Option<Method>,
    minutes: i64,
    participatory: i64,
    days: i64,
    planning: Option<Planning>,
    topic: &'static str,
    reflection: Option<(Option<CodeTheme>, String, String)>,
    feedback: Option<FeedbackSource>,
    about: &'static str,
    how_used: &'static str,
    partner: Option<(String, String)>,
    tags: &'static str,
}

/// Entry `e` of learner `learner`, with `user_id`, ending some days before `today`.
pub fn entry_row(
    learner: usize,
    user_id: i64,
    e: usize,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> [Value; 28] {
    let nmc = people::professional_body(learner) == Some("NMC");
    let turn = learner + e;
    let fields = match (nmc, e % 5) {
        (true, 3) => feedback(turn),
        (true, 4) if e % 10 == 4 => discussion(learner, turn),
        _ => activity(learner, turn, e),
    };
    let ended_on = today - Duration::days(20 + ((learner * 37 + e * 113) % 1_000) as i64);
    let started_on = ended_on - Duration::days(fields.days.max(1) - 1);
    let created_at =
        (super::plan::at(ended_on, (19, 30)) + Duration::days(1 + e as i64 % 9)).min(now);
    let (theme, hcpc, gmp) = fields.reflection.clone().unwrap_or_default();
    let reflected = fields.reflection.is_some();
    let text = |on: bool, s: &str| if on { s.to_owned() } else { String::new() };
    let (partner_name, partner_pin) = fields.partner.clone().unwrap_or_default();
    // Title, provider, topic, about and tags, as `db::cpd` folds them for the search.
    let search_text = search::fold(&format!(
        "{} {} {} {} {}",
        fields.title,
        fields.provider,
        fields.topic,
        fields.about,
        fields.tags.replace(',', " ")
    ));
    [
        user_id.into(),
        fields.kind.map(EntryKind::as_str).into(),
        fields.title.into(),
        fields.provider.into(),
        fields.method.map(Method::as_str).into(),
        started_on.into(),
        ended_on.into(),
        fields.minutes.into(),
        fields.participatory.into(),
        fields.planning.map(Planning::as_str).into(),
        fields.topic.into(),
        "".into(),
        text(reflected, LEARNED).into(),
        text(reflected, PRACTICE).into(),
        text(reflected, BENEFIT).into(),
        theme.map(CodeTheme::as_str).into(),
        hcpc.into(),
        gmp.into(),
        fields.feedback.map(FeedbackSource::as_str).into(),
        "".into(),
        fields.about.into(),
        fields.how_used.into(),
        partner_name.into(),
        partner_pin.into(),
        fields.tags.into(),
        search_text.into(),
        created_at.into(),
        created_at.into(),
    ]
}

fn activity(learner: usize, turn: usize, e: usize) -> Fields {
    let (title, provider, method, minutes, participatory, days, topic, tags) =
        ACTIVITIES[turn % ACTIVITIES.len()];
    // Two in three activities have the whole reflection, linked as the regulator asks.
    let reflection = (e % 3 != 2).then(|| match people::professional_body(learner) {
        Some("NMC") => (
            Some(CodeTheme::ALL[turn % CodeTheme::ALL.len()]),
            String::new(),
            String::new(),
        ),
        Some("HCPC") => (None, Flags::<HcpcStandard>::all().stored(), String::new()),
        Some("GMC") => {
            let domain = GmpDomain::ALL[turn % GmpDomain::ALL.len()];
            (None, String::new(), Flags::of(&[domain]).stored())
        }
        _ => (None, String::new(), String::new()),
    });
    Fields {
        kind: Some(EntryKind::Activity),
        title: title.to_owned(),
        provider,
        method: Some(method),
        minutes,
        participatory,
        days,
        planning: Some(Planning::ALL[turn % 2]),
        topic,
        reflection,
        tags,
        ..Fields::default()
    }
}

fn feedback(turn: usize) -> Fields {
    // Every source but "someone else", which would need its own description.
    let source = FeedbackSource::ALL[turn % (FeedbackSource::ALL.len() - 1)];
    let (about, how_used) = FEEDBACK[turn % FEEDBACK.len()];
    Fields {
        kind: Some(EntryKind::Feedback),
        title: format!("Feedback from {}", source.label().to_lowercase()),
        feedback: Some(source),
        about,
        how_used,
        tags: ",feedback,",
        ..Fields::default()
    }
}

fn discussion(learner: usize, turn: usize) -> Fields {
    let partner = (learner * 31 + turn) % 50_000;
    let name = people::full_name(partner);
    let pin = format!("{:02}A{:04}E", partner % 100, partner % 10_000);
    Fields {
        kind: Some(EntryKind::ReflectiveDiscussion),
        title: format!("Reflective discussion with {name}"),
        about: "We talked through my five written reflective accounts and how they relate to the Code.",
        partner: Some((name, pin)),
        tags: ",revalidation,",
        ..Fields::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cpd::nmc_records::NmcPin;

    #[test]
    fn own_entries_add_up_and_keep_the_rules() {
        assert_eq!((0..7).map(|k| entries_of(k, 7, 50)).sum::<usize>(), 50);
        let today = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        let now = super::super::plan::at(today, (10, 0));
        for learner in 0..40 {
            for e in 0..10 {
                let row = entry_row(learner, 1, e, today, now);
                let Value::Text(Some(kind)) = &row[1] else {
                    panic!()
                };
                assert!(EntryKind::parse(kind).is_some());
                assert_eq!(kind == "activity", row[4] != Value::Text(None));
                assert_eq!(kind == "feedback", row[18] != Value::Text(None));
                let (Value::Date(Some(start)), Value::Date(Some(end))) = (&row[5], &row[6]) else {
                    panic!()
                };
                assert!(start <= end);
                let (Value::Int(Some(minutes)), Value::Int(Some(live))) = (&row[7], &row[8]) else {
                    panic!()
                };
                assert!(live <= minutes);
                if let Value::Text(Some(pin)) = &row[23]
                    && !pin.is_empty()
                {
                    assert!(NmcPin::parse(pin).is_some(), "{pin}");
                }
            }
        }
    }
}
