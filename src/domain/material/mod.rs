//! Cohort materials: their kinds, the file formats accepted (`file`: read from the file's
//! bytes, never its name or the type a browser claims), the links accepted (http and https
//! only), and who may see one when.

mod file;

use chrono::{DateTime, Utc};

use super::enrolment::Status;
pub use file::{FileFormat, Refused, sniff};

labelled_enum!(MaterialKind {
    File = "file", "File";
    Link = "link", "Link";
    Note = "note", "Note";
});

/// An address a learner can be sent to: http or https, with a host and no user name or
/// password in it (which make an address look like another site's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link(String);

impl Link {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why an address is not accepted as a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    NotAnAddress,
    /// `javascript:`, `data:`, `file:`, `ftp:`…
    Scheme,
    Credentials,
    TooLong,
}

impl std::fmt::Display for LinkProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LinkProblem::NotAnAddress => {
                "Enter a full web address, starting with https://, like https://example.org/recording"
            }
            LinkProblem::Scheme => "The address must start with https:// or http://",
            LinkProblem::Credentials => {
                "The address must not contain a user name or password. Share the link without them"
            }
            LinkProblem::TooLong => "The address must be 2,000 characters or fewer",
        })
    }
}

pub const MAX_LINK_CHARS: usize = 2000;

pub fn parse_link(raw: &str) -> Result<Link, LinkProblem> {
    let raw = raw.trim();
    if raw.chars().count() > MAX_LINK_CHARS {
        return Err(LinkProblem::TooLong);
    }
    let url = url::Url::parse(raw).map_err(|_| LinkProblem::NotAnAddress)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(LinkProblem::Scheme);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(LinkProblem::NotAnAddress);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LinkProblem::Credentials);
    }
    Ok(Link(url.to_string()))
}

/// Whether a material's time has come: at once without a time, or once it has passed.
pub fn is_available(available_from: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    available_from.is_none_or(|at| at <= now)
}

/// A learner sees a cohort's materials while their place on it is confirmed, and after the
/// course whatever its outcome (they took part and may look back), once each is available.
/// Waiting, holding, offered, cancelled and moved places see none.
pub fn learner_may_see(
    status: Status,
    available_from: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    matches!(
        status,
        Status::Confirmed | Status::Completed | Status::NotCompleted
    ) && is_available(available_from, now)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn only_plain_web_addresses_are_links() {
        assert_eq!(
            parse_link(" https://example.org/recording?id=4 ").map(|l| l.0),
            Ok("https://example.org/recording?id=4".to_owned())
        );
        assert!(parse_link("http://intranet.example.nhs.uk/folder").is_ok());
        for (raw, problem) in [
            ("javascript:alert(1)", LinkProblem::Scheme),
            ("JavaScript:alert(1)", LinkProblem::Scheme),
            ("data:text/html;base64,PHNjcmlwdD4=", LinkProblem::Scheme),
            ("file:///etc/passwd", LinkProblem::Scheme),
            ("ftp://example.org/x", LinkProblem::Scheme),
            ("example.org/recording", LinkProblem::NotAnAddress),
            ("//example.org/x", LinkProblem::NotAnAddress),
            ("", LinkProblem::NotAnAddress),
            ("https://user:pass@example.org/", LinkProblem::Credentials),
        ] {
            assert_eq!(parse_link(raw), Err(problem), "{raw}");
        }
        let long = format!("https://example.org/{}", "a".repeat(MAX_LINK_CHARS));
        assert_eq!(parse_link(&long), Err(LinkProblem::TooLong));
    }

    #[test]
    fn confirmed_learners_see_materials_once_available() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let later = Some(now + Duration::minutes(1));
        assert!(learner_may_see(Status::Confirmed, None, now));
        assert!(learner_may_see(Status::Confirmed, Some(now), now));
        assert!(!learner_may_see(Status::Confirmed, later, now));
        assert!(learner_may_see(Status::Completed, None, now));
        assert!(learner_may_see(Status::NotCompleted, None, now));
        for status in [
            Status::Waitlisted,
            Status::Offered,
            Status::AwaitingPayment,
            Status::AwaitingInvoice,
            Status::Cancelled,
            Status::Moved,
        ] {
            assert!(!learner_may_see(status, None, now), "{status:?}");
        }
        for kind in MaterialKind::ALL {
            assert_eq!(MaterialKind::parse(kind.as_str()), Some(*kind));
        }
        for format in FileFormat::ALL {
            assert_eq!(FileFormat::parse(format.as_str()), Some(*format));
        }
    }
}
