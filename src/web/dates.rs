//! Dates typed as day, month and year, and instants typed as a date and a UK time: parsing
//! with a message for each problem, and the parts a stored date is shown again as.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::domain::london;
use crate::web::forms::FormErrors;

/// A date's day, month and year, as the form's three boxes show them.
pub(crate) fn parts(day: NaiveDate) -> (String, String, String) {
    use chrono::Datelike;
    (
        day.day().to_string(),
        day.month().to_string(),
        day.year().to_string(),
    )
}

/// A UK clock time as the form shows it: "09:30".
pub(crate) fn clock(at: NaiveTime) -> String {
    at.format("%H:%M").to_string()
}

/// A real date between 2000 and 2100 from its three boxes.
pub fn parse_date([day, month, year]: [&String; 3]) -> Option<NaiveDate> {
    let number = |s: &String| s.trim().parse::<u32>().ok();
    let year = year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))?;
    NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
}

/// A required date field; a problem is recorded against `field`.
pub(crate) fn date(
    errors: &mut FormErrors,
    field: &'static str,
    label: &str,
    values: [&String; 3],
) -> Option<NaiveDate> {
    if values.iter().all(|v| v.trim().is_empty()) {
        errors.add(field, format!("Enter the {label}"));
        return None;
    }
    optional_date(errors, field, label, values)
}

/// A date field that may be left empty; a problem is recorded against `field`.
pub(crate) fn optional_date(
    errors: &mut FormErrors,
    field: &'static str,
    label: &str,
    values: [&String; 3],
) -> Option<NaiveDate> {
    if values.iter().all(|v| v.trim().is_empty()) {
        return None;
    }
    let parsed = parse_date(values);
    if parsed.is_none() {
        errors.add(
            field,
            format!("The {label} must be a real date, like 27 3 2026"),
        );
    }
    parsed
}

/// A required date with a UK time (9am when the time is left empty), as an instant.
pub(crate) fn instant(
    errors: &mut FormErrors,
    field: &'static str,
    label: &str,
    values: [&String; 3],
    time: &str,
) -> Option<DateTime<Utc>> {
    let day = date(errors, field, label, values)?;
    let Some(at) = london::parse_time(time).or_else(|| {
        time.trim()
            .is_empty()
            .then(|| NaiveTime::from_hms_opt(9, 0, 0))
            .flatten()
    }) else {
        errors.add(
            field,
            format!("Enter the time for the {label}, like 9:00am or 17:00"),
        );
        return None;
    };
    london::to_utc(day, at)
        .map_err(|problem| errors.add(field, problem.to_string()))
        .ok()
}
