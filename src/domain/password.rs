//! The rules a new password must meet (NCSC guidance: length and not guessable, no
//! composition rules).

use std::fmt;

use super::email::Email;

/// Why a new password was refused, phrased for the person choosing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    TooCommon,
    ContainsEmail,
}

impl PasswordProblem {
    pub const MIN_CHARS: usize = 10;
    /// Well above the 128 that guidance asks us to accept; stops multi-megabyte "passwords".
    pub const MAX_CHARS: usize = 1024;
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordProblem::TooShort => {
                write!(f, "Password must be {} characters or more", Self::MIN_CHARS)
            }
            PasswordProblem::TooLong => write!(
                f,
                "Password must be {} characters or fewer",
                Self::MAX_CHARS
            ),
            PasswordProblem::TooCommon => f.write_str(
                "Password is too easy to guess. Try three or four random words together",
            ),
            PasswordProblem::ContainsEmail => {
                f.write_str("Password must not contain your email address")
            }
        }
    }
}

impl std::error::Error for PasswordProblem {}

/// Checks a new password for an account with `email` (and other words about the person,
/// such as their name, that make a password guessable).
pub fn check_new_password(
    password: &str,
    email: Option<&Email>,
    personal_words: &[&str],
) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < PasswordProblem::MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > PasswordProblem::MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let local_part = email
        .and_then(|e| e.as_str().split('@').next())
        .unwrap_or("");
    if local_part.chars().count() >= 3 && password.to_lowercase().contains(local_part) {
        return Err(PasswordProblem::ContainsEmail);
    }
    // zxcvbn's cost grows with length; the first 100 characters decide guessability anyway.
    let sample: String = password.chars().take(100).collect();
    // zxcvbn matches its word lists in lower case.
    let words: Vec<String> = personal_words
        .iter()
        .chain(std::iter::once(&local_part))
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|word| word.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect();
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    if (zxcvbn::zxcvbn(&sample, &inputs).score() as u8) < 3 {
        return Err(PasswordProblem::TooCommon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(password: &str) -> Result<(), PasswordProblem> {
        check_new_password(
            password,
            Some(&Email::parse("amina.okafor@nhs.net").unwrap()),
            &["Amina Okafor"],
        )
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(check("short"), Err(PasswordProblem::TooShort));
        assert_eq!(check("ééééééééé"), Err(PasswordProblem::TooShort));
        assert_eq!(check(&"x".repeat(1025)), Err(PasswordProblem::TooLong));
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in [
            "password123",
            "qwertyuiop",
            "1234567890",
            "Password2024!",
            "okaforamina",
        ] {
            assert!(check(weak).is_err(), "{weak}");
        }
        assert_eq!(
            check("xAMINA.OKAFORx-lamp-river"),
            Err(PasswordProblem::ContainsEmail)
        );
    }

    #[test]
    fn long_random_passphrases_and_any_characters_are_accepted() {
        let long = "the quick brown ferret sketches seven blue lanterns beneath a crooked willow while \
                    distant trumpets argue about porridge recipes and minor tax law";
        assert!(long.chars().count() > 128);
        for strong in [
            "correct horse battery staple",
            "kettle-orbit-maple-tundra",
            "Łódź ☕ und Gänsefüße 42",
            long,
        ] {
            assert_eq!(check(strong), Ok(()), "{strong}");
        }
    }
}
