//! `/account/cpd-date`: the renewal or appraisal date the CPD record measures its cycle
//! to, worded for the learner's regulator, and the reminders before it.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use serde::Deserialize;

use super::saved;
use crate::accounts::cpd_date::{CpdDate, CpdDateError, save_cpd_date};
use crate::auth::{CurrentUser, Viewer};
use crate::db::users::User;
use crate::domain::cpd::cycle::renewal_date_problem;
use crate::domain::cpd::regulator::Regulator;
use crate::domain::london;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::dates::{parse_date, parts};
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

/// The form: the date's three boxes are always sent; the box for reminders only when ticked.
#[derive(Debug, Default, Deserialize)]
pub struct CpdDateForm {
    pub renewal_day: String,
    pub renewal_month: String,
    pub renewal_year: String,
    #[serde(default)]
    pub reminders: String,
}

#[derive(Template)]
#[template(path = "your_account/cpd_date.html")]
struct CpdDatePage<'a> {
    layout: Layout,
    form: &'a CpdDateForm,
    errors: &'a FormErrors,
    wording: Wording,
}

/// How the page names the date, by regulator.
struct Wording {
    legend: &'static str,
    hint: &'static str,
}

fn wording(user: &User) -> Wording {
    match Regulator::from_professional_body(user.professional_body.as_deref()) {
        Some(Regulator::Nmc) => Wording {
            legend: "Your NMC revalidation date",
            hint: "The date your revalidation application is due, as shown in your NMC Online account. Your record counts the three years up to it.",
        },
        Some(Regulator::Hcpc) => Wording {
            legend: "Your HCPC renewal date",
            hint: "The date your profession's registration renews. Your record counts the two years up to it.",
        },
        Some(Regulator::Gmc) => Wording {
            legend: "Your next appraisal date",
            hint: "Your record counts the year up to it.",
        },
        Some(Regulator::Gphc) => Wording {
            legend: "Your GPhC renewal date",
            hint: "The date your registration renews each year. Your record counts the year up to it.",
        },
        None => Wording {
            legend: "Your renewal or appraisal date",
            hint: "If your professional body or employer asks for CPD by a date. Without a regulator in your details, your record shows totals by year.",
        },
    }
}

fn page<'a>(
    viewer: &Viewer,
    user: &User,
    form: &'a CpdDateForm,
    errors: &'a FormErrors,
) -> CpdDatePage<'a> {
    CpdDatePage {
        layout: Layout::new(
            "Your CPD date",
            "Your CPD renewal or appraisal date.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        form,
        errors,
        wording: wording(user),
    }
}

pub async fn show(
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
) -> Result<Html<String>, AppError> {
    let (day, month, year) = user.cpd_renewal_on.map(parts).unwrap_or_default();
    let form = CpdDateForm {
        renewal_day: day,
        renewal_month: month,
        renewal_year: year,
        reminders: if user.cpd_reminders {
            "yes".into()
        } else {
            String::new()
        },
    };
    render(&page(&viewer, &user, &form, &FormErrors::default()))
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Form(form): Form<CpdDateForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let boxes = [&form.renewal_day, &form.renewal_month, &form.renewal_year];
    // Every box empty clears the date.
    let renewal_on = if boxes.iter().all(|b| b.trim().is_empty()) {
        None
    } else {
        match parse_date(boxes) {
            None => {
                errors.add("renewal", "The date must be a real date, like 31 3 2027");
                None
            }
            Some(date) => {
                let today = london::day_of(state.clock.now());
                if let Some(problem) = renewal_date_problem(date, today) {
                    errors.add("renewal", problem);
                }
                Some(date)
            }
        }
    };
    if !errors.is_empty() {
        return rejected(&page(&viewer, &user, &form, &errors));
    }
    let date = CpdDate {
        renewal_on,
        reminders: form.reminders == "yes",
    };
    save_cpd_date(state.ctx(), &user, date).await?;
    Ok(saved(Notice::Saved))
}

impl From<CpdDateError> for AppError {
    fn from(error: CpdDateError) -> Self {
        match error {
            CpdDateError::Db(error) => error.into(),
        }
    }
}
