//! `/cpd/share`: the learner's share links (what each shows, until when, how often it was
//! opened, and whether it still works), the form that makes one, and withdrawing one
//! (asked first). The writes are `cpd::share` services.
//!
//! A new link's address is shown once, in the answer to the form itself (200, not a
//! redirect): only its hash is kept, so no later page could show it, and it must not
//! travel in a redirect's address or sit in the session store.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{client_text, form_errors, learner};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::cpd::share::{self as service, ShareError};
use crate::db::cpd::share::{self as store, ShareLink};
use crate::domain::cpd::share::{LinkState, ShareDays, ShareScope};
use crate::domain::london;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::dates;
use crate::web::forms::{Form, FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::render;

/// The form's fields in page order.
const FIELDS: [&str; 5] = ["scope", "from", "to", "include_evidence", "days"];

/// The form: "whole record" is checked at first, so `scope` is always sent; the box and
/// the duration may be left out.
#[derive(Debug, Deserialize)]
pub struct ShareForm {
    pub scope: String,
    pub from_day: String,
    pub from_month: String,
    pub from_year: String,
    pub to_day: String,
    pub to_month: String,
    pub to_year: String,
    #[serde(default)]
    pub include_evidence: String,
    #[serde(default)]
    pub days: String,
}

impl Default for ShareForm {
    fn default() -> Self {
        ShareForm {
            scope: "whole".to_owned(),
            from_day: String::new(),
            from_month: String::new(),
            from_year: String::new(),
            to_day: String::new(),
            to_month: String::new(),
            to_year: String::new(),
            include_evidence: String::new(),
            days: String::new(),
        }
    }
}

impl ShareForm {
    /// The scope and duration, or every problem beside its field.
    fn checked(
        &self,
        errors: &mut FormErrors,
        today: chrono::NaiveDate,
    ) -> Option<(ShareScope, ShareDays)> {
        let include_evidence = self.include_evidence == "yes";
        let scope = match self.scope.as_str() {
            "whole" => Some(ShareScope {
                include_evidence,
                ..ShareScope::default()
            }),
            "range" => {
                let from = [&self.from_day, &self.from_month, &self.from_year];
                let to = [&self.to_day, &self.to_month, &self.to_year];
                let from = dates::date(errors, "from", "from date", from);
                let to = dates::date(errors, "to", "to date", to);
                from.zip(to).map(|(from, to)| ShareScope {
                    from_on: Some(from),
                    to_on: Some(to),
                    include_evidence,
                })
            }
            _ => {
                errors.add("scope", "Choose the whole record or a range of dates");
                None
            }
        };
        for problem in scope.map(|s| s.problems(today)).unwrap_or_default() {
            errors.add(problem.field, problem.message);
        }
        let days = ShareDays::parse(&self.days);
        if days.is_none() {
            errors.add("days", "Choose how long the link works for");
        }
        scope.zip(days).filter(|_| errors.is_empty())
    }

    pub fn is_range(&self) -> bool {
        self.scope == "range"
    }
}

/// A link as the list shows it.
pub struct LinkRow {
    pub link: ShareLink,
    pub shows: String,
    pub evidence: &'static str,
    pub made: String,
    pub expires: String,
    pub state: LinkState,
    pub last_viewed: Option<String>,
}

impl LinkRow {
    fn of(link: ShareLink, now: chrono::DateTime<chrono::Utc>) -> LinkRow {
        LinkRow {
            shows: link.scope().describe(),
            evidence: match link.include_evidence {
                true => "with evidence files",
                false => "without evidence files",
            },
            made: london::date_time(link.created_at),
            expires: london::date_time(link.expires_at),
            state: link.state(now),
            last_viewed: link.last_viewed_at.map(london::date_time),
            link,
        }
    }

    pub fn is_active(&self) -> bool {
        self.state == LinkState::Active
    }

    /// "the whole record, made 2 March 2026 at 9:00am", for buttons and the confirmation.
    pub fn description(&self) -> String {
        format!("{}, made {}", self.shows_in_sentence(), self.made)
    }

    /// What it shows, inside a sentence: "the whole record", "entries ending …".
    pub fn shows_in_sentence(&self) -> String {
        let mut chars = self.shows.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_lowercase().chain(chars).collect()
        })
    }
}

/// A link just made: its address, shown this once.
pub struct Created {
    pub url: String,
    pub row: LinkRow,
}

#[derive(Template)]
#[template(path = "cpd/share_list.html")]
struct SharePage<'a> {
    layout: Layout,
    links: Vec<LinkRow>,
    created: Option<Created>,
    form: &'a ShareForm,
    errors: &'a FormErrors,
    durations: &'static [ShareDays],
}

/// What the page shows besides the list: a link just made, the form as sent with its
/// problems, or the banner after a withdrawal.
struct Shown<'a> {
    created: Option<Created>,
    form: &'a ShareForm,
    errors: &'a FormErrors,
    banner: Option<String>,
}

async fn share_page(
    state: &AppState,
    viewer: &Viewer,
    user_id: i64,
    shown: Shown<'_>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let links = store::for_user(&state.db, user_id)
        .await?
        .into_iter()
        .map(|link| LinkRow::of(link, now))
        .collect();
    let page = SharePage {
        layout: Layout::new(
            "Share your CPD record",
            "Links that let an appraiser, confirmer or line manager read your CPD record.",
            Section::Account,
            viewer,
        )
        .with_errors(!shown.errors.is_empty())
        .with_banner(shown.banner),
        links,
        created: shown.created,
        form: shown.form,
        errors: shown.errors,
        durations: ShareDays::ALL,
    };
    page_or_rejected(&page, shown.errors)
}

/// `?done=withdrawn` after a link is withdrawn; nothing else is read from the address.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

const WITHDRAWN: &str =
    "The link was withdrawn. Anyone who opens it now is told so, and sees nothing else.";

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let shown = Shown {
        created: None,
        form: &ShareForm::default(),
        errors: &FormErrors::default(),
        banner: (query.done.as_deref() == Some("withdrawn")).then(|| WITHDRAWN.to_owned()),
    };
    share_page(&state, &viewer, user.user_id, shown).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    Form(form): Form<ShareForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    let Some((scope, days)) = form.checked(&mut errors, london::day_of(now)) else {
        let errors = errors.in_field_order(&FIELDS);
        return share_page(&state, &viewer, user.user_id, rejected(&form, &errors)).await;
    };
    let client = client_text(&client);
    match service::create_link(state.ctx(), learner(&user, &client), scope, days).await {
        Ok((link, token)) => {
            let created = Created {
                url: state.site().url(&paths::cpd_shared(&token)),
                row: LinkRow::of(link, now),
            };
            let shown = Shown {
                created: Some(created),
                form: &ShareForm::default(),
                errors: &FormErrors::default(),
                banner: None,
            };
            share_page(&state, &viewer, user.user_id, shown).await
        }
        Err(ShareError::Invalid(problems)) => {
            let errors = form_errors(problems, &FIELDS);
            share_page(&state, &viewer, user.user_id, rejected(&form, &errors)).await
        }
        Err(other) => Err(other.into()),
    }
}

fn rejected<'a>(form: &'a ShareForm, errors: &'a FormErrors) -> Shown<'a> {
    Shown {
        created: None,
        form,
        errors,
        banner: None,
    }
}

/// The link's id in the address; one that is not a number is no link (404).
fn share_id(id: Result<Path<i64>, PathRejection>) -> Result<i64, AppError> {
    id.map(|Path(id)| id).map_err(|_| AppError::NotFound)
}

#[derive(Template)]
#[template(path = "cpd/share_revoke.html")]
struct RevokePage {
    layout: Layout,
    row: LinkRow,
}

pub async fn confirm_revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, AppError> {
    let link = store::find_for_user(&state.db, user.user_id, share_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    render(&RevokePage {
        layout: Layout::new(
            "Withdraw this link",
            "Withdraw a link to your CPD record.",
            Section::Account,
            &viewer,
        ),
        row: LinkRow::of(link, state.clock.now()),
    })
}

/// The withdraw button sends nothing but its token.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {}

pub async fn revoke(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    id: Result<Path<i64>, PathRejection>,
    Form(_): Form<RevokeForm>,
) -> Result<Response, AppError> {
    let id = share_id(id)?;
    let client = client_text(&client);
    service::revoke_link(state.ctx(), learner(&user, &client), id).await?;
    Ok(Redirect::to(&format!("{}?done=withdrawn", paths::cpd_share())).into_response())
}

impl From<ShareError> for AppError {
    fn from(error: ShareError) -> Self {
        match error {
            ShareError::NotFound => AppError::NotFound,
            ShareError::Db(error) => error.into(),
            ShareError::Invalid(_) => {
                AppError::BadRequest("The link could not be made.".to_owned())
            }
        }
    }
}
