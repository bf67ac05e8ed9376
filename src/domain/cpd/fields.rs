//! What the CPD forms share: a problem beside a field, the list of them, text limits, and
//! dates typed as day, month and year.

use chrono::{Datelike, NaiveDate};

/// The most characters in a one-line field (title, provider, a name).
pub const LINE_MAX: usize = 200;
/// The most characters in a text area (outcomes, topic, each part of a reflection).
pub const TEXT_MAX: usize = 5_000;

/// Dates before this year are refused as typing slips ("1026" for "2026").
pub const EARLIEST_YEAR: i32 = 2000;

/// A problem with one field, shown beside it and in the error summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    /// The HTML form field's name ("started_on" for the three date boxes
    /// `started_on_day`, `started_on_month`, `started_on_year`).
    pub field: &'static str,
    pub message: String,
}

/// A date as its three boxes sent it.
#[derive(Clone, Copy, Debug, Default)]
pub struct DateParts<'a> {
    pub day: &'a str,
    pub month: &'a str,
    pub year: &'a str,
}

impl<'a> DateParts<'a> {
    pub fn new(day: &'a str, month: &'a str, year: &'a str) -> Self {
        DateParts { day, month, year }
    }
}

/// The three boxes a stored date is shown again as: ("3", "3", "2026").
pub fn date_parts(day: NaiveDate) -> (String, String, String) {
    (
        day.day().to_string(),
        day.month().to_string(),
        day.year().to_string(),
    )
}

/// Problems found so far, in form order, one per field (the first found).
#[derive(Debug, Default)]
pub(super) struct Problems(pub(super) Vec<FieldProblem>);

impl Problems {
    pub(super) fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if !self.has(field) {
            self.0.push(FieldProblem {
                field,
                message: message.into(),
            });
        }
    }

    pub(super) fn has(&self, field: &str) -> bool {
        self.0.iter().any(|p| p.field == field)
    }

    /// `Ok(value)` if nothing was found, else every problem.
    pub(super) fn finish<T>(
        self,
        value: impl FnOnce() -> Option<T>,
    ) -> Result<T, Vec<FieldProblem>> {
        match (self.0.is_empty(), value()) {
            (true, Some(value)) => Ok(value),
            _ => Err(self.0),
        }
    }

    /// One line of trimmed text, at most [`LINE_MAX`] characters; `required` is the
    /// message when it is empty. Line breaks and control characters are refused.
    pub(super) fn line(
        &mut self,
        field: &'static str,
        label: &str,
        raw: &str,
        required: Option<&str>,
    ) -> Option<String> {
        self.text(field, label, raw, required, LINE_MAX, |c| c.is_control())
    }

    /// A text area, at most [`TEXT_MAX`] characters: line breaks and tabs are kept.
    pub(super) fn area(
        &mut self,
        field: &'static str,
        label: &str,
        raw: &str,
        required: Option<&str>,
    ) -> Option<String> {
        self.text(field, label, raw, required, TEXT_MAX, |c| {
            c.is_control() && !matches!(c, '\n' | '\t')
        })
    }

    /// The trimmed text, `None` when empty (or refused).
    fn text(
        &mut self,
        field: &'static str,
        label: &str,
        raw: &str,
        required: Option<&str>,
        max: usize,
        refused: impl Fn(char) -> bool,
    ) -> Option<String> {
        // Browsers send a text area's line breaks as CRLF but count them as one
        // character against `maxlength`: count (and keep) them as one too.
        let value = raw.replace("\r\n", "\n");
        let value = value.trim();
        if value.is_empty() {
            if let Some(message) = required {
                self.add(field, message);
            }
            return None;
        }
        if value.chars().any(refused) {
            self.add(
                field,
                format!("Remove the line breaks or unusual characters from {label}"),
            );
        } else if value.chars().count() > max {
            self.add(
                field,
                format!(
                    "{} must be {} characters or fewer",
                    capitalised(label),
                    grouped(max)
                ),
            );
        }
        Some(value.to_owned())
    }

    /// A required date in the past or today, in [`EARLIEST_YEAR`] or later. `what` names it in messages: "the date the
    /// activity started" ("Enter the date the activity started") and `short` its subject
    /// ("The start date must be a real date").
    pub(super) fn past_date(
        &mut self,
        field: &'static str,
        parts: DateParts<'_>,
        what: &str,
        short: &str,
        today: NaiveDate,
    ) -> Option<NaiveDate> {
        let boxes = [
            ("day", parts.day.trim()),
            ("month", parts.month.trim()),
            ("year", parts.year.trim()),
        ];
        if boxes.iter().all(|(_, v)| v.is_empty()) {
            self.add(field, format!("Enter {what}"));
            return None;
        }
        if let Some((name, _)) = boxes.iter().find(|(_, v)| v.is_empty()) {
            self.add(field, format!("{short} must include a {name}"));
            return None;
        }
        let number = |s: &str| s.parse::<u32>().ok();
        let year = Some(boxes[2].1)
            .filter(|y| y.len() == 4)
            .and_then(|y| y.parse::<i32>().ok());
        let Some(date) = year.and_then(|year| {
            NaiveDate::from_ymd_opt(year, number(boxes[1].1)?, number(boxes[0].1)?)
        }) else {
            self.add(
                field,
                format!("{short} must be a real date, like 27 3 2026"),
            );
            return None;
        };
        if date.year() < EARLIEST_YEAR {
            self.add(
                field,
                format!("{short} must be in {EARLIEST_YEAR} or later"),
            );
            return None;
        }
        if date > today {
            self.add(field, format!("{short} must be today or in the past"));
            return None;
        }
        Some(date)
    }
}

fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "5,000" for 5000.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn date(parts: [&str; 3], today: NaiveDate) -> Result<NaiveDate, String> {
        let mut problems = Problems::default();
        let parts = DateParts::new(parts[0], parts[1], parts[2]);
        problems
            .past_date("on", parts, "the date", "The date", today)
            .ok_or_else(|| problems.0[0].message.clone())
    }

    #[test]
    fn dates_are_real_and_not_in_the_future() {
        let today = day(2026, 3, 3);
        assert_eq!(date(["3", "3", "2026"], today), Ok(today));
        assert_eq!(date([" 03 ", "03", "2026"], today), Ok(today));
        assert_eq!(date(["29", "2", "2024"], today), Ok(day(2024, 2, 29)));
        assert_eq!(
            date(["4", "3", "2026"], today).unwrap_err(),
            "The date must be today or in the past"
        );
        assert_eq!(date(["", "", ""], today).unwrap_err(), "Enter the date");
        assert_eq!(date(["1", "1", "2000"], today), Ok(day(2000, 1, 1)));
        assert_eq!(
            date(["31", "12", "1999"], today).unwrap_err(),
            "The date must be in 2000 or later"
        );
        assert_eq!(
            date(["3", "", "2026"], today).unwrap_err(),
            "The date must include a month"
        );
        for bad in [
            ["29", "2", "2025"],
            ["3", "3", "26"],
            ["x", "3", "2026"],
            ["3", "13", "2026"],
        ] {
            assert_eq!(
                date(bad, today).unwrap_err(),
                "The date must be a real date, like 27 3 2026",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn text_is_trimmed_limited_and_counted_as_browsers_do() {
        let mut problems = Problems::default();
        let exactly = "a".repeat(LINE_MAX);
        assert_eq!(
            problems.line("title", "the title", &format!(" {exactly} "), None),
            Some(exactly)
        );
        assert!(problems.0.is_empty());
        problems.line("title", "the title", &"a".repeat(LINE_MAX + 1), None);
        assert_eq!(
            problems.0[0].message,
            "The title must be 200 characters or fewer"
        );

        let mut problems = Problems::default();
        let lines = "a\r\n".repeat(TEXT_MAX / 2 - 1) + "aa";
        assert!(problems.area("topic", "the topic", &lines, None).is_some());
        assert!(problems.0.is_empty(), "CRLF counts as one character");
        problems.area("topic", "the topic", &"é".repeat(TEXT_MAX + 1), None);
        assert_eq!(
            problems.0[0].message,
            "The topic must be 5,000 characters or fewer"
        );

        let mut problems = Problems::default();
        problems.line("title", "the title", "two\nlines", None);
        assert_eq!(
            problems.0[0].message,
            "Remove the line breaks or unusual characters from the title"
        );
        assert_eq!(problems.area("x", "it", "  ", Some("Enter it")), None);
        assert_eq!(problems.0[1].message, "Enter it");
    }
}
