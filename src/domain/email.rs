//! `Email`: an address checked for shape and stored normalised (trimmed, lower-cased).

use std::fmt;

use email_address::{EmailAddress, Options};

/// A syntactically valid email address in its normalised form, so that letter case never
/// makes two accounts for one mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why an address was refused, phrased for the person who typed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailProblem {
    Empty,
    TooLong,
    Malformed,
}

impl fmt::Display for EmailProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmailProblem::Empty => "Enter an email address",
            EmailProblem::TooLong => "Email address must be 254 characters or fewer",
            EmailProblem::Malformed => {
                "Enter an email address in the correct format, like name@example.com"
            }
        })
    }
}

impl std::error::Error for EmailProblem {}

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Email, EmailProblem> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailProblem::Empty);
        }
        if trimmed.len() > Self::MAX_LEN {
            return Err(EmailProblem::TooLong);
        }
        let options = Options::default()
            .with_required_tld()
            .without_domain_literal()
            .without_display_text();
        let parsed = EmailAddress::parse_with_options(trimmed, options)
            .map_err(|_| EmailProblem::Malformed)?;
        // Quoted local parts are legal but almost always a typing mistake in a sign-up form.
        if parsed.local_part().contains(['"', ' ']) {
            return Err(EmailProblem::Malformed);
        }
        Ok(Email(trimmed.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        let email = Email::parse("  Amina.Okafor@Example.NHS.uk ").unwrap();
        assert_eq!(email.as_str(), "amina.okafor@example.nhs.uk");
        assert_eq!(email.domain(), "example.nhs.uk");
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        assert_eq!(Email::parse(""), Err(EmailProblem::Empty));
        assert_eq!(Email::parse("   "), Err(EmailProblem::Empty));
        for bad in [
            "name",
            "name@",
            "@example.com",
            "name@localhost",
            "a b@example.com",
            "name@[127.0.0.1]",
            "\"q\"@example.com",
            "Name <name@example.com>",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailProblem::Malformed), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailProblem::TooLong));
    }
}
