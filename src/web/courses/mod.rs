//! `/courses`: the catalogue, each course's page, and each cohort's calendar.

mod calendar;
mod catalogue;
mod cohort_rows;
mod course_page;

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::get;

use crate::state::AppState;
use crate::web::recent_pages::kept;
pub use catalogue::next_cohort;
pub use course_page::{InterestProblem, course_response};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses", get(catalogue::catalogue).layer(from_fn(kept)))
        .route(
            "/courses/{slug}",
            get(course_page::course_page).layer(from_fn(kept)),
        )
        .route("/cohorts/{id}/calendar.ics", get(calendar::calendar))
}

/// "1 place", "3 places".
fn seats(n: i64) -> String {
    if n == 1 {
        "1 place".into()
    } else {
        format!("{n} places")
    }
}
