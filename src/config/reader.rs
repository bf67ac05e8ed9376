//! Reading variables: each value trimmed and parsed, each problem recorded under the
//! variable's name while the default stands in.

use std::fmt;

/// Reads variables, recording each problem (prefixed with the variable's name) and standing
/// in the default so that every other variable is still checked.
pub(super) struct Reader<'a> {
    pub(super) lookup: &'a dyn Fn(&str) -> Option<String>,
    pub(super) problems: Vec<String>,
}

impl Reader<'_> {
    /// The trimmed value, `None` when unset or blank.
    pub(super) fn raw(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub(super) fn problem(&mut self, message: &str) {
        self.problems.push(message.to_owned());
    }

    pub(super) fn parse<T>(
        &mut self,
        name: &str,
        default: T,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> T {
        let Some(raw) = self.raw(name) else {
            return default;
        };
        parse(&raw).unwrap_or_else(|message| {
            self.problems.push(format!("{name} {message}"));
            default
        })
    }

    pub(super) fn number<T>(
        &mut self,
        name: &str,
        default: T,
        range: std::ops::RangeInclusive<T>,
    ) -> T
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        self.parse(name, default, |raw| match raw.parse::<T>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(format!(
                "must be a whole number from {} to {}, not {raw:?}",
                range.start(),
                range.end()
            )),
        })
    }
}
