//! Atom feeds of reports and posts, `sitemap.xml` (an index of `/sitemap/{n}.xml` pages once
//! it lists too many addresses) and `robots.txt`: all with absolute links built from
//! `ACADEMY_BASE_URL`.

use std::sync::Arc;

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeZone, Utc};

use crate::email::templates::Site;
use crate::error::AppError;
use crate::paths;
use crate::published::Snapshot;
use crate::state::AppState;

const FEED_ENTRIES: usize = 20;

fn fixed(at: DateTime<Utc>) -> FixedDateTime {
    at.fixed_offset()
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    Link {
        href,
        rel: rel.to_owned(),
        mime_type: mime.map(str::to_owned),
        ..Link::default()
    }
}

/// A feed whose `updated` is its newest entry's (a fixed date when it has none, so the
/// feed does not change by itself).
fn feed(site: &Site, title: &str, page: &str, feed_path: &str, entries: Vec<Entry>) -> Feed {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| fixed(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()));
    Feed {
        id: site.url(page),
        title: Text::plain(title),
        updated,
        authors: vec![Person {
            name: "Academy".into(),
            ..Person::default()
        }],
        links: vec![
            link(site.url(feed_path), "self", Some("application/atom+xml")),
            link(site.url(page), "alternate", Some("text/html")),
        ],
        entries,
        ..Feed::default()
    }
}

/// An entry whose id never changes, even when the item's address does (RFC 4287, 4.2.6).
fn entry(
    site: &Site,
    id: String,
    path: String,
    title: &str,
    summary: &str,
    published: DateTime<Utc>,
    updated: DateTime<Utc>,
) -> Entry {
    let url = site.url(&path);
    Entry {
        id: format!("tag:{},2026:{id}", site.host()),
        title: Text::plain(title),
        updated: fixed(updated.max(published)),
        published: Some(fixed(published)),
        summary: Some(Text::plain(summary)),
        links: vec![link(url, "alternate", Some("text/html"))],
        ..Entry::default()
    }
}

fn atom(feed: Feed) -> Response {
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed.to_string(),
    )
        .into_response()
}

pub async fn reports(State(state): State<AppState>) -> Result<Response, AppError> {
    let now = state.clock.now();
    let site = state.site();
    let view = state.published.view().await?;
    let entries = view
        .content
        .reports_public(now)
        .iter()
        .take(FEED_ENTRIES)
        .map(|r| {
            entry(
                site,
                format!("report-{}", r.report_id),
                paths::report(&r.slug),
                &r.title,
                &r.summary,
                r.publish_at,
                r.updated_at,
            )
        })
        .collect();
    Ok(atom(feed(
        site,
        "Academy: investigation reports",
        paths::reports(),
        paths::reports_feed(),
        entries,
    )))
}

pub async fn news(State(state): State<AppState>) -> Result<Response, AppError> {
    let now = state.clock.now();
    let site = state.site();
    let view = state.published.view().await?;
    let entries = view
        .content
        .posts_public(None, now)
        .take(FEED_ENTRIES)
        .map(|p| {
            entry(
                site,
                format!("post-{}", p.post_id),
                paths::post(&p.slug),
                &p.title,
                &p.summary,
                p.publish_at,
                p.updated_at,
            )
        })
        .collect();
    Ok(atom(feed(
        site,
        "Academy: news, events and blogs",
        paths::news(),
        paths::news_feed(),
        entries,
    )))
}

/// Text for an XML element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Addresses in one sitemap document. Past this, `/sitemap.xml` is an index of pages of
/// this many (the protocol allows 50,000; smaller pages keep every answer small as the
/// content grows).
pub const SITEMAP_PAGE: usize = 1_000;

/// The sitemap's documents for one content version and count of public items.
struct SitemapDocuments {
    /// `/sitemap.xml`: every address, or when they are too many the index of the pages.
    main: Bytes,
    /// `/sitemap/{n}.xml`, when split.
    pages: Vec<Bytes>,
}

/// Every public page: the fixed ones, each published course, report and post. Made once
/// per content version and count of public items (a scheduled one becoming public changes
/// the count), since at scale it lists thousands.
pub async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let documents = sitemap_documents(&state).await?;
    Ok(xml_response(documents.main.clone()))
}

/// One page of a split sitemap, `/sitemap/{n}.xml`.
pub async fn sitemap_page(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let number = name
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .ok_or(AppError::NotFound)?;
    let documents = sitemap_documents(&state).await?;
    let page = documents.pages.get(number - 1).ok_or(AppError::NotFound)?;
    Ok(xml_response(page.clone()))
}

fn xml_response(xml: Bytes) -> Response {
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        Body::from(xml),
    )
        .into_response()
}

async fn sitemap_documents(state: &AppState) -> Result<Arc<SitemapDocuments>, AppError> {
    let now = state.clock.now();
    let view = state.published.view().await?;
    let content = &view.content;
    let reports = content.reports_public(now).len() as u64;
    let posts = content.posts_public(None, now).count() as u64;
    Ok(content.made("sitemap", (reports << 32) | posts, || {
        let urls = sitemap_urls(state, content, now);
        if urls.len() <= SITEMAP_PAGE {
            return SitemapDocuments {
                main: urlset(&urls).into(),
                pages: Vec::new(),
            };
        }
        let pages: Vec<Bytes> = urls
            .chunks(SITEMAP_PAGE)
            .map(|page| urlset(page).into())
            .collect();
        let site = state.site();
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for number in 1..=pages.len() {
            index.push_str(&format!(
                "  <sitemap><loc>{}</loc></sitemap>\n",
                escape(&site.url(&paths::sitemap_page(number)))
            ));
        }
        index.push_str("</sitemapindex>\n");
        SitemapDocuments {
            main: index.into(),
            pages,
        }
    }))
}

fn sitemap_urls(
    state: &AppState,
    content: &Snapshot,
    now: DateTime<Utc>,
) -> Vec<(String, Option<DateTime<Utc>>)> {
    let site = state.site();
    let mut urls: Vec<(String, Option<DateTime<Utc>>)> = [
        paths::home(),
        paths::courses(),
        paths::reports(),
        paths::news(),
        paths::accessibility(),
        paths::privacy(),
        paths::contact(),
    ]
    .into_iter()
    .map(|path| (site.url(path), None))
    .collect();
    for entry in &content.courses {
        let course = &entry.course;
        urls.push((
            site.url(&paths::course(&course.slug)),
            Some(course.updated_at),
        ));
    }
    for report in content.reports_public(now) {
        urls.push((
            site.url(&paths::report(&report.slug)),
            Some(report.updated_at),
        ));
    }
    for post in content.posts_public(None, now) {
        urls.push((site.url(&paths::post(&post.slug)), Some(post.updated_at)));
    }
    urls
}

fn urlset(urls: &[(String, Option<DateTime<Utc>>)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, updated) in urls {
        xml.push_str(&format!("  <url><loc>{}</loc>", escape(url)));
        if let Some(updated) = updated {
            xml.push_str(&format!(
                "<lastmod>{}</lastmod>",
                updated.format("%Y-%m-%d")
            ));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Keeps crawlers out of the private areas (these are address prefixes, not links).
pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /account\nDisallow: /admin\nDisallow: /dashboard\n\
         Disallow: /enrolments\nDisallow: /login\nDisallow: /register\n\
         Sitemap: {}\n",
        state.site().url(paths::sitemap())
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
