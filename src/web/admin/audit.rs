//! `/admin/audit`: the audit log, newest first, narrowed by actor, action, subject, dates
//! and client address, each event linked to what it was done to; and `/admin/audit.csv`,
//! the same events streamed as a spreadsheet. There is no way to change or remove an
//! event (the database refuses it too: migration `0021_audit_subjects`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use futures_util::StreamExt;
use serde::Deserialize;

use super::PageQuery;
use crate::auth::{AdminUser, Viewer};
use crate::db::audit_log::{self, LogEntry, LogFilter};
use crate::db::users;
use crate::domain::audit::{Subject, SubjectKind};
use crate::domain::email::Email;
use crate::domain::london;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::dates::optional_date;
use crate::web::forms::{FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::pagination::{PageLinks, Uncounted, page_address};
use crate::web::spreadsheet;

/// The filters as typed (every one optional), kept in the page links and the export link.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    from_day: String,
    #[serde(default)]
    from_month: String,
    #[serde(default)]
    from_year: String,
    #[serde(default)]
    to_day: String,
    #[serde(default)]
    to_month: String,
    #[serde(default)]
    to_year: String,
    #[serde(default)]
    client: String,
    page: Option<String>,
}

/// The longest text a filter box takes (longer is cut, never an error page).
const LONGEST: usize = 200;

impl LogQuery {
    /// The filters as name and value, empty ones included (page_address leaves them out).
    fn pairs(&self) -> [(&'static str, &str); 11] {
        [
            ("actor", &self.actor),
            ("action", &self.action),
            ("subject", &self.subject),
            ("subject_id", &self.subject_id),
            ("from_day", &self.from_day),
            ("from_month", &self.from_month),
            ("from_year", &self.from_year),
            ("to_day", &self.to_day),
            ("to_month", &self.to_month),
            ("to_year", &self.to_year),
            ("client", &self.client),
        ]
    }

    fn trimmed(mut self) -> LogQuery {
        for value in [
            &mut self.actor,
            &mut self.action,
            &mut self.subject,
            &mut self.subject_id,
            &mut self.from_day,
            &mut self.from_month,
            &mut self.from_year,
            &mut self.to_day,
            &mut self.to_month,
            &mut self.to_year,
            &mut self.client,
        ] {
            *value = value.trim().chars().take(LONGEST).collect();
        }
        self
    }
}

/// The filter the query asks for, or its problems, each against its field.
async fn filter(
    state: &AppState,
    query: &LogQuery,
) -> Result<Result<LogFilter, FormErrors>, AppError> {
    let mut errors = FormErrors::default();
    let mut filter = LogFilter::default();
    if !query.actor.is_empty() {
        filter.actor_user_id = match query.actor.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => match Email::parse(&query.actor) {
                Ok(email) => match users::find_by_email(&state.db, &email).await? {
                    Some(user) => Some(user.user_id),
                    None => {
                        errors.add(
                            "actor",
                            "No account has this email: enter another, or the account's number",
                        );
                        None
                    }
                },
                Err(_) => {
                    errors.add("actor", "Enter an email address, like name@nhs.net, or an account's number, like 1042");
                    None
                }
            },
        };
    }
    if !query.action.is_empty() {
        filter.action = Some(query.action.clone());
    }
    if !query.subject.is_empty() {
        filter.subject_kind = SubjectKind::parse(&query.subject);
        if filter.subject_kind.is_none() {
            errors.add(
                "subject",
                "Choose what the events were done to from the list",
            );
        }
    }
    if !query.subject_id.is_empty() {
        match query.subject_id.parse::<i64>() {
            Ok(id) if id > 0 && !query.subject.is_empty() => filter.subject_id = Some(id),
            Ok(id) if id > 0 => errors.add(
                "subject",
                format!("Choose what number {id} is: an account, a course, a place, …"),
            ),
            _ => errors.add(
                "subject_id",
                "Enter the number as a whole number, like 1042",
            ),
        }
    }
    let from = optional_date(
        &mut errors,
        "from",
        "start date",
        [&query.from_day, &query.from_month, &query.from_year],
    );
    let to = optional_date(
        &mut errors,
        "to",
        "end date",
        [&query.to_day, &query.to_month, &query.to_year],
    );
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            errors.add(
                "to",
                "The end date must be the same as or after the start date",
            );
        }
    }
    filter.from = from.map(london::start_of_day);
    filter.until = to.and_then(|to| to.succ_opt()).map(london::start_of_day);
    if !query.client.is_empty() {
        match query.client.parse::<std::net::IpAddr>() {
            Ok(address) => filter.client_address = Some(address.to_string()),
            Err(_) => errors.add("client", "Enter an address like 192.0.2.7 or 2001:db8::1"),
        }
    }
    Ok(match errors.is_empty() {
        true => Ok(filter),
        false => Err(errors.in_field_order(&[
            "actor",
            "action",
            "subject",
            "subject_id",
            "from",
            "to",
            "client",
        ])),
    })
}

/// An event as a row of the log.
pub struct Row {
    pub entry: LogEntry,
    pub at: String,
    /// Where the subject's admin page is, if it has one.
    pub subject_href: Option<String>,
    pub subject_text: String,
}

fn row(entry: LogEntry) -> Row {
    let subject = entry.event.subject();
    // A deleted account keeps its events, reduced to its number: nothing to link to.
    let deleted = |s: &Subject| s.kind == SubjectKind::User && entry.subject_email.is_none();
    Row {
        at: london::short_date_time(entry.event.created_at),
        subject_href: subject.filter(|s| !deleted(s)).and_then(subject_href),
        subject_text: subject.map_or(String::new(), |s| match (deleted(&s), s.kind) {
            (true, _) => format!("Account {} (deleted)", s.id),
            (false, SubjectKind::User) => entry.subject_email.clone().unwrap_or_default(),
            (false, kind) => format!("{} {}", kind.label(), s.id),
        }),
        entry,
    }
}

/// The admin page of what an event was done to (a CPD entry is its learner's own: none).
fn subject_href(subject: Subject) -> Option<String> {
    let id = subject.id;
    Some(match subject.kind {
        SubjectKind::User => paths::admin_user(id),
        SubjectKind::Course => paths::admin_course_edit(id),
        SubjectKind::Cohort => paths::admin_cohort(id),
        SubjectKind::Session => paths::admin_session_attendance(id),
        SubjectKind::Enrolment => paths::admin_enrolment(id),
        SubjectKind::Report => paths::admin_report_edit(id),
        SubjectKind::Post => paths::admin_post_edit(id),
        SubjectKind::Upload => paths::admin_upload(id),
        SubjectKind::Certificate | SubjectKind::Email | SubjectKind::CpdEntry => return None,
    })
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct LogPage {
    layout: Layout,
    query: LogQuery,
    actions: Vec<String>,
    kinds: &'static [SubjectKind],
    rows: Vec<Row>,
    errors: FormErrors,
    pagination: PageLinks,
    export: String,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<LogQuery>,
) -> Result<Response, AppError> {
    let query = query.trimmed();
    let page = PageQuery {
        page: query.page.clone(),
    }
    .number();
    let pairs = query.pairs();
    let address = |n| page_address(paths::admin_audit(), &pairs, n);
    let (rows, errors, pagination) = match filter(&state, &query).await? {
        Ok(filter) => {
            let page = Uncounted::new(page);
            let mut found = audit_log::page(&state.db, &filter, page.window()).await?;
            let links = page.links(&mut found, address);
            (
                found.into_iter().map(row).collect(),
                FormErrors::default(),
                links,
            )
        }
        Err(errors) => (Vec::new(), errors, PageLinks::one()),
    };
    let export = page_address(paths::admin_audit_csv(), &pairs, 1);
    let layout = Layout::new(
        "Audit log",
        "Every recorded action.",
        Section::Admin,
        &viewer,
    )
    .with_errors(!errors.is_empty());
    let page = LogPage {
        layout,
        actions: audit_log::actions(&state.db).await?,
        kinds: SubjectKind::ALL,
        rows,
        errors,
        pagination,
        export,
        query,
    };
    page_or_rejected(&page, &page.errors)
}

/// The CSV's columns.
const HEADER: [&str; 10] = [
    "Event",
    "When (UK time)",
    "Actor",
    "Actor email",
    "Action",
    "Subject",
    "Account",
    "Account email",
    "Detail",
    "Client address",
];

/// Every event the filters let through as a spreadsheet, newest first, streamed as it is
/// read. Filters with a problem are answered with the page and its messages.
pub async fn csv(
    State(state): State<AppState>,
    viewer: Viewer,
    admin: AdminUser,
    Query(query): Query<LogQuery>,
) -> Result<Response, AppError> {
    let trimmed = query.clone().trimmed();
    let Ok(filter) = filter(&state, &trimmed).await? else {
        return page(State(state), viewer, admin, Query(query)).await;
    };
    let statement = audit_log::log_statement(&filter);
    Ok(spreadsheet::streamed(
        "audit-log.csv",
        &HEADER,
        move |rows| async move {
            let mut events = audit_log::stream(&state.db, &statement);
            while let Some(entry) = events.next().await {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => return rows.fail(error.into()).await,
                };
                if !rows.send(cells(&entry)).await {
                    return;
                }
            }
        },
    ))
}

fn cells(entry: &LogEntry) -> [String; 10] {
    let event = &entry.event;
    let number = |id: Option<i64>| id.map_or(String::new(), |id| id.to_string());
    let subject = event.subject();
    [
        event.audit_event_id.to_string(),
        london::sortable_date_time(event.created_at),
        number(event.actor_user_id),
        entry.actor_email.clone().unwrap_or_default(),
        event.action.clone(),
        subject.map_or(String::new(), |s| format!("{} {}", s.kind.label(), s.id)),
        number(event.subject_user_id),
        entry.subject_email.clone().unwrap_or_default(),
        event.detail.clone(),
        event.client_address.clone().unwrap_or_default(),
    ]
}
