//! Demo reports, news, events and blogs: the three reports and three posts of the body's
//! home page (their titles and facts; summaries, bodies and findings written for the demo),
//! older items so the lists paginate, and one item scheduled for next week.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::db::posts::{self, PostFields};
use crate::db::reports::{self, FindingFields, ReportFields};
use crate::db::uploads::{self, NewUpload};
use crate::db::{Tx, courses};
use crate::domain::content::{FindingKind, PostKind};
use crate::state::AppState;

struct Image {
    file: &'static [u8],
    name: &'static str,
    alt: &'static str,
}

const WARD: Image = Image {
    file: include_bytes!("files/ward.png"),
    name: "ward.png",
    alt: "A nurse talks with an older man in a hospital bed while using a tablet computer.",
};
const HOME_VISIT: Image = Image {
    file: include_bytes!("files/home-visit.png"),
    name: "home-visit.png",
    alt: "A health visitor helps an older woman to walk in her home.",
};
const HANDS: Image = Image {
    file: include_bytes!("files/hands.png"),
    name: "hands.png",
    alt: "Two people holding hands; their faces cannot be seen.",
};
const AWARD: Image = Image {
    file: include_bytes!("files/award.png"),
    name: "award.png",
    alt: "A star-shaped award on a table under a spotlight.",
};
const NEWBORN: Image = Image {
    file: include_bytes!("files/newborn.png"),
    name: "newborn.png",
    alt: "An adult's hands gently holding a newborn baby's feet.",
};
const REPORT_PDF: &[u8] = include_bytes!("files/report.pdf");

const FLAGSHIP: &str =
    "a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents";

/// Adds the demo content once (when no report exists yet). Returns how many items.
pub async fn seed(state: &AppState) -> anyhow::Result<usize> {
    if reports::count_all(&state.db).await? > 0 {
        return Ok(0);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let mut added = 0;
    let flagship = courses::find_by_slug_in(&mut tx, FLAGSHIP)
        .await?
        .map(|c| c.course_id);

    let id = report(&mut tx, now, Some(&WARD), true, ReportText {
        title: "Medication not given: anticoagulation before and after a procedure",
        topic: "Medication safety",
        summary: "An 87-year-old man did not receive his anticoagulation medicine around a planned procedure. We look at why the decisions involved are so complex and why only a systems view will make medication safer, and we set out learning prompts for NHS trusts.",
        body: "## What happened\n\nA man in his late eighties, taking an anticoagulant, was admitted for a planned procedure. His medicine was paused before the procedure, as planned, but was not restarted afterwards for several days.\n\n## What we found\n\nPausing and restarting anticoagulation involves several teams, handovers and information systems. No single person held the whole picture, and electronic prescribing did not prompt staff to restart the medicine.\n\n## Learning prompts\n\n- Who owns the plan to restart a paused medicine?\n- How does the plan travel between teams and systems?\n- What would prompt someone that a restart is overdue?",
        weeks_ago: 2,
    }).await?;
    findings(&mut tx, id, &[
        (FindingKind::Recommendation, "R/2026/001", "Develop national guidance on documenting and handing over plans to pause and restart anticoagulation around procedures.", "NHS England", "Accepted", Some((2026, 9, 30)), "We accept this recommendation and will publish guidance with professional bodies."),
        (FindingKind::Recommendation, "R/2026/002", "Evaluate whether electronic prescribing systems can prompt staff when a paused medicine has not been restarted.", "NHS England", "Awaiting response", Some((2026, 12, 31)), ""),
        (FindingKind::Observation, "O/2026/001", "Trusts may benefit from reviewing how pharmacists take part in planning around procedures for patients taking anticoagulants.", "", "", None, ""),
        (FindingKind::Action, "A/2026/001", "The trust involved has added a restart prompt to its procedure checklist.", "", "", None, ""),
    ]).await?;
    if let Some(course) = flagship {
        reports::link_course(&mut tx, id, course).await?;
    }
    added += 1;

    let id = report(&mut tx, now, Some(&HOME_VISIT), false, ReportText {
        title: "Safety management: accountability across organisational boundaries",
        topic: "Safety management",
        summary: "Health and care providers and integrated care boards have no shared principles for managing safety, so organisations understand accountability for patient safety differently, especially where care crosses from one organisation to another.",
        body: "## Why we looked at this\n\nMore care is now delivered by several organisations working together. When something goes wrong between them, it is often unclear who should lead the response.\n\n## What we found\n\nEach organisation had its own safety management approach, and they did not fit together at the boundaries.",
        weeks_ago: 6,
    }).await?;
    findings(&mut tx, id, &[
        (FindingKind::Recommendation, "R/2026/003", "Agree a common set of safety management principles that all providers and integrated care boards can use.", "Department of Health and Social Care", "Partially accepted", Some((2026, 10, 31)), "We will work with system partners on shared principles for integrated care systems."),
    ]).await?;
    if let Some(course) = flagship {
        reports::link_course(&mut tx, id, course).await?;
    }
    added += 1;

    let id = report(&mut tx, now, Some(&HANDS), false, ReportText {
        title: "Creating conditions for learning from deaths in mental health inpatient services and when patients die within 30 days of discharge",
        topic: "Mental health",
        summary: "Systemic issues, too little involvement of patients and families, and cultures of fear and blame stop mental health services from learning when patients die in their care or soon after leaving it.",
        body: "## What we found\n\nReviews of deaths were often narrow and focused on individual actions. Families were rarely involved early, and staff feared being blamed.\n\n## What would help\n\nServices that learned most treated reviews as a chance to understand the whole system of care, and involved families from the start.",
        weeks_ago: 10,
    }).await?;
    findings(&mut tx, id, &[
        (FindingKind::Recommendation, "R/2025/014", "Set out expectations for involving families in reviews of deaths in mental health services.", "NHS England", "Accepted", Some((2026, 6, 30)), "Guidance on family involvement was published in June."),
        (FindingKind::Observation, "O/2025/007", "Staff support after a patient's death varies widely between services.", "", "", None, ""),
    ]).await?;
    added += 1;

    for (n, (title, topic)) in OLDER_REPORTS.iter().enumerate() {
        report(&mut tx, now, None, false, ReportText {
            title,
            topic,
            summary: "An earlier national investigation, with its safety recommendations and the responses to them.",
            body: "This demo report stands in for the body's archive of earlier investigations.",
            weeks_ago: 16 + 9 * n as i64,
        })
        .await?;
        added += 1;
    }
    // Scheduled: appears next week without anyone doing anything.
    report(&mut tx, now, None, false, ReportText {
        title: "Recognising deterioration in patients on virtual wards",
        topic: "Digital care",
        summary: "How remote monitoring teams notice and respond when a patient at home becomes more unwell.",
        body: "",
        weeks_ago: -1,
    })
    .await?;
    added += 1;

    added += seed_posts(&mut tx, now).await?;
    tx.commit().await?;
    Ok(added)
}

const OLDER_REPORTS: [(&str, &str); 9] = [
    (
        "Access to critical care beds for adults who are unwell",
        "Acute care",
    ),
    (
        "Safety of patients transferred between hospitals by ambulance",
        "Ambulance services",
    ),
    (
        "Assessing risk of suicide in emergency departments",
        "Mental health",
    ),
    (
        "Keeping children safe when they are cared for on adult wards",
        "Children's services",
    ),
    (
        "Delays in diagnosing cancer through primary care",
        "Primary care",
    ),
    ("Missed results from diagnostic imaging", "Diagnostics"),
    ("Safe staffing on maternity units at night", "Maternity"),
    (
        "Insulin errors when patients move between wards",
        "Medication safety",
    ),
    (
        "Falls in older people recovering from hip surgery",
        "Acute care",
    ),
];

struct ReportText<'a> {
    title: &'a str,
    topic: &'a str,
    summary: &'a str,
    body: &'a str,
    /// Negative: scheduled that many weeks ahead.
    weeks_ago: i64,
}

async fn image(tx: &mut Tx, now: DateTime<Utc>, image: &Image) -> anyhow::Result<i64> {
    let upload = NewUpload {
        kind: "image",
        content_type: "image/png",
        filename: image.name,
        bytes: image.file,
        alt_text: image.alt,
    };
    Ok(uploads::insert(tx, &upload, now).await?)
}

async fn report(
    tx: &mut Tx,
    now: DateTime<Utc>,
    picture: Option<&Image>,
    with_pdf: bool,
    text: ReportText<'_>,
) -> anyhow::Result<i64> {
    let image_upload_id = match picture {
        Some(picture) => Some(image(tx, now, picture).await?),
        None => None,
    };
    let pdf_upload_id = match with_pdf {
        true => {
            let pdf = NewUpload {
                kind: "pdf",
                content_type: "application/pdf",
                filename: "medication-not-given-full-report.pdf",
                bytes: REPORT_PDF,
                alt_text: "",
            };
            Some(uploads::insert(tx, &pdf, now).await?)
        }
        false => None,
    };
    let slug = crate::domain::slug::slugify(text.title);
    let fields = ReportFields {
        slug: &slug,
        title: text.title,
        summary: text.summary,
        body: text.body,
        topic: text.topic,
        publish_at: Some(now - Duration::weeks(text.weeks_ago)),
        image_upload_id,
        pdf_upload_id,
    };
    Ok(reports::insert(tx, &fields, now).await?)
}

type FindingRow<'a> = (
    FindingKind,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<(i32, u32, u32)>,
    &'a str,
);

async fn findings(tx: &mut Tx, report_id: i64, rows: &[FindingRow<'_>]) -> anyhow::Result<()> {
    for (position, (kind, reference, text, addressee, status, due, response)) in
        rows.iter().enumerate()
    {
        let finding = FindingFields {
            kind: *kind,
            reference,
            text,
            addressee,
            response_status: status,
            response_due_on: due.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            response,
        };
        reports::insert_finding(tx, report_id, position as i64, &finding).await?;
    }
    Ok(())
}

struct PostText<'a> {
    kind: PostKind,
    title: &'a str,
    summary: &'a str,
    body: &'a str,
    author: &'a str,
    picture: Option<&'a Image>,
    days_ago: i64,
    /// Events: days from now to the event, its length in hours, and where.
    event: Option<(i64, i64, &'a str)>,
}

async fn seed_posts(tx: &mut Tx, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut items = vec![
        PostText {
            kind: PostKind::News,
            title: "HSSIB celebrates making the shortlist for HSJ Digital Awards 2025",
            summary: "Our work has been shortlisted in the Digital Clinical Safety Award category of the HSJ Digital Awards 2025.",
            body: "We are delighted that our investigation team's work on digital clinical safety has been recognised by the shortlist. The winners are announced at the awards evening.",
            author: "",
            picture: Some(&AWARD),
            days_ago: 3,
            event: None,
        },
        PostText {
            kind: PostKind::News,
            title: "Learning prompts for hospitals to improve anticoagulation medication safety",
            summary: "Our new report looks at an 87-year-old man's anticoagulation medicine around a procedure, and offers prompts hospitals can use to learn from it.",
            body: "Read the [full report](/reports/medication-not-given-anticoagulation-before-and-after-a-procedure) for the learning prompts and our safety recommendations.",
            author: "",
            picture: Some(&WARD),
            days_ago: 12,
            event: None,
        },
        PostText {
            kind: PostKind::Blog,
            title: "Patient safety in Japan: no-fault compensation for birth injury",
            summary: "In the last of three guest posts, Professor Shin Ushiro explains how Japan's no-fault compensation scheme for birth injury works, and how patients and families shaped it.",
            body: "Japan introduced a no-fault compensation scheme for cerebral palsy related to birth. Families receive support without having to prove fault, and every case is reviewed so that maternity care can learn from it.",
            author: "Professor Shin Ushiro",
            picture: Some(&NEWBORN),
            days_ago: 20,
            event: None,
        },
        PostText {
            kind: PostKind::Event,
            title: "Webinar: bringing a systems approach to your incident reviews",
            summary: "A free lunchtime webinar with two of our investigators, with time for questions.",
            body: "Join us online to hear how investigators look beyond individual actions. Joining details are sent when you register.",
            author: "",
            picture: None,
            days_ago: 25,
            event: Some((18, 1, "Online (Microsoft Teams)")),
        },
    ];
    for n in 0..9 {
        items.push(PostText {
            kind: [PostKind::News, PostKind::Blog, PostKind::Event][n % 3],
            title: OLDER_POSTS[n],
            summary: "An earlier item from our news, events and blogs.",
            body: "",
            author: if n % 3 == 1 { "Education team" } else { "" },
            picture: None,
            days_ago: 40 + 15 * n as i64,
            event: (n % 3 == 2).then_some((-(30 + 15 * n as i64), 2, "Online")),
        });
    }
    let count = items.len();
    for item in items {
        let image_upload_id = match item.picture {
            Some(picture) => Some(image(tx, now, picture).await?),
            None => None,
        };
        let slug = crate::domain::slug::slugify(item.title);
        let (event_starts_at, event_ends_at, event_location) = match item.event {
            Some((days, hours, place)) => {
                let day = crate::domain::london::day_of(now + Duration::days(days));
                let noon = chrono::NaiveTime::from_hms_opt(12, 30, 0).unwrap_or_default();
                let start = crate::domain::london::to_utc(day, noon).unwrap_or(now);
                (Some(start), Some(start + Duration::hours(hours)), place)
            }
            None => (None, None, ""),
        };
        let fields = PostFields {
            kind: item.kind,
            slug: &slug,
            title: item.title,
            summary: item.summary,
            body: item.body,
            author: item.author,
            event_starts_at,
            event_ends_at,
            event_location,
            image_upload_id,
            publish_at: Some(now - Duration::days(item.days_ago)),
        };
        posts::insert(tx, &fields, now).await?;
    }
    Ok(count)
}

const OLDER_POSTS: [&str; 9] = [
    "Our education programme reaches its thousandth learner",
    "What we learned from our first year of teaching investigation skills",
    "Conference: learning from patient safety events",
    "New cohort dates announced for the flagship course",
    "Why we never look for someone to blame",
    "Workshop: involving families in investigations",
    "Annual report and accounts published",
    "Five questions to ask before you start an investigation",
    "Open day for NHS patient safety specialists",
];
