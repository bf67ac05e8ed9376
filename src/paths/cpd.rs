//! The CPD record: the learner's log, its forms, each entry's pages and its share links.

use std::fmt::Display;

/// The learner's CPD log.
pub const fn cpd() -> &'static str {
    "/cpd"
}

/// Adding a CPD activity.
pub const fn cpd_new_activity() -> &'static str {
    "/cpd/new"
}

/// Adding a piece of practice-related feedback (NMC).
pub const fn cpd_new_feedback() -> &'static str {
    "/cpd/feedback/new"
}

/// Adding a reflective discussion (NMC).
pub const fn cpd_new_discussion() -> &'static str {
    "/cpd/discussion/new"
}

pub fn cpd_entry(id: impl Display) -> String {
    format!("/cpd/{id}")
}

/// The edit page (an activity's facts, a record's fields, or a verified entry's
/// reflection and tags); it posts an activity here.
pub fn cpd_entry_edit(id: impl Display) -> String {
    format!("/cpd/{id}/edit")
}

/// Where a verified entry's reflection and tags are posted.
pub fn cpd_entry_reflection(id: impl Display) -> String {
    format!("/cpd/{id}/reflection")
}

/// Where a feedback record's changes are posted.
pub fn cpd_entry_feedback(id: impl Display) -> String {
    format!("/cpd/{id}/feedback")
}

/// Where a reflective discussion's changes are posted.
pub fn cpd_entry_discussion(id: impl Display) -> String {
    format!("/cpd/{id}/discussion")
}

pub fn cpd_entry_delete(id: impl Display) -> String {
    format!("/cpd/{id}/delete")
}

pub fn cpd_entry_history(id: impl Display) -> String {
    format!("/cpd/{id}/history")
}

/// A page of the log with its filters (name, value pairs as the filter form sent them).
pub fn cpd_page(filters: &[(&str, &str)], page: i64) -> String {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in filters.iter().filter(|(_, v)| !v.is_empty()) {
        params.append_pair(name, value);
    }
    params.append_pair("page", &page.to_string());
    format!("/cpd?{}", params.finish())
}

/// The page that adds an evidence file to an entry (and where its upload is posted).
pub fn cpd_entry_evidence(id: impl Display) -> String {
    format!("/cpd/{id}/evidence")
}

/// One evidence file, for its learner only.
pub fn cpd_evidence_file(id: impl Display, evidence_id: impl Display) -> String {
    format!("/cpd/{id}/evidence/{evidence_id}")
}

pub fn cpd_evidence_remove(id: impl Display, evidence_id: impl Display) -> String {
    format!("/cpd/{id}/evidence/{evidence_id}/remove")
}

/// The learner's share links, and where a new one is posted.
pub const fn cpd_share() -> &'static str {
    "/cpd/share"
}

/// Withdrawing one of the learner's share links (asked first).
pub fn cpd_share_revoke(share_id: impl Display) -> String {
    format!("/cpd/share/{share_id}/revoke")
}

/// A share link's public page, for anyone holding its token.
pub fn cpd_shared(token: impl Display) -> String {
    format!("/cpd/shared/{token}")
}

/// One evidence file through a share link that includes them.
pub fn cpd_shared_evidence(token: impl Display, evidence_id: impl Display) -> String {
    format!("/cpd/shared/{token}/evidence/{evidence_id}")
}

/// `base` with the log's filters (name, value pairs as the filter form sent them) and any
/// `extra` pairs; empty values are left out.
fn with_filters(base: &str, extra: &[(&str, &str)], filters: &[(&str, &str)]) -> String {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in extra.iter().chain(filters).filter(|(_, v)| !v.is_empty()) {
        params.append_pair(name, value);
    }
    match params.finish() {
        query if query.is_empty() => base.to_owned(),
        query => format!("{base}?{query}"),
    }
}

/// The log's entries the filters keep, as a spreadsheet (CSV).
pub fn cpd_export_csv(filters: &[(&str, &str)]) -> String {
    with_filters("/cpd/export.csv", &[], filters)
}

/// The record as a PDF laid out for `regulator` ("nmc", "hcpc", "gmc", "gphc", "none").
pub fn cpd_record_pdf(regulator: &str, filters: &[(&str, &str)]) -> String {
    with_filters("/cpd/record.pdf", &[("regulator", regulator)], filters)
}

/// The same record as a printable page.
pub fn cpd_record_view(regulator: &str, filters: &[(&str, &str)]) -> String {
    with_filters("/cpd/record", &[("regulator", regulator)], filters)
}

/// The log with its filters (the first page).
pub fn cpd_filtered(filters: &[(&str, &str)]) -> String {
    with_filters("/cpd", &[], filters)
}

/// Where the record's layout form goes (its fields carry the layout and filters).
pub const fn cpd_record() -> &'static str {
    "/cpd/record"
}

/// The layout form's PDF button.
pub const fn cpd_record_download() -> &'static str {
    "/cpd/record.pdf"
}
