//! The course form: what the admin typed, checked into a [`CourseInput`], and the page that
//! shows it (with a Markdown preview of the description, and problems beside their fields).

use askama::Template;
use serde::Deserialize;

use crate::auth::Viewer;
use crate::catalogue::courses::CourseInput;
use crate::db::courses::Course;
use crate::domain::catalogue::{Format, Level};
use crate::domain::learning::CompletionRule;
use crate::domain::{money, slug};
use crate::web::forms::FormErrors;
use crate::web::layout::{Layout, Section};

/// The course form as typed: every field is always sent (see `web::forms::Form`).
#[derive(Debug, Default, Deserialize)]
pub struct CourseForm {
    title: String,
    slug: String,
    summary: String,
    pub(super) description: String,
    who_for: String,
    learning_outcomes: String,
    level: String,
    format: String,
    duration: String,
    cpd_hours: String,
    cpd_extra_minutes: String,
    accreditation: String,
    accreditation_reference: String,
    fee: String,
    completion_rule: String,
    /// Empty for "all of the live sessions".
    sessions_required: String,
    /// "yes" when ticked; an unticked box is not sent.
    #[serde(default)]
    evaluation_required: String,
    /// "preview" shows the description rendered, without saving; the button pressed (none
    /// when a script submits the form) saves otherwise.
    #[serde(default)]
    pub(super) action: String,
}

impl CourseForm {
    /// The form for a new course: free unless a fee is typed.
    pub(super) fn blank() -> CourseForm {
        CourseForm {
            fee: "£0".into(),
            completion_rule: CompletionRule::Attendance.as_str().into(),
            ..CourseForm::default()
        }
    }

    pub(super) fn from_course(course: &Course) -> CourseForm {
        CourseForm {
            title: course.title.clone(),
            slug: course.slug.clone(),
            summary: course.summary.clone(),
            description: course.description.clone(),
            who_for: course.who_for.clone(),
            learning_outcomes: course.learning_outcomes.clone(),
            level: course.level.as_str().to_owned(),
            format: course.format.as_str().to_owned(),
            duration: course.duration.clone(),
            cpd_hours: (course.cpd_minutes / 60).to_string(),
            cpd_extra_minutes: (course.cpd_minutes % 60).to_string(),
            accreditation: course.accreditation.clone(),
            accreditation_reference: course.accreditation_reference.clone(),
            fee: money::format_pence(course.fee_pence),
            completion_rule: course.completion_rule.as_str().to_owned(),
            sessions_required: course
                .sessions_required
                .map(|n| n.to_string())
                .unwrap_or_default(),
            evaluation_required: if course.evaluation_required {
                "yes".into()
            } else {
                String::new()
            },
            action: String::new(),
        }
    }

    /// Every field checked; the slug is made from the title when left empty.
    pub(super) fn check(&self) -> Result<CourseInput, FormErrors> {
        let mut errors = FormErrors::default();
        let title = errors.text("title", &self.title, Some("Enter the course title"), 200);
        let typed_slug = self.slug.trim();
        let slug = match typed_slug.is_empty() {
            true => slug::slugify(&title),
            false => slug::parse(typed_slug)
                .map_err(|e| errors.add("slug", e))
                .unwrap_or_default(),
        };
        if slug.is_empty() && errors.get("slug").is_none() && !title.is_empty() {
            errors.add(
                "slug",
                "Enter a web address: the title has no letters or numbers to make one from",
            );
        }
        let summary = errors.multiline(
            "summary",
            &self.summary,
            Some("Enter a one or two sentence summary"),
            400,
        );
        let description = errors.multiline("description", &self.description, None, 20_000);
        let who_for = errors.multiline("who_for", &self.who_for, None, 2_000);
        let learning_outcomes =
            errors.multiline("learning_outcomes", &self.learning_outcomes, None, 5_000);
        let level = Level::parse(&self.level);
        if level.is_none() {
            errors.add("level", "Select the level");
        }
        let format = Format::parse(&self.format);
        if format.is_none() {
            errors.add("format", "Select the format");
        }
        let duration = errors.text(
            "duration",
            &self.duration,
            Some("Enter how long the course takes, like 6 weeks"),
            100,
        );
        let cpd_minutes = self.cpd_minutes(&mut errors);
        let accreditation = errors.text("accreditation", &self.accreditation, None, 200);
        let accreditation_reference = errors.text(
            "accreditation_reference",
            &self.accreditation_reference,
            None,
            100,
        );
        let fee_pence = money::parse_pounds(&self.fee)
            .map_err(|e| errors.add("fee", e))
            .unwrap_or(0);
        let completion_rule = CompletionRule::parse(&self.completion_rule);
        if completion_rule.is_none() {
            errors.add("completion_rule", "Select how learners complete the course");
        }
        let sessions_required = self.sessions_required(&mut errors);
        match (level, format, completion_rule) {
            (Some(level), Some(format), Some(completion_rule)) if errors.is_empty() => {
                Ok(CourseInput {
                    slug,
                    title,
                    summary,
                    description,
                    who_for,
                    learning_outcomes,
                    level,
                    format,
                    duration,
                    cpd_minutes,
                    accreditation,
                    accreditation_reference,
                    fee_pence,
                    completion_rule,
                    sessions_required,
                    evaluation_required: self.evaluation_required == "yes",
                })
            }
            _ => Err(errors.in_field_order(&FIELD_ORDER)),
        }
    }

    /// The live sessions to attend: empty for all of them, or a whole number 1 to 100.
    fn sessions_required(&self, errors: &mut FormErrors) -> Option<i64> {
        let raw = self.sessions_required.trim();
        if raw.is_empty() {
            return None;
        }
        let number = raw.parse::<i64>().ok().filter(|n| (1..=100).contains(n));
        if number.is_none() {
            errors.add(
                "sessions_required",
                "Enter the number of live sessions as a whole number from 1 to 100, or leave it empty for all of them",
            );
        }
        number
    }

    /// CPD time as whole hours (0 to 500) and minutes (0 to 59); empty counts as 0.
    fn cpd_minutes(&self, errors: &mut FormErrors) -> i64 {
        let number = |raw: &str, max: i64| {
            let raw = raw.trim();
            if raw.is_empty() {
                Some(0)
            } else {
                raw.parse::<i64>().ok().filter(|n| (0..=max).contains(n))
            }
        };
        match (
            number(&self.cpd_hours, 500),
            number(&self.cpd_extra_minutes, 59),
        ) {
            (Some(hours), Some(minutes)) => hours * 60 + minutes,
            _ => {
                errors.add(
                    "cpd_hours",
                    "Enter CPD time as whole hours (0 to 500) and minutes (0 to 59)",
                );
                0
            }
        }
    }
}

/// The form's fields top to bottom, for the error summary.
const FIELD_ORDER: [&str; 15] = [
    "title",
    "slug",
    "summary",
    "description",
    "who_for",
    "learning_outcomes",
    "level",
    "format",
    "duration",
    "cpd_hours",
    "accreditation",
    "accreditation_reference",
    "fee",
    "completion_rule",
    "sessions_required",
];

#[derive(Template)]
#[template(path = "admin/course_form.html")]
pub(super) struct FormPage<'a> {
    layout: Layout,
    /// `None` while adding a course.
    course: Option<&'a Course>,
    form: &'a CourseForm,
    errors: &'a FormErrors,
    preview: Option<String>,
    levels: &'static [Level],
    formats: &'static [Format],
    rules: &'static [CompletionRule],
}

pub(super) fn form_page<'a>(
    viewer: &Viewer,
    course: Option<&'a Course>,
    form: &'a CourseForm,
    errors: &'a FormErrors,
    preview: Option<String>,
) -> FormPage<'a> {
    let title = if course.is_some() {
        "Edit course"
    } else {
        "Add a course"
    };
    FormPage {
        layout: Layout::new(title, title, Section::Admin, viewer).with_errors(!errors.is_empty()),
        course,
        form,
        errors,
        preview,
        levels: Level::ALL,
        formats: Format::ALL,
        rules: CompletionRule::ALL,
    }
}
