//! The rule a new password must meet before it is hashed.

use std::fmt;

/// Why a new password was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
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
            PasswordProblem::TooLong => {
                write!(
                    f,
                    "Password must be {} characters or fewer",
                    Self::MAX_CHARS
                )
            }
        }
    }
}

impl std::error::Error for PasswordProblem {}

/// Length only, after NCSC guidance: no composition rules.
pub fn check_new_password(password: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < PasswordProblem::MIN_CHARS {
        Err(PasswordProblem::TooShort)
    } else if chars > PasswordProblem::MAX_CHARS {
        Err(PasswordProblem::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(
            check_new_password("123456789"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_new_password("ééééééééé"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(check_new_password("correct horse"), Ok(()));
        assert_eq!(check_new_password(&"x".repeat(128)), Ok(()));
        assert_eq!(
            check_new_password(&"x".repeat(1025)),
            Err(PasswordProblem::TooLong)
        );
    }
}
