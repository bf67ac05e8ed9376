//! `/cpd`: the learner's log, newest first, filtered by a GET form (dates, type of
//! activity, verified or self-declared, kind, tag) and a search box, a page at a time.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::NaiveDate;
use serde::Deserialize;

use super::entry::EntryView;
use super::progress::{Summary, reads_from, summary};
use crate::auth::{CurrentUser, Viewer};
use crate::cpd::tags;
use crate::db::cpd::{self as store, Filter};
use crate::domain::cpd::entry::{EntryKind, Method};
use crate::domain::cpd::record_layout::RecordLayout;
use crate::domain::london;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::pagination::{PAGE_SIZE, PageQuery, Pager};
use crate::web::render;

/// The filter form as the address carries it; anything it cannot read is left out.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub from_day: String,
    #[serde(default)]
    pub from_month: String,
    #[serde(default)]
    pub from_year: String,
    #[serde(default)]
    pub to_day: String,
    #[serde(default)]
    pub to_month: String,
    #[serde(default)]
    pub to_year: String,
    #[serde(default)]
    pub method: String,
    /// "verified", "self_declared" or "" for both.
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub q: String,
    pub page: Option<String>,
    pub notice: Option<String>,
}

impl ListQuery {
    /// The filters the address asks for, and the problems with its dates (a date that is
    /// not one filters nothing). The list and its downloads read them the same way.
    pub fn filter(&self) -> (Filter, FormErrors) {
        let query = self;
        let mut errors = FormErrors::default();
        let from = filter_date(
            &mut errors,
            "from",
            "The from date",
            [&query.from_day, &query.from_month, &query.from_year],
        );
        let to = filter_date(
            &mut errors,
            "to",
            "The to date",
            [&query.to_day, &query.to_month, &query.to_year],
        );
        let search: String = query.q.trim().chars().take(200).collect();
        let filter = Filter {
            from,
            to,
            method: Method::parse(query.method.trim()),
            verified: match query.source.as_str() {
                "verified" => Some(true),
                "self_declared" => Some(false),
                _ => None,
            },
            kind: EntryKind::parse(query.kind.trim()),
            tag: tags::normalise(&query.tag).filter(|t| !t.contains(char::is_control)),
            query: (!search.is_empty()).then_some(search),
        };
        (filter, errors)
    }

    /// The filters as name and value pairs, for the pages' links.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("from_day", self.from_day.as_str()),
            ("from_month", &self.from_month),
            ("from_year", &self.from_year),
            ("to_day", &self.to_day),
            ("to_month", &self.to_month),
            ("to_year", &self.to_year),
            ("method", &self.method),
            ("source", &self.source),
            ("kind", &self.kind),
            ("tag", &self.tag),
            ("q", &self.q),
        ]
    }
}

/// Whether any filter is set.
pub fn is_filtered(filter: &Filter) -> bool {
    filter.from.is_some()
        || filter.to.is_some()
        || filter.method.is_some()
        || filter.verified.is_some()
        || filter.kind.is_some()
        || filter.tag.is_some()
        || filter.query.is_some()
}

/// A filter date: none when all three boxes are empty, a problem when it is not a date.
fn filter_date(
    errors: &mut FormErrors,
    field: &'static str,
    what: &str,
    parts: [&str; 3],
) -> Option<NaiveDate> {
    let [day, month, year] = parts.map(str::trim);
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return None;
    }
    let date = (|| {
        let year = year
            .parse::<i32>()
            .ok()
            .filter(|y| (1000..=9999).contains(y))?;
        NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?)
    })();
    if date.is_none() {
        errors.add(field, format!("{what} must be a real date, like 27 3 2026"));
    }
    date
}

#[derive(Template)]
#[template(path = "cpd/list.html")]
struct ListPage {
    layout: Layout,
    query: ListQuery,
    errors: FormErrors,
    entries: Vec<EntryView>,
    total: i64,
    filtered: bool,
    pager: Pager,
    previous: String,
    next: String,
    methods: &'static [Method],
    kinds: &'static [EntryKind],
    /// Progress against the learner's regulator, or totals by year.
    summary: Summary,
    downloads: Downloads,
}

/// The downloads of the entries the filters keep: the CSV, and the record in the
/// learner's own layout or another.
struct Downloads {
    csv: String,
    record_view: String,
    record_pdf: String,
    /// The filters again, for the layout form's hidden fields.
    filters: Vec<(&'static str, String)>,
    own: RecordLayout,
    layouts: &'static [RecordLayout],
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let (filter, errors) = query.filter();
    let filtered = is_filtered(&filter);
    let page = PageQuery {
        page: query.page.clone(),
    }
    .number();
    let total = store::count(&state.db, user.user_id, &filter).await?;
    let pager = Pager::with_size(page, total, PAGE_SIZE);
    let entries = store::list(
        &state.db,
        user.user_id,
        &filter,
        pager.size(),
        pager.offset(),
    )
    .await?
    .into_iter()
    .map(EntryView::of)
    .collect();
    let pairs = query.pairs();
    let own = RecordLayout::of_profile(user.professional_body.as_deref());
    let downloads = Downloads {
        csv: paths::cpd_export_csv(&pairs),
        record_view: paths::cpd_record_view(own.as_str(), &pairs),
        record_pdf: paths::cpd_record_pdf(own.as_str(), &pairs),
        filters: pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, (*v).to_owned()))
            .collect(),
        own,
        layouts: RecordLayout::ALL,
    };
    let previous = paths::cpd_page(&pairs, pager.page - 1);
    let next = paths::cpd_page(&pairs, pager.page + 1);
    let banner = Notice::message_for(query.notice.as_deref());
    let today = london::day_of(state.clock.now());
    let counted =
        store::counted_for_user(&state.db, user.user_id, reads_from(&user, today)).await?;
    let summary = summary(&user, &counted, today);
    render(&ListPage {
        layout: Layout::new(
            "Your CPD log",
            "Your record of continuing professional development.",
            Section::Account,
            &viewer,
        )
        .with_banner(banner),
        query,
        errors,
        entries,
        total,
        filtered,
        pager,
        previous,
        next,
        methods: Method::ALL,
        kinds: EntryKind::ALL,
        summary,
        downloads,
    })
}
