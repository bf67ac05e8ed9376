//! Text folded for search: lower case, accents removed, so "Ü" finds "u" on both databases.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cased, accent-free, whitespace collapsed, control characters (such as NUL, which
/// PostgreSQL refuses and SQLite cuts strings at) dropped.
pub fn fold(text: &str) -> String {
    let folded: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c) && (!c.is_control() || c.is_whitespace()))
        .collect::<String>()
        .to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A `like` pattern matching `query` (folded) anywhere; use it with `escape '\'`.
pub fn contains_pattern(query: &str) -> String {
    format!("%{}%", escape_like(&fold(query)))
}

/// `text` with `%`, `_` and `\` escaped for `like … escape '\'`.
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_spaces() {
        assert_eq!(fold("  Zoë   MÜLLER "), "zoe muller");
        assert_eq!(fold("Ångström"), "angstrom");
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("a\0b\u{7}c"), "abc");
    }

    #[test]
    fn patterns_escape_wildcards() {
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(contains_pattern("Ü"), "%u%");
    }
}
