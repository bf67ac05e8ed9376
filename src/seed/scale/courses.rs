//! What each scale course is like, from its number: published or not, its format, its fee
//! and its weekly rhythm of live sessions. The plan, the places and the catalogue rows all
//! read it.

use crate::domain::catalogue::Format;

/// Every twentieth course is an unpublished draft (its cohorts drafts too).
pub fn course_published(course: usize) -> bool {
    course % 20 != 19
}

pub fn course_format(course: usize) -> Format {
    Format::ALL[course % Format::ALL.len()]
}

/// The fee for learners outside the NHS; every 25th course is free to everyone.
pub fn course_fee_pence(course: usize) -> i64 {
    match course % 25 {
        12 => 0,
        n => 9_500 + 2_500 * (n as i64 % 13),
    }
}

/// (weeks a cohort runs, weeks with a live session, the session's London times).
pub fn course_rhythm(format: Format) -> (i64, &'static [i64], (u32, u32), (u32, u32)) {
    match format {
        Format::OnlineLive => (6, &[0, 1, 2, 3, 4, 5], (9, 30), (12, 30)),
        Format::Blended => (4, &[0, 3], (9, 30), (16, 30)),
        Format::OnlineSelfPaced => (4, &[3], (12, 30), (13, 30)),
    }
}
