//! `/cpd/shared/{token}`: a learner's CPD record as their share link shows it, for anyone
//! holding the link (no account): their name, regulator and registration number, the
//! entries inside the link's scope with their totals, and their evidence files only when
//! the link includes them (`/cpd/shared/{token}/evidence/{id}`).
//!
//! Like the certificate check it writes nothing for an anonymous reader: no session, no
//! counter row (views are counted in memory, `cpd::view_counts`), and the rate limit per
//! client address is an in-process `AddressLimiter`. Every answer says `noindex` and
//! `private, no-store`. An expired or withdrawn link answers 410 with one sentence; an
//! unknown or malformed token the site's usual 404.

use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::entry::EntryView;
use crate::auth::rate_limit::RetryAfter;
use crate::auth::{ClientAddress, Viewer};
use crate::db::cpd::evidence::Evidence;
use crate::db::cpd::share::{self as store, ShareLink};
use crate::db::users::{self, User};
use crate::domain::cpd::counting::Tally;
use crate::domain::cpd::hours::hours_text;
use crate::domain::cpd::regulator::Regulator;
use crate::domain::cpd::share::LinkState;
use crate::domain::london;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::pagination::{PAGE_SIZE, PageQuery, Pager};

/// An entry, its files (when the link includes them) and its certificate's public check
/// (verified entries).
type SharedEntry = (EntryView, Vec<Evidence>, Option<String>);

#[derive(Template)]
#[template(path = "cpd/share_page.html")]
struct SharedPage {
    layout: Layout,
    token: String,
    name: String,
    body: String,
    registration_number: String,
    shows: String,
    include_evidence: bool,
    works_until: String,
    entries: Vec<SharedEntry>,
    total: i64,
    totals: Tally,
    not_counted: usize,
    pager: Pager,
}

impl SharedPage {
    fn hours(&self) -> String {
        hours_text(self.totals.minutes)
    }

    fn participatory(&self) -> String {
        hours_text(self.totals.participatory_minutes)
    }

    fn page_link(&self, page: i64) -> String {
        format!("{}?page={page}", paths::cpd_shared(&self.token))
    }
}

#[derive(Template)]
#[template(path = "cpd/share_gone.html")]
struct GonePage {
    layout: Layout,
    message: &'static str,
}

#[derive(Template)]
#[template(path = "cpd/share_too_many.html")]
struct TooManyPage {
    layout: Layout,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    token: Result<Path<String>, PathRejection>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    let page_number = query.map(|Query(q)| q.number()).unwrap_or(1);
    let token = token.map(|Path(t)| t).unwrap_or_default();
    let answer = async {
        let (link, owner) = match open(&state, &viewer, client, &token).await? {
            Opened::Open(link, owner) => (link, owner),
            Opened::Refused(response) => return Ok(response),
        };
        let response = show(&state, &viewer, &token, &link, &owner, page_number).await?;
        // Counted once it is served; the learner looking at their own link is not a view.
        if viewer.user.as_ref().map(|u| u.user_id) != Some(owner.user_id) {
            state.share_views.count(link.share_id);
        }
        Ok::<_, AppError>(response)
    };
    private(answer.await.unwrap_or_else(IntoResponse::into_response))
}

pub async fn evidence(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    ids: Result<Path<(String, i64)>, PathRejection>,
) -> Response {
    let answer = async {
        let Ok(Path((token, evidence_id))) = ids else {
            return Err(AppError::NotFound);
        };
        let link = match open(&state, &viewer, client, &token).await? {
            Opened::Open(link, _) => link,
            Opened::Refused(response) => return Ok(response),
        };
        if !link.include_evidence {
            return Err(AppError::NotFound);
        }
        let scope = link.scope();
        let file = store::evidence_file_in_scope(&state.db, link.user_id, &scope, evidence_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let name = file.filename.replace(['"', '\\'], "");
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    file.file_format.content_type().to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; sandbox".to_owned(),
                ),
            ],
            file.bytes,
        )
            .into_response())
    };
    private(answer.await.unwrap_or_else(IntoResponse::into_response))
}

enum Opened {
    Open(ShareLink, Box<User>),
    /// Too many requests, or a link that no longer works: the answer to send.
    Refused(Response),
}

/// The rate limit, then the link by its token's hash, then its state and its learner.
async fn open(
    state: &AppState,
    viewer: &Viewer,
    client: ClientAddress,
    token: &str,
) -> Result<Opened, AppError> {
    let now = state.clock.now();
    if let Err(RetryAfter(seconds)) = state.share_limit.check(client.0, now) {
        return too_many(viewer, seconds).map(Opened::Refused);
    }
    let token = token.to_ascii_lowercase();
    // 64 hex digits (`auth::keys::new_token`); anything else is not looked up.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let link = store::find_by_token_hash(&state.db, &crate::auth::keys::hash_token(&token))
        .await?
        .ok_or(AppError::NotFound)?;
    let message = match link.state(now) {
        LinkState::Active => None,
        LinkState::Expired => Some("This link has expired"),
        LinkState::Withdrawn => Some("This link was withdrawn by the person who shared it"),
    };
    if let Some(message) = message {
        return gone(viewer, message).map(Opened::Refused);
    }
    // A disabled account's record is not shown (as if the link were not there).
    let owner = users::find(&state.db, link.user_id)
        .await?
        .filter(|u| !u.is_disabled())
        .ok_or(AppError::NotFound)?;
    Ok(Opened::Open(link, Box::new(owner)))
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    token: &str,
    link: &ShareLink,
    owner: &User,
    page: i64,
) -> Result<Response, AppError> {
    let scope = link.scope();
    let counted = store::counted_in_scope(&state.db, owner.user_id, &scope).await?;
    let totals = Tally::of(counted.iter().filter(|c| c.counts));
    let not_counted = counted.iter().filter(|c| !c.counts).count();
    let total = counted.len() as i64;
    let pager = Pager::with_size(page, total, PAGE_SIZE);
    let entries = store::entries_in_scope(
        &state.db,
        owner.user_id,
        &scope,
        pager.size(),
        pager.offset(),
    )
    .await?;
    let mut files = match link.include_evidence {
        true => {
            let ids: Vec<i64> = entries.iter().map(|e| e.entry_id).collect();
            store::evidence_of(&state.db, &ids).await?
        }
        false => Vec::new(),
    };
    let entries: Vec<SharedEntry> = entries
        .into_iter()
        .map(|entry| {
            let (mine, rest) = files.drain(..).partition(|f| f.entry_id == entry.entry_id);
            files = rest;
            let check = entry.certificate_code.as_deref().map(paths::certificate);
            (EntryView::of(entry), mine, check)
        })
        .collect();
    let body = match owner.professional_body.as_deref() {
        None => "None".to_owned(),
        Some(body) => Regulator::from_professional_body(Some(body))
            .map_or("Another professional body".to_owned(), |r| {
                r.label().to_owned()
            }),
    };
    let name = owner.full_name.clone();
    let page = SharedPage {
        layout: Layout::new(
            format!("CPD record of {name}"),
            "A CPD record shared with you.",
            Section::Other,
            viewer,
        ),
        token: token.to_ascii_lowercase(),
        name,
        body,
        registration_number: owner.registration_number.clone().unwrap_or_default(),
        shows: scope.describe(),
        include_evidence: link.include_evidence,
        works_until: london::date_time(link.expires_at),
        entries,
        total,
        totals,
        not_counted,
        pager,
    };
    Ok(Html(page.render()?).into_response())
}

/// 410 with one sentence and nothing of the record.
fn gone(viewer: &Viewer, message: &'static str) -> Result<Response, AppError> {
    let page = GonePage {
        layout: Layout::new(message, message, Section::Other, viewer),
        message,
    };
    Ok((StatusCode::GONE, Html(page.render()?)).into_response())
}

/// 429 with `Retry-After`, as a page of its own.
fn too_many(viewer: &Viewer, seconds: u64) -> Result<Response, AppError> {
    let page = TooManyPage {
        layout: Layout::new(
            "Too many requests",
            "Too many requests.",
            Section::Other,
            viewer,
        ),
    };
    Ok((
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, HeaderValue::from(seconds))],
        Html(page.render()?),
    )
        .into_response())
}

/// Every answer (the record, a file, 404, 410, 429): never indexed, never kept by a cache.
fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
