//! What reports and posts share in their forms: draft, publish now or schedule (a date and
//! time in London), the web address, and choosing an uploaded image.

use chrono::{DateTime, Utc};

use super::cohort_form::instant;
use crate::domain::london;
use crate::web::forms::FormErrors;

/// "draft", "now" or "scheduled", with the date and time for a schedule.
#[derive(Clone, Debug, Default)]
pub struct Publication {
    pub status: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub time: String,
}

impl Publication {
    /// The form's view of a stored publication time.
    pub fn from_stored(publish_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Publication {
        match publish_at {
            None => Publication {
                status: "draft".into(),
                ..Publication::default()
            },
            Some(at) if at <= now => Publication {
                status: "now".into(),
                ..Publication::default()
            },
            Some(at) => {
                use chrono::Datelike;
                let day = london::day_of(at);
                Publication {
                    status: "scheduled".into(),
                    day: day.day().to_string(),
                    month: day.month().to_string(),
                    year: day.year().to_string(),
                    time: at
                        .with_timezone(&chrono_tz::Europe::London)
                        .format("%H:%M")
                        .to_string(),
                }
            }
        }
    }

    /// When the item appears: None for a draft. Publishing an already published item keeps
    /// its original date.
    pub fn check(
        &self,
        errors: &mut FormErrors,
        stored: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<Option<DateTime<Utc>>> {
        match self.status.as_str() {
            "draft" => Some(None),
            "now" => Some(Some(stored.filter(|at| *at <= now).unwrap_or(now))),
            "scheduled" => {
                let at = instant(
                    errors,
                    "publish",
                    "publication date",
                    [&self.day, &self.month, &self.year],
                    &self.time,
                )?;
                if at <= now {
                    errors.add("publish", "A scheduled date must be in the future. To publish now, choose Publish now");
                    return None;
                }
                Some(Some(at))
            }
            _ => {
                errors.add("status", "Choose whether to publish");
                None
            }
        }
    }
}

/// "Draft", "Published 3 March 2026" or "Scheduled for 3 March 2026 at 9am".
pub fn state_label(publish_at: &Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match publish_at {
        None => "Draft".into(),
        Some(at) if *at <= now => format!("Published {}", london::date(london::day_of(*at))),
        Some(at) => format!("Scheduled for {}", london::date_time(*at)),
    }
}

/// The web address typed, or one made from the title; a clear message if it cannot be used.
pub fn check_slug(errors: &mut FormErrors, typed: &str, title: &str) -> String {
    let wanted = if typed.trim().is_empty() {
        crate::domain::slug::slugify(title)
    } else {
        typed.trim().to_owned()
    };
    match crate::domain::slug::parse(&wanted) {
        Ok(slug) => slug,
        Err(problem) => {
            if !title.trim().is_empty() || !typed.trim().is_empty() {
                errors.add("slug", problem);
            }
            String::new()
        }
    }
}

/// An image chosen by its upload number, which must be an uploaded image.
pub fn check_image(errors: &mut FormErrors, typed: &str, images: &[i64]) -> Option<i64> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    match typed.parse::<i64>() {
        Ok(id) if images.contains(&id) => Some(id),
        _ => {
            errors.add("image", "Choose one of the uploaded images");
            None
        }
    }
}
