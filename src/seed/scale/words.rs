//! The words the scale reports and posts are made of: subjects and settings of
//! investigations, report topics, findings' addressees and responses, and the paragraphs of
//! a body, so thousands of items read like the body's own without being stored here.

/// (subject of an investigation, its report topic).
pub const SUBJECTS: [(&str, &str); 25] = [
    ("Delays in recognising sepsis", "Acute care"),
    ("Missed test results", "Diagnostics"),
    (
        "Medication errors when patients move between teams",
        "Medication safety",
    ),
    ("Falls in older patients", "Older people"),
    ("Communication failures at handover", "Safety management"),
    ("Delayed diagnosis of cancer", "Primary care"),
    ("Insulin given at the wrong time", "Medication safety"),
    ("Patients identified wrongly", "Safety management"),
    ("Oxygen supply problems", "Critical care"),
    ("Delays in ambulance response", "Ambulance services"),
    ("Unplanned removal of breathing tubes", "Critical care"),
    ("Pressure ulcers developing unnoticed", "Community care"),
    (
        "Care of people with a learning disability",
        "Learning disabilities",
    ),
    ("Delayed treatment of stroke", "Acute care"),
    ("Surgery on the wrong site", "Surgery"),
    ("Deterioration of mothers after birth", "Maternity"),
    ("Assessing the risk of suicide", "Mental health"),
    ("Items left inside patients after surgery", "Surgery"),
    ("Infusion pump programming errors", "Medication safety"),
    ("Access to specialist mental health beds", "Mental health"),
    ("Safeguarding concerns not acted on", "Children's services"),
    ("Allergy information not shared", "Digital care"),
    ("Alerts in electronic records overlooked", "Digital care"),
    ("Feeding tubes placed in the wrong position", "Acute care"),
    ("Infections passed between patients", "Infection prevention"),
];

pub const SETTINGS: [&str; 20] = [
    "in emergency departments",
    "on surgical wards",
    "in maternity units",
    "in care homes",
    "in general practice",
    "during transfers between hospitals",
    "on virtual wards",
    "on children's wards",
    "in mental health inpatient units",
    "in community nursing",
    "in intensive care",
    "at night",
    "at weekends",
    "in outpatient clinics",
    "in ambulance services",
    "in day surgery",
    "in hospices",
    "in diagnostic imaging",
    "in hospital pharmacies",
    "in prison healthcare",
];

/// What a later report on the same subject adds to its title.
pub const ASPECTS: [&str; 8] = [
    "",
    "interim report",
    "learning prompts",
    "follow-up report",
    "national learning report",
    "a thematic review",
    "responses to our recommendations",
    "summary for patients and families",
];

pub const ADDRESSEES: [&str; 6] = [
    "NHS England",
    "Department of Health and Social Care",
    "Care Quality Commission",
    "Medicines and Healthcare products Regulatory Agency",
    "Royal College of Nursing",
    "National Institute for Health and Care Excellence",
];

/// (response status, response).
pub const RESPONSES: [(&str, &str); 4] = [
    (
        "Accepted",
        "We accept this recommendation and will publish guidance with the professional bodies within a year.",
    ),
    (
        "Partially accepted",
        "We will work with system partners on the parts of this recommendation we can deliver.",
    ),
    ("Awaiting response", ""),
    (
        "Completed",
        "The guidance was published and is being used across the NHS in England.",
    ),
];

/// News, blog and event titles around a subject and setting (`{}`).
pub const NEWS: [&str; 6] = [
    "New report: {}",
    "We publish our findings on {}",
    "Learning prompts for trusts on {}",
    "Our recommendations on {} accepted",
    "Investigation launched into {}",
    "Update on our work on {}",
];
pub const BLOGS: [&str; 4] = [
    "What we learned about {}",
    "Why {} keeps happening",
    "A family's view of {}",
    "Five questions to ask about {}",
];
pub const EVENTS: [&str; 3] = [
    "Webinar: {}",
    "Workshop: learning from {}",
    "Conference session on {}",
];

pub const AUTHORS: [&str; 6] = [
    "Dr Helen Marsh, Director of Investigations",
    "Education team",
    "Sam Okonjo, Senior Safety Investigator",
    "Professor Anita Rao",
    "Family liaison team",
    "Chris Bell, Patient Safety Specialist",
];

pub const LOCATIONS: [&str; 3] = ["Online (Microsoft Teams)", "Leeds office", "Online"];

/// A report's body in Markdown (about 2 KB): what happened, what we found, what would help.
pub fn report_body(subject: &str, setting: &str) -> String {
    let subject = lower_first(subject);
    format!(
        "## Why we looked at this\n\n\
         Reports to the national reporting system showed {subject} {setting} across England, \
         some of them causing severe harm. Each organisation had reviewed its own incidents, \
         but the same conditions kept appearing, so we looked at them together to understand \
         what the whole system could change.\n\n\
         ## What happened\n\n\
         We reviewed the care of one patient in detail, with the support of their family, and \
         visited four other organisations. Staff were doing their best in busy conditions: \
         the information they needed was spread across systems that did not talk to each \
         other, and the moment to act depended on someone remembering to check.\n\n\
         ## What we found\n\n\
         - Responsibility for the next step was not clear when care moved between teams.\n\
         - Electronic systems recorded the information but did not prompt anyone to act on it.\n\
         - Staffing at night and at weekends left little time to follow things up.\n\
         - Patients and families often noticed that something was wrong, and were not always \
         heard.\n\n\
         ## What would help\n\n\
         Organisations that had made progress treated {subject} as a problem of the system, \
         not of individuals. They agreed who owned each step, designed prompts with the \
         staff who use them, and asked patients and families what they had noticed. Our \
         safety recommendations below are addressed to the national bodies able to act on \
         them, and our learning prompts are for every organisation to use now."
    )
}

/// A post's body in Markdown (about 1 KB).
pub fn post_body(subject: &str, setting: &str) -> String {
    let subject = lower_first(subject);
    format!(
        "Our work on {subject} {setting} looks at the conditions that make harm more likely, \
         not at who was to blame. We spoke with patients, families and staff, and with the \
         organisations that design the systems they work in.\n\n\
         What stood out was how often people noticed a problem but had no easy way to act on \
         it. The best examples we saw made the safe thing the easy thing: a prompt at the \
         right moment, a clear owner for every step, and time set aside to learn together.\n\n\
         You can read our reports, and find a course that teaches the methods our \
         investigators use, on this site. We would like to hear from anyone who has tried \
         something that works."
    )
}

pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
