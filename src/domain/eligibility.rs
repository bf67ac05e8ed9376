//! Who gets free places: NHS staff in England, recognised by their email domain.

use super::email::Email;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnerType {
    Nhs,
    External,
}

impl LearnerType {
    pub fn as_str(self) -> &'static str {
        match self {
            LearnerType::Nhs => "nhs",
            LearnerType::External => "external",
        }
    }

    pub fn parse(raw: &str) -> Option<LearnerType> {
        match raw {
            "nhs" => Some(LearnerType::Nhs),
            "external" => Some(LearnerType::External),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LearnerType::Nhs => "NHS staff in England (free places)",
            LearnerType::External => "External learner (fee-paying places)",
        }
    }
}

/// Serialises as its stored text (`as_str`), as the string field it replaced did.
impl serde::Serialize for LearnerType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The NHS England email domains: an allow-list (each with its subdomains) minus a deny-list
/// (the devolved nations' subdomains, whose staff are not covered).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NhsDomains {
    allow: Vec<String>,
    deny: Vec<String>,
}

impl NhsDomains {
    pub const DEFAULT_ALLOW: &'static str = "nhs.net,nhs.uk";
    pub const DEFAULT_DENY: &'static str = "wales.nhs.uk,scot.nhs.uk";

    /// Comma-separated domain lists. An empty or malformed entry is an error.
    pub fn parse(allow: &str, deny: &str) -> Result<NhsDomains, String> {
        Ok(NhsDomains {
            allow: parse_list(allow)?,
            deny: parse_list(deny)?,
        })
    }

    /// The type an address gives, with the reason shown on the account page.
    pub fn decide(&self, email: &Email) -> (LearnerType, String) {
        let domain = email.domain();
        if let Some(denied) = self.deny.iter().find(|d| covers(d, domain)) {
            return (
                LearnerType::External,
                format!("Email address on {denied}, which is outside NHS England"),
            );
        }
        match self.allow.iter().find(|d| covers(d, domain)) {
            Some(allowed) => (
                LearnerType::Nhs,
                format!("Email address on an NHS domain ({allowed})"),
            ),
            None => (
                LearnerType::External,
                "Email address not on an NHS domain".to_owned(),
            ),
        }
    }
}

fn covers(listed: &str, domain: &str) -> bool {
    domain == listed
        || domain
            .strip_suffix(listed)
            .is_some_and(|rest| rest.ends_with('.'))
}

fn parse_list(raw: &str) -> Result<Vec<String>, String> {
    raw.split(',')
        .map(|d| d.trim().trim_start_matches('.').to_lowercase())
        .filter(|d| !d.is_empty())
        .map(|d| {
            let valid = d.contains('.')
                && d.split('.').all(|label| {
                    !label.is_empty()
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if valid {
                Ok(d)
            } else {
                Err(format!("{d:?} is not a domain"))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(address: &str) -> LearnerType {
        let domains =
            NhsDomains::parse(NhsDomains::DEFAULT_ALLOW, NhsDomains::DEFAULT_DENY).unwrap();
        domains.decide(&Email::parse(address).unwrap()).0
    }

    #[test]
    fn nhs_england_addresses_get_free_places() {
        assert_eq!(decide("a.nurse@nhs.net"), LearnerType::Nhs);
        assert_eq!(decide("a.nurse@NHS.NET"), LearnerType::Nhs);
        assert_eq!(decide("doc@leedsth.nhs.uk"), LearnerType::Nhs);
        assert_eq!(decide("doc@deep.sub.nhs.uk"), LearnerType::Nhs);
    }

    #[test]
    fn devolved_nations_and_lookalikes_do_not() {
        assert_eq!(decide("nurse@wales.nhs.uk"), LearnerType::External);
        assert_eq!(decide("nurse@cardiff.wales.nhs.uk"), LearnerType::External);
        assert_eq!(decide("nurse@scot.nhs.uk"), LearnerType::External);
        assert_eq!(decide("x@notnhs.net"), LearnerType::External);
        assert_eq!(decide("x@nhs.net.evil.example"), LearnerType::External);
        assert_eq!(decide("x@example.com"), LearnerType::External);
    }

    #[test]
    fn lists_are_validated() {
        assert!(NhsDomains::parse("nhs.net, .nhs.uk", "").is_ok());
        assert!(NhsDomains::parse("nhs.net,not a domain", "").is_err());
        assert!(NhsDomains::parse("localhost", "").is_err());
    }
}
