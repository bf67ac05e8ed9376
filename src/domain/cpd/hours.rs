//! CPD time: typed in hours in quarter-hour steps ("2", "1.25", "1:30"), stored as whole
//! minutes, and shown everywhere as decimal hours ("1.25 hours", "1 hour", "0.25 hours").

use std::fmt;

/// The most one entry may claim: a guard against typing slips (the 24 hours a day rule
/// of `validation` applies on top).
pub const MAX_MINUTES: i64 = 1_000 * 60;

/// A length of time in whole minutes, never negative.
///
/// What people type is read in quarter-hour steps; a stored value (a verified entry's
/// course hours) may be any number of minutes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hours(i64);

/// Why typed hours were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoursProblem {
    Empty,
    /// Not a number of hours at all: "abc", "1e3", "1:5".
    NotANumber,
    /// A number, but not in quarter hours: "2.3", "1:20".
    NotAQuarterHour,
    /// Negative, or 0 where more than 0 is needed.
    TooFew,
    /// More than [`MAX_MINUTES`].
    TooMany,
}

impl HoursProblem {
    /// The message for a field whose name for people is `name` ("Hours",
    /// "Participatory hours"); `zero_allowed` words [`HoursProblem::TooFew`].
    pub fn message(self, name: &str, zero_allowed: bool) -> String {
        match self {
            HoursProblem::Empty => format!("Enter the {}", name.to_lowercase()),
            HoursProblem::NotANumber => format!(
                "{name} must be a number of hours in quarter hours, like 2, 1.5, 0.75 or 1:30"
            ),
            HoursProblem::NotAQuarterHour => format!(
                "{name} must be in quarter hours: a whole number, or ending .25, .5 or .75 (or :15, :30 or :45)"
            ),
            HoursProblem::TooFew if zero_allowed => format!("{name} must be 0 or more"),
            HoursProblem::TooFew => format!("{name} must be more than 0"),
            HoursProblem::TooMany => format!("{name} must be 1,000 or fewer"),
        }
    }
}

impl fmt::Display for HoursProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message("Hours", false))
    }
}

impl Hours {
    pub const ZERO: Hours = Hours(0);

    /// Typed hours, more than 0.
    pub fn parse(raw: &str) -> Result<Hours, HoursProblem> {
        match Hours::parse_allowing_zero(raw)? {
            Hours(0) => Err(HoursProblem::TooFew),
            hours => Ok(hours),
        }
    }

    /// Typed hours where 0 is an answer (participatory hours of reading alone).
    ///
    /// Allowed: a whole or decimal number ending .25, .5 or .75 ("2", "2.5", "2.50",
    /// ".75"), or hours and minutes ("1:30", "0:45"), with spaces around and an optional
    /// "hours", "hrs" or "h" after. Refused: other fractions, signs, exponents, commas.
    pub fn parse_allowing_zero(raw: &str) -> Result<Hours, HoursProblem> {
        let text = raw.trim().to_ascii_lowercase();
        let text = ["hours", "hour", "hrs", "hr", "h"]
            .iter()
            .find_map(|unit| text.strip_suffix(unit))
            .unwrap_or(&text)
            .trim();
        if text.is_empty() {
            return Err(HoursProblem::Empty);
        }
        if let Some(rest) = text.strip_prefix('-') {
            return match Hours::parse_allowing_zero(rest) {
                Ok(Hours(0)) => Ok(Hours(0)),
                Ok(_) | Err(HoursProblem::TooMany) => Err(HoursProblem::TooFew),
                Err(problem) => Err(problem),
            };
        }
        let (whole, quarters) = match text.split_once(':') {
            Some((hours, minutes)) => (hours, clock_quarters(minutes)?),
            None => {
                let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
                if whole.is_empty() && fraction.is_empty() {
                    return Err(HoursProblem::NotANumber);
                }
                (whole, decimal_quarters(fraction)?)
            }
        };
        let whole = match whole {
            "" => 0,
            digits if digits.chars().all(|c| c.is_ascii_digit()) => {
                // More digits than any allowed value has: refuse before parsing overflows.
                if digits.trim_start_matches('0').len() > 6 {
                    return Err(HoursProblem::TooMany);
                }
                digits
                    .parse::<i64>()
                    .map_err(|_| HoursProblem::NotANumber)?
            }
            _ => return Err(HoursProblem::NotANumber),
        };
        let minutes = whole * 60 + quarters * 15;
        if minutes > MAX_MINUTES {
            return Err(HoursProblem::TooMany);
        }
        Ok(Hours(minutes))
    }

    /// A stored number of minutes; negative values are read as 0.
    pub fn from_minutes(minutes: i64) -> Hours {
        Hours(minutes.max(0))
    }

    pub fn minutes(self) -> i64 {
        self.0
    }

    /// The value a form box shows again: "1.25", "2", "0.5".
    pub fn form_value(self) -> String {
        decimal(self.0)
    }
}

/// Shown as [`hours_text`].
impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hours_text(self.0))
    }
}

/// The quarters of an hour in the digits after a decimal point ("5" is 2, "75" is 3).
fn decimal_quarters(fraction: &str) -> Result<i64, HoursProblem> {
    if !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(HoursProblem::NotANumber);
    }
    match fraction.trim_end_matches('0') {
        "" => Ok(0),
        "25" => Ok(1),
        "5" => Ok(2),
        "75" => Ok(3),
        _ => Err(HoursProblem::NotAQuarterHour),
    }
}

/// The quarters of an hour in the minutes after a colon: "00", "15", "30", "45".
fn clock_quarters(minutes: &str) -> Result<i64, HoursProblem> {
    if minutes.len() != 2 || !minutes.chars().all(|c| c.is_ascii_digit()) {
        return Err(HoursProblem::NotANumber);
    }
    match minutes
        .parse::<i64>()
        .map_err(|_| HoursProblem::NotANumber)?
    {
        m if m >= 60 => Err(HoursProblem::NotANumber),
        m if m % 15 != 0 => Err(HoursProblem::NotAQuarterHour),
        m => Ok(m / 15),
    }
}

/// Minutes as decimal hours, rounded down to 2 places so a total short of a target never
/// reads as reaching it: 2085 is "34.75", 2099 is "34.98", 1500 is "25", 90_000 "1,500".
fn decimal(minutes: i64) -> String {
    let hundredths = minutes.max(0) * 100 / 60;
    let (whole, rest) = (hundredths / 100, hundredths % 100);
    let whole = grouped(whole);
    match rest {
        0 => whole,
        r if r % 10 == 0 => format!("{whole}.{}", r / 10),
        r => format!("{whole}.{r:02}"),
    }
}

/// "1,000" for 1000.
fn grouped(n: i64) -> String {
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

/// The one format for CPD time: "1.25 hours", "1 hour", "0.25 hours", "0 hours".
pub fn hours_text(minutes: i64) -> String {
    let number = decimal(minutes);
    match number.as_str() {
        "1" => "1 hour".to_owned(),
        _ => format!("{number} hours"),
    }
}

/// The same number with "credits" (GMC: 1 credit is 1 hour): "50 credits", "1 credit".
pub fn credits_text(minutes: i64) -> String {
    let number = decimal(minutes);
    match number.as_str() {
        "1" => "1 credit".to_owned(),
        _ => format!("{number} credits"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(raw: &str) -> Result<i64, HoursProblem> {
        Hours::parse(raw).map(Hours::minutes)
    }

    #[test]
    fn reads_hours_as_people_type_them() {
        assert_eq!(minutes("2"), Ok(120));
        assert_eq!(minutes("2.5"), Ok(150));
        assert_eq!(minutes("1.25"), Ok(75));
        assert_eq!(minutes("0.75"), Ok(45));
        assert_eq!(minutes(".75"), Ok(45));
        assert_eq!(minutes("2.50"), Ok(150));
        assert_eq!(minutes("1:30"), Ok(90));
        assert_eq!(minutes("0:15"), Ok(15));
        assert_eq!(minutes(" 2 "), Ok(120));
        assert_eq!(minutes("2 hours"), Ok(120));
        assert_eq!(minutes("1.5h"), Ok(90));
        assert_eq!(minutes("1000"), Ok(MAX_MINUTES));
    }

    #[test]
    fn refuses_what_is_not_quarter_hours_with_a_reason() {
        use HoursProblem::*;
        assert_eq!(minutes(""), Err(Empty));
        assert_eq!(minutes("   "), Err(Empty));
        assert_eq!(minutes("2.3"), Err(NotAQuarterHour));
        assert_eq!(minutes("2.33"), Err(NotAQuarterHour));
        assert_eq!(minutes("1:20"), Err(NotAQuarterHour));
        assert_eq!(minutes("-1"), Err(TooFew));
        assert_eq!(minutes("0"), Err(TooFew));
        assert_eq!(minutes("0.00"), Err(TooFew));
        assert_eq!(minutes("abc"), Err(NotANumber));
        assert_eq!(minutes("1e3"), Err(NotANumber));
        assert_eq!(minutes("1,5"), Err(NotANumber));
        assert_eq!(minutes("+2"), Err(NotANumber));
        assert_eq!(minutes("."), Err(NotANumber));
        assert_eq!(minutes("1:5"), Err(NotANumber));
        assert_eq!(minutes("1:75"), Err(NotANumber));
        assert_eq!(minutes("1.2.5"), Err(NotANumber));
        assert_eq!(minutes("1000.25"), Err(TooMany));
        assert_eq!(minutes("99999999999999999999999"), Err(TooMany));
        assert_eq!(minutes("-99999999999999999999999"), Err(TooFew));
        assert_eq!(
            TooFew.message("Participatory hours", true),
            "Participatory hours must be 0 or more"
        );
        assert!(NotAQuarterHour.to_string().contains(".25, .5 or .75"));
    }

    #[test]
    fn zero_is_an_answer_only_where_allowed() {
        assert_eq!(Hours::parse_allowing_zero("0"), Ok(Hours::ZERO));
        assert_eq!(Hours::parse_allowing_zero("-0"), Ok(Hours::ZERO));
        assert_eq!(Hours::parse_allowing_zero("-1"), Err(HoursProblem::TooFew));
    }

    #[test]
    fn shows_decimal_hours_everywhere() {
        assert_eq!(hours_text(75), "1.25 hours");
        assert_eq!(hours_text(60), "1 hour");
        assert_eq!(hours_text(15), "0.25 hours");
        assert_eq!(hours_text(90), "1.5 hours");
        assert_eq!(hours_text(0), "0 hours");
        assert_eq!(hours_text(2100), "35 hours");
        assert_eq!(hours_text(2085), "34.75 hours");
        assert_eq!(hours_text(2099), "34.98 hours", "never rounded up to 35");
        assert_eq!(hours_text(90_000), "1,500 hours");
        assert_eq!(credits_text(3000), "50 credits");
        assert_eq!(credits_text(60), "1 credit");
        assert_eq!(Hours::parse("1:15").unwrap().form_value(), "1.25");
        assert_eq!(Hours::parse("2").unwrap().to_string(), "2 hours");
    }
}
