//! Forms whose field names depend on what the page shows (a radio group per learner of a
//! register, per learning outcome of an evaluation): the body read by name, and problems
//! kept by those names for the error summary.

use serde::Deserialize;

use super::forms::{FormErrors, missing};
use crate::error::AppError;

/// A form whose field names depend on what the page shows (a radio group per learner of
/// a register, per learning outcome of an evaluation), read as name and value pairs in
/// body order. The rules of [`Form`](super::forms::Form)'s structs apply, by name:
/// [`Fields::required`] for a field the page always sends, [`Fields::optional`] for one a
/// browser may leave out (a radio group with nothing chosen, a button not pressed).
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Every value sent under `name`.
    fn all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The one value of a field the page always sends: absent is the 422 of [`missing`],
    /// and sent twice is a form the page could not have sent.
    pub fn required(&self, name: &str) -> Result<&str, AppError> {
        self.optional(name)?.ok_or_else(|| missing(name))
    }

    /// The value of a field a browser may leave out, if sent (once).
    pub fn optional(&self, name: &str) -> Result<Option<&str>, AppError> {
        let mut values = self.all(name);
        let first = values.next();
        match values.next() {
            None => Ok(first),
            Some(_) => Err(AppError::IncompleteForm(
                "This form sent something the page could not have sent.".to_owned(),
            )),
        }
    }

    /// The names sent that start with `prefix`, each once, in body order.
    pub fn names_starting(&self, prefix: &str) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for (name, _) in &self.0 {
            if name.starts_with(prefix) && !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        names
    }
}

/// Problems with a [`Fields`] form, whose field names depend on the page, for the same
/// error summary (`partials/error_summary.html`) and field messages as [`FormErrors`].
#[derive(Debug, Default)]
pub struct NamedErrors(Vec<(String, String)>);

impl NamedErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn list(&self) -> &[(String, String)] {
        &self.0
    }

    /// [`FormErrors::text`] for a field named at run time.
    pub fn text(
        &mut self,
        field: &str,
        value: &str,
        required: Option<&str>,
        max_chars: usize,
    ) -> String {
        self.checked(field, |errors| {
            errors.text("field", value, required, max_chars)
        })
    }

    /// [`FormErrors::multiline`] for a field named at run time.
    pub fn multiline(
        &mut self,
        field: &str,
        value: &str,
        required: Option<&str>,
        max_chars: usize,
    ) -> String {
        self.checked(field, |errors| {
            errors.multiline("field", value, required, max_chars)
        })
    }

    fn checked(&mut self, field: &str, check: impl FnOnce(&mut FormErrors) -> String) -> String {
        let mut one = FormErrors::default();
        let value = check(&mut one);
        if let Some(message) = one.get("field") {
            self.add(field, message);
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_named_by_the_page_are_read_by_name() {
        let fields: Fields =
            serde_html_form::from_bytes(b"attendance_4=present&note_4=&attendance_7=&x=1&x=2")
                .unwrap();
        assert_eq!(fields.required("attendance_4").unwrap(), "present");
        assert_eq!(fields.required("attendance_7").unwrap(), "", "sent empty");
        assert_eq!(fields.optional("action").unwrap(), None);
        assert!(matches!(
            fields.required("note_7"),
            Err(AppError::IncompleteForm(m)) if m == "This form was missing the ‘Note 7’ field."
        ));
        assert!(matches!(
            fields.optional("x"),
            Err(AppError::IncompleteForm(_))
        ));
        assert_eq!(
            fields.names_starting("attendance_"),
            ["attendance_4", "attendance_7"]
        );
    }
}
