//! `/reports` and `/reports/{slug}`, from the published content in memory: investigation
//! reports with search, topic and year filters, and each report with its findings, PDF and related courses.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{TimeZone, Utc};
use serde::Deserialize;

use super::{moved_or_missing, published_on, well_formed};
use crate::auth::Viewer;
use crate::content::Kind;
use crate::db::published::ReportItem;
use crate::db::reports::Finding;
use crate::domain::content::FindingKind;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::pagination::{PageQuery, Pager};
use crate::web::render;

const PAGE_SIZE: i64 = 10;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    topic: Option<String>,
    year: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "content/reports.html")]
struct ListPage<'a> {
    layout: Layout,
    reports: Vec<&'a ReportItem>,
    query: String,
    topic: String,
    year: Option<i32>,
    topics: Vec<String>,
    years: Vec<i32>,
    total: i64,
    pager: Pager,
    filtered: bool,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let view = state.published.view().await?;
    let content = &view.content;
    let text: String = query
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(200)
        .collect();
    let topic: String = query
        .topic
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .to_owned();
    let year = query
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (1900..=3000).contains(y));
    let published_in = year.and_then(|y| {
        let start = Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).single()?;
        let end = Utc.with_ymd_and_hms(y + 1, 1, 1, 0, 0, 0).single()?;
        Some(start..end)
    });
    let folded = crate::domain::search::fold(&text);
    let matching = || {
        content.reports_public(now).iter().filter(|r| {
            (folded.is_empty() || r.search_text.contains(&folded))
                && (topic.is_empty() || r.topic == topic)
                && published_in
                    .as_ref()
                    .is_none_or(|range| range.contains(&r.publish_at))
        })
    };
    let page = PageQuery { page: query.page }.number();
    let total = matching().count() as i64;
    let pager = Pager::with_size(page, total, PAGE_SIZE);
    let found = matching()
        .skip(pager.offset() as usize)
        .take(pager.size() as usize)
        .collect();
    let site = state.site();
    let page = ListPage {
        layout: Layout::new(
            "Investigation reports",
            "Our patient safety investigation reports, with their safety recommendations and responses.",
            Section::Reports,
            &viewer,
        )
        .with_canonical(site.url(paths::reports()))
        .with_feed("Investigation reports", site.url(paths::reports_feed())),
        filtered: !text.is_empty() || !topic.is_empty() || year.is_some(),
        reports: found,
        query: text,
        topic,
        year,
        topics: content.report_topics(now),
        years: content.report_years(now),
        total,
        pager,
    };
    Ok(render(&page)?.into_response())
}

/// A recommendation, observation or action as the page shows it.
pub struct FindingView<'a> {
    pub finding: &'a Finding,
    pub due: String,
}

#[derive(Template)]
#[template(path = "content/report.html")]
struct ReportPage<'a> {
    layout: Layout,
    report: &'a ReportItem,
    published: String,
    body_html: &'a str,
    recommendations: Vec<FindingView<'a>>,
    observations: Vec<FindingView<'a>>,
    actions: Vec<FindingView<'a>>,
    courses: Vec<(&'a str, &'a str)>,
    pdf_size: String,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    well_formed(&slug)?;
    let view = state.published.view().await?;
    let content = &view.content;
    let Some(report) = content.report_by_slug(&slug, now) else {
        return moved_or_missing(&state, Kind::Report, &slug).await;
    };
    let Some(detail) = state
        .published
        .report_detail(content, report.report_id)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    let mut groups = [Vec::new(), Vec::new(), Vec::new()];
    for finding in &detail.findings {
        let index = match finding.kind {
            FindingKind::Recommendation => 0,
            FindingKind::Observation => 1,
            FindingKind::Action => 2,
        };
        let due = finding
            .response_due_on
            .map(crate::domain::london::date)
            .unwrap_or_default();
        groups[index].push(FindingView { finding, due });
    }
    let [recommendations, observations, actions] = groups;
    let site = state.site();
    let image = report
        .image_upload_id
        .map(|id| site.url(&paths::upload(id)));
    let page = ReportPage {
        layout: Layout::new(
            report.title.clone(),
            report.summary.clone(),
            Section::Reports,
            &viewer,
        )
        .with_canonical(site.url(&paths::report(&report.slug)))
        .with_feed("Investigation reports", site.url(paths::reports_feed()))
        .as_article(image),
        published: published_on(&report.publish_at),
        body_html: &detail.body_html,
        recommendations,
        observations,
        actions,
        courses: content
            .courses_of_report(report.report_id)
            .into_iter()
            .map(|c| (c.slug.as_str(), c.title.as_str()))
            .collect(),
        pdf_size: report.pdf_size.map(file_size).unwrap_or_default(),
        report,
    };
    Ok(render(&page)?.into_response())
}

/// "2.4 MB", "180 KB".
fn file_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b => format!("{} KB", (b + 999) / 1000),
    }
}
