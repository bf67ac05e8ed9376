//! What every form shares: reading the body strictly ([`Form`]), field errors for the error
//! summary, reading trimmed text, and the 422 and 429 answers.

use askama::Template;
use axum::extract::{FromRequest, RawForm, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::auth::throttle::Blocked;
use crate::error::AppError;

/// A form body (`application/x-www-form-urlencoded`) read into `T`, used by every handler
/// instead of axum's `Form`.
///
/// A field of `T` without `#[serde(default)]` must be in the body: a form that always sends
/// it (a text box, a text area, a select, a radio group with one checked, a hidden field)
/// and arrives without it was not sent by our page as shown, so nothing is saved and the
/// answer is 422 with a page naming the field ([`missing`]). Only fields a browser
/// legitimately leaves out carry `#[serde(default)]`: unticked checkboxes, a radio group
/// with nothing chosen (the handler then gives its usual field error, never a default), an
/// optional multiple choice, the name of a submit button not pressed; and [`Sent`] fields,
/// which only some states of a page show ([`required`] where they are). An `Option` field
/// is optional too (absent and empty both read as `None`): only for a button's value.
/// Repeated names (checkbox groups, table rows, see [`rows_complete`]) read into `Vec`s.
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        // A wrong content type (415) or an unreadable body keeps axum's status; the
        // error-page layer gives it a page.
        let RawForm(body) = RawForm::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_html_form::from_bytes(&body)
            .map(Form)
            .map_err(|error| unreadable(&error).into_response())
    }
}

/// The 422 answer for a form that arrived without `field`, which its page always sends.
pub fn missing(field: &str) -> AppError {
    AppError::IncompleteForm(format!(
        "This form was missing the ‘{}’ field.",
        field_label(field)
    ))
}

/// A text field that some states of a page send and others do not, with
/// `#[serde(default)]`: absent is `Sent(None)`, sent empty is `Sent(Some(""))`. (An
/// `Option<String>` cannot tell them apart: the form reader takes an empty value as `None`.)
#[derive(Debug, Default)]
pub struct Sent(pub Option<String>);

impl<'de> Deserialize<'de> for Sent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|value| Sent(Some(value)))
    }
}

/// A [`Sent`] field read where the page's state says it was sent: absent is the 422 of
/// [`missing`].
pub fn required(value: Sent, field: &str) -> Result<String, AppError> {
    value.0.ok_or_else(|| missing(field))
}

/// Table rows sent as repeated fields (`name=a&name=b`): the page sends how many rows it
/// showed (`count`, a hidden field) and each field of `fields` (name, times sent) once per
/// row. Otherwise a row was lost on the way, and saving would delete it.
pub fn rows_complete(count: usize, fields: &[(&str, usize)]) -> Result<(), AppError> {
    for (field, sent) in fields {
        if *sent < count {
            return Err(missing(field));
        }
        if *sent > count {
            return Err(AppError::IncompleteForm(format!(
                "This form sent more ‘{}’ fields than it has rows.",
                field_label(field)
            )));
        }
    }
    Ok(())
}

/// Why the body could not be read into the form: a missing field by name (serde's message
/// for it is "missing field `name`"), anything else (a repeated single field, a number
/// that is not one) in general terms.
fn unreadable(error: &serde::de::value::Error) -> AppError {
    let message = error.to_string();
    match message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        Some(field) => missing(field),
        None => AppError::IncompleteForm(
            "This form sent something the page could not have sent.".to_owned(),
        ),
    }
}

/// A field's name for people: `introduction_title` is "Introduction title".
fn field_label(field: &str) -> String {
    let words = field.replace('_', " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "unnamed".to_owned(),
    }
}

/// Problems with a submitted form, in the order of its fields.
#[derive(Debug, Default)]
pub struct FormErrors(Vec<(&'static str, String)>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn list(&self) -> &[(&'static str, String)] {
        &self.0
    }

    /// Puts the problems in the order the fields appear on the page.
    pub fn in_field_order(mut self, fields: &[&str]) -> Self {
        self.0
            .sort_by_key(|(field, _)| fields.iter().position(|f| f == field).unwrap_or(usize::MAX));
        self
    }

    /// One line of trimmed text; `required` adds "Enter …" when empty, and a length limit
    /// always applies. Control characters, line breaks included, are refused.
    pub fn text(
        &mut self,
        field: &'static str,
        value: &str,
        required: Option<&str>,
        max_chars: usize,
    ) -> String {
        self.checked(field, value, required, max_chars, |c| c.is_control())
    }

    /// Like [`FormErrors::text`], for a text area: line breaks and tabs are kept.
    pub fn multiline(
        &mut self,
        field: &'static str,
        value: &str,
        required: Option<&str>,
        max_chars: usize,
    ) -> String {
        self.checked(field, value, required, max_chars, |c| {
            c.is_control() && !matches!(c, '\n' | '\r' | '\t')
        })
    }

    fn checked(
        &mut self,
        field: &'static str,
        value: &str,
        required: Option<&str>,
        max_chars: usize,
        refused: impl Fn(char) -> bool,
    ) -> String {
        let value = value.trim();
        if value.chars().any(refused) {
            self.add(
                field,
                "Remove the line breaks or unusual characters from your answer",
            );
            return String::new();
        }
        if value.is_empty() {
            if let Some(missing) = required {
                self.add(field, missing);
            }
        } else if value.chars().count() > max_chars {
            self.add(field, format!("Must be {max_chars} characters or fewer"));
        }
        value.to_owned()
    }
}

/// Checks a new password and its confirmation, adding any problem to `errors`.
pub fn check_password_pair(
    errors: &mut FormErrors,
    password: &str,
    confirm: &str,
    email: Option<&crate::domain::email::Email>,
    personal_words: &[&str],
) {
    if let Err(problem) =
        crate::domain::password::check_new_password(password, email, personal_words)
    {
        errors.add("password", problem.to_string());
    } else if password != confirm {
        errors.add("confirm_password", "Passwords do not match");
    }
}

/// A form shown again with its problems: 422.
pub fn rejected(page: &impl Template) -> Result<Response, AppError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

/// A page with a form: 200, or 422 when it is shown again with problems.
pub fn page_or_rejected(page: &impl Template, errors: &FormErrors) -> Result<Response, AppError> {
    match errors.is_empty() {
        true => Ok(Html(page.render()?).into_response()),
        false => rejected(page),
    }
}

/// A form refused for too many attempts: 429 with `Retry-After`.
pub fn throttled(
    page: &impl Template,
    blocked: Blocked,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Response, AppError> {
    let retry_after = HeaderValue::from(blocked.retry_after_secs(now));
    Ok((
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, retry_after)],
        Html(page.render()?),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Sample {
        title: String,
        #[serde(default)]
        ticked: String,
        chosen: Option<String>,
        #[serde(default)]
        rows: Vec<String>,
        #[serde(default)]
        maybe: Sent,
    }

    fn read(body: &str) -> Result<Sample, String> {
        serde_html_form::from_bytes::<Sample>(body.as_bytes()).map_err(|error| {
            match unreadable(&error) {
                AppError::IncompleteForm(message) => message,
                other => panic!("unexpected {other:?}"),
            }
        })
    }

    #[test]
    fn a_missing_field_is_named_and_optional_ones_may_be_absent() {
        assert_eq!(
            read("ticked=yes").unwrap_err(),
            "This form was missing the ‘Title’ field."
        );
        let sample = read("title=").unwrap();
        assert_eq!((sample.title.as_str(), sample.ticked.as_str()), ("", ""));
        assert_eq!((sample.chosen, sample.rows.len()), (None, 0));
        let rows = read("title=a&rows=1&rows=2&chosen=x").unwrap();
        assert_eq!((rows.rows.len(), rows.chosen.as_deref()), (2, Some("x")));
        assert_eq!(sample.maybe.0, None, "absent");
        assert_eq!(
            read("title=&maybe=").unwrap().maybe.0.as_deref(),
            Some(""),
            "sent empty"
        );
    }

    #[test]
    fn other_unreadable_bodies_are_refused_in_general_terms() {
        assert_eq!(
            read("title=a&title=b").unwrap_err(),
            "This form sent something the page could not have sent."
        );
    }

    #[test]
    fn field_names_read_as_words() {
        assert_eq!(
            field_label("introduction_link_href"),
            "Introduction link href"
        );
        assert_eq!(field_label("title"), "Title");
    }
}
