//! Every internal address the site links to or redirects to, built in one place.
//!
//! Handlers, templates (`{{ crate::paths::course(slug) }}`), services and emails (through
//! `Site::url`) call these, so a page, a redirect, an email and an API link to the same
//! thing can never disagree. Routers keep their own patterns (`/courses/{slug}`). One file
//! per area; every function is re-exported here, so callers write `paths::course(slug)`.

mod account;
mod admin;
mod catalogue;
mod certificates;
mod content;
mod cpd;
mod enrolment;
mod learning;
mod public;

pub use account::*;
pub use admin::*;
pub use catalogue::*;
pub use certificates::*;
pub use content::*;
pub use cpd::*;
pub use enrolment::*;
pub use learning::*;
pub use public::*;

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
