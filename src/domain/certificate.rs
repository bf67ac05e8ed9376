//! Certificates' rules: the public code (its alphabet, length and shape), the states a
//! certificate can be in, and how many of its CPD minutes count as participatory.

use chrono::{DateTime, Utc};
use rand::Rng;

labelled_enum!(CertificateState {
    Valid = "valid", "Valid";
    Revoked = "revoked", "Revoked";
    Replaced = "replaced", "Replaced";
});

/// The characters of a code: RFC 4648 base32 in lower case (no 0, 1, 8 or 9, so nothing
/// reads as O, I, l or B on paper).
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// 26 characters of 5 bits: 130 random bits, past the 128 that make guessing hopeless.
pub const CODE_LENGTH: usize = 26;

/// A certificate's public code, as it appears in its verification address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Code(String);

impl Code {
    /// A fresh code from the operating system's generator (ThreadRng is a CSPRNG seeded
    /// from it).
    pub fn generate() -> Code {
        let mut rng = rand::rng();
        let code = (0..CODE_LENGTH)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        Code(code)
    }

    /// A code as typed into an address: exactly [`CODE_LENGTH`] characters of the
    /// alphabet in either case (an employer copies it from paper, a phone capitalises it),
    /// nothing else (no trimming), so a malformed code never reaches the database.
    pub fn parse(raw: &str) -> Option<Code> {
        let folded = raw.to_ascii_lowercase();
        (folded.len() == CODE_LENGTH && folded.bytes().all(|b| ALPHABET.contains(&b)))
            .then_some(Code(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How many CPD minutes were participatory: the live sessions' total length, never more
/// than the course's CPD time (a course may count only part of its live time).
pub fn participatory_minutes(
    sessions: impl IntoIterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    cpd_minutes: i64,
) -> i64 {
    let live: i64 = sessions
        .into_iter()
        .map(|(starts, ends)| (ends - starts).num_minutes().max(0))
        .sum();
    live.min(cpd_minutes.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn codes_are_long_random_and_parse_back_exactly() {
        let a = Code::generate();
        let b = Code::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), CODE_LENGTH);
        assert_eq!(Code::parse(a.as_str()), Some(a.clone()));
        const { assert!(CODE_LENGTH * 5 >= 128) };
    }

    #[test]
    fn malformed_codes_are_refused() {
        let good = "abcdefghijklmnopqrstuvwxyz";
        assert!(Code::parse(good).is_some());
        assert_eq!(
            Code::parse("ABCDEFGHIJKLMnopqrstuvwxyz"),
            Code::parse(good),
            "either case"
        );
        for bad in [
            "",
            "abc",
            "abcdefghijklmnopqrstuvwxy1",
            "abcdefghijklmnopqrstuvwxyz2",
            " abcdefghijklmnopqrstuvwxy",
            "abcdefghijklmnopqrstuvwxý",
            "abcdefghijklm/opqrstuvwxyz",
        ] {
            assert_eq!(Code::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn live_sessions_are_participatory_up_to_the_cpd_time() {
        let at = Utc.with_ymd_and_hms(2026, 5, 4, 8, 30, 0).unwrap();
        let sessions = [
            (at, at + Duration::hours(3)),
            (
                at + Duration::days(14),
                at + Duration::days(14) + Duration::minutes(90),
            ),
        ];
        assert_eq!(participatory_minutes(sessions, 18 * 60), 270);
        assert_eq!(participatory_minutes(sessions, 120), 120, "capped");
        assert_eq!(participatory_minutes([], 600), 0, "self-paced");
        assert_eq!(
            participatory_minutes([(at, at - Duration::hours(1))], 600),
            0
        );
    }
}
