//! Money in whole pence: parsed from what people type, shown as "£250" or "£250.50".

/// The most a course place may cost, as a guard against typing slips.
pub const MAX_FEE_PENCE: i64 = 100_000 * 100;

/// Reads "£250", "250.00", "250", "£1,250.5" into pence, or says what is wrong.
pub fn parse_pounds(raw: &str) -> Result<i64, &'static str> {
    const FORMAT: &str = "Enter the fee in pounds, like £250 or 250.00";
    let cleaned: String = raw
        .trim()
        .trim_start_matches('£')
        .trim()
        .chars()
        .filter(|c| *c != ',')
        .collect();
    if cleaned.is_empty() {
        return Err("Enter the fee for learners outside the NHS in England, or 0");
    }
    let (pounds, pence) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(pounds)
        || !(pence.is_empty() || digits(pence))
        || pence.len() > 2
        || pounds.len() > 9
    {
        return Err(FORMAT);
    }
    let pounds: i64 = pounds.parse().map_err(|_| FORMAT)?;
    let pence: i64 = match pence.len() {
        0 => 0,
        1 => pence.parse::<i64>().map_err(|_| FORMAT)? * 10,
        _ => pence.parse().map_err(|_| FORMAT)?,
    };
    let total = pounds * 100 + pence;
    if total > MAX_FEE_PENCE {
        return Err("The fee must be £100,000 or less");
    }
    Ok(total)
}

/// "£250", "£250.50", "£1,250".
pub fn format_pence(pence: i64) -> String {
    let (pounds, rest) = (pence / 100, pence % 100);
    let digits = pounds.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if rest == 0 {
        format!("£{grouped}")
    } else {
        format!("£{grouped}.{rest:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_people_type() {
        assert_eq!(parse_pounds("£250"), Ok(25_000));
        assert_eq!(parse_pounds("250.00"), Ok(25_000));
        assert_eq!(parse_pounds(" 250 "), Ok(25_000));
        assert_eq!(parse_pounds("£1,250.5"), Ok(125_050));
        assert_eq!(parse_pounds("0"), Ok(0));
        assert_eq!(
            parse_pounds("250."),
            Ok(25_000),
            "a trailing point is harmless"
        );
        for bad in [
            "",
            "£",
            "-5",
            "12.345",
            "ten",
            "1e3",
            "£ 2 50",
            ".5",
            "99999999999",
        ] {
            assert!(parse_pounds(bad).is_err(), "{bad:?}");
        }
        assert!(parse_pounds("100001").is_err());
    }

    #[test]
    fn shows_pounds_the_gov_uk_way() {
        assert_eq!(format_pence(25_000), "£250");
        assert_eq!(format_pence(25_050), "£250.50");
        assert_eq!(format_pence(12_500_000), "£125,000");
        assert_eq!(format_pence(5), "£0.05");
    }
}
