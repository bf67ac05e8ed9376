//! The learner's tags on an entry: typed comma separated, kept lower case with single
//! spaces, at most [`MAX_TAGS`] of [`TAG_MAX`] characters, stored as ",a,b," so one tag is
//! found with a plain `like '%,a,%'`.

use crate::domain::cpd::fields::FieldProblem;

pub const MAX_TAGS: usize = 10;
pub const TAG_MAX: usize = 40;

/// One tag as typed, normalised: trimmed, lower case, spaces collapsed; `None` if empty.
/// A comma cannot be inside one (it separates them).
pub fn normalise(raw: &str) -> Option<String> {
    let tag = raw
        .replace(',', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (!tag.is_empty()).then_some(tag)
}

/// The tags typed in the `tags` box, stored form (",a,b,", "" for none), or the problem.
/// Repeats are kept once, in the order first typed.
pub fn parse(raw: &str) -> Result<String, FieldProblem> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').filter_map(normalise) {
        if tag.chars().any(char::is_control) {
            return Err(problem("Remove the unusual characters from the tags"));
        }
        if tag.chars().count() > TAG_MAX {
            return Err(problem(format!(
                "Each tag must be {TAG_MAX} characters or fewer"
            )));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(problem(format!(
            "Enter {MAX_TAGS} tags or fewer, separated by commas"
        )));
    }
    Ok(stored(&tags))
}

/// ",a,b," for `["a", "b"]`, "" for none.
pub fn stored(tags: &[String]) -> String {
    match tags.is_empty() {
        true => String::new(),
        false => format!(",{},", tags.join(",")),
    }
}

/// The stored text as the box shows it again: "a, b".
pub fn typed(stored: &str) -> String {
    stored
        .split(',')
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn problem(message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field: "tags",
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_stored_with_commas_at_each_end() {
        assert_eq!(
            parse("  Falls ,  Night   Shift,falls,,").unwrap(),
            ",falls,night shift,"
        );
        assert_eq!(parse(" , ").unwrap(), "");
        assert_eq!(typed(",falls,night shift,"), "falls, night shift");
        assert_eq!(normalise(" A\tB "), Some("a b".to_owned()));
        let ten = (0..10)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(parse(&ten).is_ok());
        assert_eq!(
            parse(&format!("{ten},t10")).unwrap_err().message,
            "Enter 10 tags or fewer, separated by commas"
        );
        assert!(parse(&"a".repeat(40)).is_ok());
        assert_eq!(
            parse(&"a".repeat(41)).unwrap_err().message,
            "Each tag must be 40 characters or fewer"
        );
    }
}
