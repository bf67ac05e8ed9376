//! Slugs: the readable last part of a course's address.

use super::search::fold;

pub const MAX_LEN: usize = 80;

/// A slug made from a title: "A systems approach…" → "a-systems-approach…".
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in fold(title).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug: String = slug.chars().take(MAX_LEN).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// A slug as someone typed it, checked.
pub fn parse(raw: &str) -> Result<String, &'static str> {
    let slug = raw.trim().to_ascii_lowercase();
    if slug.is_empty() {
        return Err("Enter a web address, like safety-management");
    }
    let valid = slug.len() <= MAX_LEN
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if valid {
        Ok(slug)
    } else {
        Err("Use only letters, numbers and single hyphens, up to 80 characters")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_readable_slugs() {
        assert_eq!(
            slugify(
                "A systems approach to investigating and learning from patient safety incidents"
            ),
            "a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents"
        );
        assert_eq!(
            slugify("  Human factors: Part 2 — Ärzte & Pflege! "),
            "human-factors-part-2-arzte-pflege"
        );
        assert!(slugify(&"word ".repeat(40)).len() <= MAX_LEN);
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn typed_slugs_are_checked() {
        assert_eq!(parse("Human-Factors"), Ok("human-factors".into()));
        for bad in ["", "-a", "a-", "a--b", "a b", "ä", &"a".repeat(81)] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
