//! What every form shares: field errors for the error summary, reading trimmed text, and
//! the 422 and 429 answers.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::auth::throttle::Blocked;
use crate::error::AppError;

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
