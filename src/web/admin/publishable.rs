//! What the report and post forms share: draft, publish now or schedule (a date and time in
//! London), the web address, choosing an uploaded image, the list with each item's state,
//! and what a refused save or deletion shows.

use chrono::{DateTime, NaiveDate, Utc};

use super::cohort_form::instant;
use crate::content::publishable::{Kind, Publication, PublishableError, state_label};
use crate::domain::london;
use crate::error::AppError;
use crate::web::forms::FormErrors;

/// The publishing fields as typed: "draft", "now" or "scheduled", with the date and time
/// for a schedule.
#[derive(Clone, Debug, Default)]
pub struct PublicationForm {
    pub status: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub time: String,
}

impl PublicationForm {
    /// The form's view of a stored publication time.
    pub fn from_stored(publish_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> PublicationForm {
        let status = |status: &str| PublicationForm {
            status: status.into(),
            ..PublicationForm::default()
        };
        match Publication::of_stored(publish_at, now) {
            Publication::Draft => status("draft"),
            Publication::Now => status("now"),
            Publication::At(at) => {
                let (day, month, year) = date_parts(Some(london::day_of(at)));
                PublicationForm {
                    status: "scheduled".into(),
                    day,
                    month,
                    year,
                    time: london_clock(at),
                }
            }
        }
    }

    /// The choice, checked: a scheduled time must be a real one in the future.
    pub fn check(&self, errors: &mut FormErrors, now: DateTime<Utc>) -> Option<Publication> {
        match self.status.as_str() {
            "draft" => Some(Publication::Draft),
            "now" => Some(Publication::Now),
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
                Some(Publication::At(at))
            }
            _ => {
                errors.add("status", "Choose whether to publish");
                None
            }
        }
    }
}

/// A date as the day, month and year fields show it (empty for none).
pub fn date_parts(day: Option<NaiveDate>) -> (String, String, String) {
    use chrono::Datelike;
    match day {
        Some(day) => (
            day.day().to_string(),
            day.month().to_string(),
            day.year().to_string(),
        ),
        None => Default::default(),
    }
}

/// "09:30": the time of day in London, as a time field shows it.
pub fn london_clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::London)
        .format("%H:%M")
        .to_string()
}

/// Each item beside its state ("Draft", "Published …", "Scheduled for …"), for a list.
pub fn with_states<T>(
    items: Vec<T>,
    publish_at: impl Fn(&T) -> Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<(T, String)> {
    items
        .into_iter()
        .map(|item| {
            let label = state_label(&publish_at(&item), now);
            (item, label)
        })
        .collect()
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

/// An uploaded file chosen by its number, which must be one of `choices`; otherwise
/// `message` beside `field`.
pub fn check_upload(
    errors: &mut FormErrors,
    field: &'static str,
    typed: &str,
    choices: &[i64],
    message: &'static str,
) -> Option<i64> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    match typed.parse::<i64>() {
        Ok(id) if choices.contains(&id) => Some(id),
        _ => {
            errors.add(field, message);
            None
        }
    }
}

/// A picture chosen by its upload number, which must be an uploaded image.
pub fn check_image(errors: &mut FormErrors, typed: &str, images: &[i64]) -> Option<i64> {
    check_upload(
        errors,
        "image",
        typed,
        images,
        "Choose one of the uploaded images",
    )
}

/// The field error for an address another item of this kind has.
pub fn slug_taken(kind: Kind) -> FormErrors {
    let mut errors = FormErrors::default();
    let message = match kind {
        Kind::Report => "Another report already uses that web address. Choose another",
        Kind::Post => "Another post already uses that web address. Choose another",
    };
    errors.add("slug", message);
    errors
}

/// A refused save or deletion as a status page (a taken address, which the forms show
/// beside the field, only when it was taken by a save at the same moment).
impl From<PublishableError> for AppError {
    fn from(error: PublishableError) -> Self {
        match error {
            PublishableError::NotFound(_) => AppError::NotFound,
            PublishableError::SlugTaken(kind) | PublishableError::SlugTakenJustNow(kind) => {
                AppError::BadRequest(format!(
                    "Another {} was saved with that web address just now. Go back and choose another.",
                    kind.noun()
                ))
            }
            PublishableError::Db(error) => error.into(),
        }
    }
}
