//! The catalogue: courses, the interest list and cohort calendars.

use std::fmt::Display;

use super::with_notice;

pub const fn courses() -> &'static str {
    "/courses"
}

pub fn course(slug: &str) -> String {
    format!("/courses/{}", slug)
}

pub fn course_interest(slug: &str) -> String {
    format!("/courses/{}/interest", slug)
}

pub fn interest_confirm(token: &str) -> String {
    format!("/interest/confirm/{}", token)
}

pub fn interest_unsubscribe(token: &str) -> String {
    format!("/interest/unsubscribe/{}", token)
}

pub fn cohort_calendar(cohort_id: impl Display) -> String {
    format!("/cohorts/{cohort_id}/calendar.ics")
}

/// The course page with a notice about the interest form, scrolled to that form.
pub fn course_interest_notice(slug: &str, notice: &str) -> String {
    format!("{}#interest", with_notice(&course(slug), notice))
}

// The catalogue's admin pages (the lists are `admin_courses` and `admin_cohorts` below).

pub const fn admin_course_new() -> &'static str {
    "/admin/courses/new"
}

pub fn admin_course_edit(course_id: impl Display) -> String {
    format!("/admin/courses/{course_id}/edit")
}

pub fn admin_course_publish(course_id: impl Display) -> String {
    format!("/admin/courses/{course_id}/publish")
}

pub fn admin_course_unpublish(course_id: impl Display) -> String {
    format!("/admin/courses/{course_id}/unpublish")
}

/// Where the new-cohort form of a course posts.
pub fn admin_course_cohorts(course_id: impl Display) -> String {
    format!("/admin/courses/{course_id}/cohorts")
}

pub fn admin_cohort_new(course_id: impl Display) -> String {
    format!("/admin/courses/{course_id}/cohorts/new")
}

/// The cohorts overview, showing one course's cohorts.
pub fn admin_cohorts_of(course_id: impl Display) -> String {
    format!("/admin/cohorts?course={course_id}")
}

pub fn admin_cohort_edit(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/edit")
}

pub fn admin_cohort_open(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/open")
}

pub fn admin_cohort_close(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/close")
}

pub fn admin_cohort_cancel(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/cancel")
}

pub fn admin_cohort_launch_next(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/launch-next")
}
