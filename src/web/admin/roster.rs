//! `/admin/cohorts/{id}`: a cohort's roster (confirmed, completed or not, holding,
//! offered, waiting in order, and those who left), 50 places a page with every group's
//! total on each, and adding a learner by hand. The whole roster as CSV is `roster_csv`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::cohorts::{self, Cohort};
use crate::db::courses::{self, Course};
use crate::db::enrolments::{self, RosterEntry};
use crate::domain::email::Email;
use crate::domain::enrolment::{Funding, Status, reference};
use crate::domain::london;
use crate::enrolment::{Actor, EnrolmentError, admin};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::pagination::{PageLinks, PageQuery, Pager, page_address};

/// The roster's groups, in order, each with the states it shows.
const GROUPS: [(&str, &[Status]); 7] = [
    ("Confirmed", &[Status::Confirmed]),
    ("Completed", &[Status::Completed]),
    ("Did not complete", &[Status::NotCompleted]),
    (
        "Holding a place while paying",
        &[Status::AwaitingPayment, Status::AwaitingInvoice],
    ),
    ("Offered a place", &[Status::Offered]),
    ("Waiting list", &[Status::Waitlisted]),
    (
        "Cancelled, expired, withdrawn or moved",
        &[
            Status::Cancelled,
            Status::Expired,
            Status::Withdrawn,
            Status::Moved,
        ],
    ),
];

/// The waiting list's place in [`GROUPS`].
const WAITING: usize = 5;
/// Completed and did not complete: places whose course has ended.
const FINISHED: [usize; 2] = [1, 2];

/// Places a roster page shows.
pub const ROSTER_PAGE: i64 = 50;

/// One group of the roster, e.g. "Waiting list": its rows on this page.
pub struct Group {
    pub title: &'static str,
    /// Places in the group, on every page.
    pub total: i64,
    pub rows: Vec<Row>,
    /// Where the rest of the group is, when not all of it is on this page.
    pub elsewhere: Option<Elsewhere>,
}

/// "On pages 3 to 5", linking to the first of them when none of the group is on this page.
pub struct Elsewhere {
    pub text: String,
    pub href: Option<String>,
}

pub struct Row {
    pub entry: RosterEntry,
    pub status: Status,
    pub reference: String,
    pub funding: &'static str,
    /// Waiting-list position, hold or offer end: whatever this state needs said.
    pub detail: String,
}

/// Adding a learner: the email is always sent, the checkbox only when ticked.
#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    email: String,
    #[serde(default)]
    over_capacity: String,
}

#[derive(Template)]
#[template(path = "admin/roster.html")]
struct RosterPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    groups: Vec<Group>,
    waiting: i64,
    finished: i64,
    pagination: PageLinks,
    form: &'a AddForm,
    errors: &'a FormErrors,
}

pub(super) async fn cohort_and_course(
    state: &AppState,
    id: i64,
) -> Result<(Cohort, Course), AppError> {
    let cohort = cohorts::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let course = courses::find(&state.db, cohort.course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((cohort, course))
}

/// Which group `entry` is in, and its row; `waiting` counts the waiting list's places
/// before it (their positions are 1, 2, 3… in queue order).
pub(super) fn row(entry: RosterEntry, waiting: &mut i64) -> Option<(usize, Row)> {
    let status = entry.enrolment.status();
    let index = GROUPS
        .iter()
        .position(|(_, states)| states.contains(&status))?;
    let detail = match status {
        Status::Waitlisted => {
            *waiting += 1;
            format!("Number {waiting}")
        }
        Status::AwaitingPayment | Status::AwaitingInvoice => entry
            .enrolment
            .hold_expires_at
            .map(|t| format!("{}, held until {}", status.label(), london::date_time(t)))
            .unwrap_or_default(),
        Status::Offered => entry
            .enrolment
            .offer_expires_at
            .map(|t| format!("Offer ends {}", london::date_time(t)))
            .unwrap_or_default(),
        Status::Confirmed if entry.enrolment.over_capacity => "Added beyond capacity".into(),
        _ => status.label().to_owned(),
    };
    let row = Row {
        reference: reference(entry.enrolment.enrolment_id),
        funding: entry.enrolment.funding().map_or("", Funding::label),
        status,
        detail,
        entry,
    };
    Some((index, row))
}

/// Page `page` of the roster in groups (every group, with its total, and its rows on this
/// page), and the links to the other pages.
async fn page_of_groups(
    state: &AppState,
    cohort_id: i64,
    page: i64,
) -> Result<(Vec<Group>, PageLinks), AppError> {
    let counts = enrolments::roster_counts(&state.db, cohort_id).await?;
    let totals: Vec<i64> = GROUPS
        .iter()
        .map(|(_, states)| {
            counts
                .iter()
                .filter(|(status, _)| states.contains(status))
                .map(|(_, count)| count)
                .sum()
        })
        .collect();
    let pager = Pager::with_size(page, totals.iter().sum(), ROSTER_PAGE);
    let states: Vec<&[Status]> = GROUPS.iter().map(|(_, states)| *states).collect();
    let statement = enrolments::roster_page_statement(cohort_id, &states, pager.window());
    let address = |n| page_address(&paths::admin_cohort(cohort_id), &[], n);
    let mut groups: Vec<Group> = GROUPS
        .iter()
        .map(|(title, _)| Group {
            title,
            total: 0,
            rows: Vec::new(),
            elsewhere: None,
        })
        .collect();
    let before_waiting: i64 = totals[..WAITING].iter().sum();
    let mut waiting = (pager.offset() - before_waiting).max(0);
    for entry in enrolments::roster_page(&state.db, &statement).await? {
        if let Some((index, row)) = row(entry, &mut waiting) {
            groups[index].rows.push(row);
        }
    }
    let mut before = 0;
    for (group, total) in groups.iter_mut().zip(totals) {
        group.total = total;
        if total > group.rows.len() as i64 {
            let (first, last) = (
                before / ROSTER_PAGE + 1,
                (before + total - 1) / ROSTER_PAGE + 1,
            );
            let pages = match first == last {
                true => format!("page {first}"),
                false => format!("pages {first} to {last}"),
            };
            group.elsewhere = Some(match group.rows.len() {
                0 => Elsewhere {
                    text: format!("On {pages}"),
                    href: Some(address(first)),
                },
                shown => Elsewhere {
                    text: format!("{shown} of {total} on this page (the group is on {pages})."),
                    href: None,
                },
            });
        }
        before += total;
    }
    Ok((groups, pager.links(address)))
}

async fn roster_page(
    state: &AppState,
    viewer: &Viewer,
    (id, page): (i64, i64),
    form: &AddForm,
    errors: &FormErrors,
    banner: Option<String>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(state, id).await?;
    let (groups, pagination) = page_of_groups(state, id, page).await?;
    let waiting = groups[WAITING].total;
    // Places used by learners whose course has ended: their seats are no longer held.
    let finished = FINISHED.iter().map(|&group| groups[group].total).sum();
    let page = RosterPage {
        layout: Layout::new(
            format!("Roster: {}", cohort.name),
            "A cohort's roster.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty())
        .with_banner(banner),
        cohort: &cohort,
        course: &course,
        groups,
        waiting,
        finished,
        pagination,
        form,
        errors,
    };
    page_or_rejected(&page, errors)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
    Query(page): Query<PageQuery>,
) -> Result<Response, AppError> {
    roster_page(
        &state,
        &viewer,
        (id, page.number()),
        &AddForm::default(),
        &FormErrors::default(),
        notice.banner(),
    )
    .await
}

/// Adds a learner by email with a confirmed place; beyond capacity only if ticked.
pub async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin_user): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<AddForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let email = errors.text(
        "email",
        &form.email,
        Some("Enter the learner's email address"),
        254,
    );
    let parsed = Email::parse(&email).ok().filter(|_| errors.is_empty());
    let Some(email) = parsed else {
        if errors.is_empty() {
            errors.add("email", NO_ACCOUNT);
        }
        return roster_page(&state, &viewer, (id, 1), &form, &errors, None).await;
    };
    let address = client.to_string();
    let actor = Actor {
        user_id: Some(admin_user.user_id),
        client: Some(&address),
    };
    let over_capacity = form.over_capacity == "yes";
    let message =
        match admin::add_learner(state.enrolment(), &email, id, over_capacity, actor).await {
            Ok(_) => {
                let roster = paths::admin_cohort(id);
                let done = paths::with_notice(&roster, Notice::EnrolmentUpdated.name());
                return Ok(Redirect::to(&done).into_response());
            }
            Err(EnrolmentError::NoAccount) => NO_ACCOUNT.to_owned(),
            Err(EnrolmentError::CohortFull) => {
                "The cohort is full. Tick the box to add the learner beyond capacity".to_owned()
            }
            Err(EnrolmentError::NotVerified) => {
                "This learner has not confirmed their email address yet, so cannot be enrolled"
                    .to_owned()
            }
            Err(problem @ (EnrolmentError::AlreadyEnrolled(_) | EnrolmentError::NotEnrolling)) => {
                problem.to_string()
            }
            Err(other) => return Err(other.into()),
        };
    errors.add("email", message);
    roster_page(&state, &viewer, (id, 1), &form, &errors, None).await
}

const NO_ACCOUNT: &str = "No account has that email address. Ask the learner to register first";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_is_in_exactly_one_group_and_the_named_groups_are_the_right_ones() {
        for status in Status::ALL {
            let groups = GROUPS.iter().filter(|(_, states)| states.contains(status));
            assert_eq!(groups.count(), 1, "{status:?}");
        }
        assert_eq!(GROUPS[WAITING].1, &[Status::Waitlisted]);
        assert_eq!(GROUPS[FINISHED[0]].1, &[Status::Completed]);
        assert_eq!(GROUPS[FINISHED[1]].1, &[Status::NotCompleted]);
    }
}
