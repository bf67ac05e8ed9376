//! Every internal address the site links to or redirects to, built in one place.
//!
//! Handlers, templates (`{{ crate::paths::course(slug) }}`), services and emails (through
//! `Site::url`) call these, so a page, a redirect, an email and an API link to the same
//! thing can never disagree. Routers keep their own patterns (`/courses/{slug}`); a test
//! checks that each function here answers on a real route.

use std::fmt::Display;

/// Encodes a query value (a return address, a search term). Path segments need none:
/// slugs are validated `Slug`s and tokens are URL-safe.
fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `path` with `?notice=name` (or `&notice=name` when it already has a query).
pub fn with_notice(path: &str, notice: &str) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}notice={notice}")
}

// ---- Public pages ----

pub fn home() -> &'static str {
    "/"
}

pub fn contact() -> &'static str {
    "/contact"
}

pub fn privacy() -> &'static str {
    "/privacy"
}

pub fn accessibility() -> &'static str {
    "/accessibility"
}

pub fn sitemap() -> &'static str {
    "/sitemap.xml"
}

pub fn asset(name: &str) -> String {
    format!("/static/{name}")
}

// ---- Signing in and the learner's own account ----

pub fn login() -> &'static str {
    "/login"
}

/// The sign-in page, then back to `next` (a local path).
pub fn login_then(next: &str) -> String {
    format!("/login?next={}", encode(next))
}

pub fn logout() -> &'static str {
    "/logout"
}

pub fn register() -> &'static str {
    "/register"
}

pub fn register_check_email() -> &'static str {
    "/register/check-email"
}

pub fn forgot_password() -> &'static str {
    "/forgot-password"
}

pub fn forgot_password_check_email() -> &'static str {
    "/forgot-password/check-email"
}

/// The page a verification link opens (its button posts back to the same address).
pub fn verify_email(token: &str) -> String {
    format!("/verify-email/{}", token)
}

pub fn resend_verification() -> &'static str {
    "/verify-email/resend"
}

/// The page a reset link opens.
pub fn reset_password(token: &str) -> String {
    format!("/reset-password/{}", token)
}

pub fn account() -> &'static str {
    "/account"
}

pub fn account_profile() -> &'static str {
    "/account/profile"
}

pub fn account_password() -> &'static str {
    "/account/password"
}

pub fn account_email() -> &'static str {
    "/account/email"
}

pub fn account_data() -> &'static str {
    "/account/data"
}

pub fn account_delete() -> &'static str {
    "/account/delete"
}

pub fn account_deleted() -> &'static str {
    "/account/deleted"
}

pub fn sign_out_everywhere() -> &'static str {
    "/account/sign-out-everywhere"
}

pub fn dashboard() -> &'static str {
    "/dashboard"
}

// ---- Catalogue ----

pub fn courses() -> &'static str {
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

pub fn admin_course_new() -> &'static str {
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

// ---- Enrolment ----

pub fn enrol(cohort_id: impl Display) -> String {
    format!("/cohorts/{cohort_id}/enrol")
}

pub fn enrolment(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}")
}

pub fn enrolment_offer(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/offer")
}

pub fn enrolment_pay(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/pay")
}

/// A printable document of a place: `proforma`, `invoice` or `receipt`.
pub fn enrolment_document(enrolment_id: impl Display, kind: &str) -> String {
    format!("/enrolments/{enrolment_id}/documents/{kind}")
}

pub fn enrolment_cancel(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/cancel")
}

pub fn enrolment_offer_accept(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/offer/accept")
}

pub fn enrolment_offer_decline(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/offer/decline")
}

/// An admin's copy of a place's document: `proforma`, `invoice` or `receipt`.
pub fn admin_enrolment_document(enrolment_id: impl Display, kind: &str) -> String {
    format!("/admin/enrolments/{enrolment_id}/documents/{kind}")
}

pub fn admin_enrolment_cancel(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/cancel")
}

pub fn admin_enrolment_move(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/move")
}

pub fn admin_enrolment_confirm_invoice(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/confirm-invoice")
}

pub fn admin_enrolment_invoice_paid(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/invoice-paid")
}

/// Where an admin adds a learner to a cohort's roster by hand.
pub fn admin_cohort_learners(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/learners")
}

pub fn admin_cohort_roster_csv(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/roster.csv")
}

// ---- Reports, news and uploads ----

pub fn reports() -> &'static str {
    "/reports"
}

pub fn report(slug: &str) -> String {
    format!("/reports/{}", slug)
}

/// A page of the report list with its search and filters (empty ones included, so the
/// form shows them as they were).
pub fn reports_page(query: &str, topic: &str, year: Option<i32>, page: i64) -> String {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    params.append_pair("q", query).append_pair("topic", topic);
    if let Some(year) = year {
        params.append_pair("year", &year.to_string());
    }
    params.append_pair("page", &page.to_string());
    format!("/reports?{}", params.finish())
}

pub fn reports_feed() -> &'static str {
    "/reports/feed.atom"
}

pub fn news() -> &'static str {
    "/news"
}

/// A page of the news list, narrowed to one kind of post (everything when `kind` is empty).
pub fn news_page(kind: &str, page: i64) -> String {
    format!("/news?type={}&page={page}", encode(kind))
}

/// The news list narrowed to one kind of post: `news`, `event` or `blog`.
pub fn news_of_kind(kind: &str) -> String {
    format!("/news?type={}", encode(kind))
}

pub fn post(slug: &str) -> String {
    format!("/news/{}", slug)
}

pub fn post_event_calendar(slug: &str) -> String {
    format!("/news/{}/event.ics", slug)
}

pub fn news_feed() -> &'static str {
    "/news/feed.atom"
}

pub fn upload(upload_id: impl Display) -> String {
    format!("/uploads/{upload_id}")
}

// ---- Admin ----

pub fn admin() -> &'static str {
    "/admin"
}

pub fn admin_users() -> &'static str {
    "/admin/users"
}

pub fn admin_user(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}")
}

pub fn admin_user_role(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}/role")
}

pub fn admin_user_learner_type(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}/learner-type")
}

pub fn admin_user_disable(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}/disable")
}

pub fn admin_user_enable(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}/enable")
}

pub fn admin_emails() -> &'static str {
    "/admin/emails"
}

/// The outbox list filtered to one status (`queued`, `failed`, …).
pub fn admin_emails_with_status(status: &str) -> String {
    format!("/admin/emails?status={}", encode(status))
}

/// The outbox list after a retry, with its banner.
pub fn admin_emails_retried() -> String {
    format!("{}?retried=1", admin_emails())
}

pub fn admin_email_retry(email_id: impl Display) -> String {
    format!("/admin/emails/{email_id}/retry")
}

pub fn admin_courses() -> &'static str {
    "/admin/courses"
}

pub fn admin_course(course_id: impl Display) -> String {
    format!("/admin/courses/{course_id}")
}

pub fn admin_cohorts() -> &'static str {
    "/admin/cohorts"
}

pub fn admin_cohort(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}")
}

pub fn admin_enrolment(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}")
}

pub fn admin_reports() -> &'static str {
    "/admin/reports"
}

pub fn admin_report(report_id: impl Display) -> String {
    format!("/admin/reports/{report_id}")
}

pub fn admin_report_new() -> &'static str {
    "/admin/reports/new"
}

pub fn admin_report_edit(report_id: impl Display) -> String {
    format!("/admin/reports/{report_id}/edit")
}

/// The page that confirms a deletion (its button posts back to the same address).
pub fn admin_report_delete(report_id: impl Display) -> String {
    format!("/admin/reports/{report_id}/delete")
}

pub fn admin_posts() -> &'static str {
    "/admin/posts"
}

pub fn admin_post(post_id: impl Display) -> String {
    format!("/admin/posts/{post_id}")
}

pub fn admin_post_new() -> &'static str {
    "/admin/posts/new"
}

pub fn admin_post_edit(post_id: impl Display) -> String {
    format!("/admin/posts/{post_id}/edit")
}

/// The page that confirms a deletion (its button posts back to the same address).
pub fn admin_post_delete(post_id: impl Display) -> String {
    format!("/admin/posts/{post_id}/delete")
}

pub fn admin_home() -> &'static str {
    "/admin/home"
}

pub fn admin_uploads() -> &'static str {
    "/admin/uploads"
}

pub fn admin_upload(upload_id: impl Display) -> String {
    format!("/admin/uploads/{upload_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(course("a-systems-approach"), "/courses/a-systems-approach");
        assert_eq!(
            login_then("/courses/x?y=1"),
            "/login?next=%2Fcourses%2Fx%3Fy%3D1"
        );
    }

    #[test]
    fn a_notice_joins_an_existing_query() {
        assert_eq!(with_notice("/account", "saved"), "/account?notice=saved");
        assert_eq!(
            with_notice("/admin/emails?status=dead", "saved"),
            "/admin/emails?status=dead&notice=saved"
        );
    }
}
