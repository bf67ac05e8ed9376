//! Signed-in pages made in the last second, kept for the session that asked for them (the
//! rule is [`crate::recent`]'s): a learner's dashboard, place, CPD log, course page or account page asked
//! for again within a second costs no query while this process writes nothing, and anything
//! this process writes shows on the next request. A page goes back only to the session it
//! was made for, so nobody is sent another person's page or form token. Routes opt in with
//! [`kept`]; the router holds one [`RecentPages`] as an extension.

use std::sync::Arc;

use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::Viewer;
use crate::clock::Clock;
use crate::recent::Recent;

/// What the kept pages may weigh together; a page that does not fit is simply made again.
const CAPACITY_BYTES: u64 = 4 * 1024 * 1024;
/// A larger page is made every time.
const MAX_PAGE_BYTES: u64 = 512 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct PageKey {
    user_id: i64,
    /// The session's form token: it is on the page, and no other session has it.
    session: String,
    /// Path and query: a notice or a filter in the query is another page.
    address: String,
}

pub struct RecentPages(Recent<PageKey, Bytes>);

/// On a response: the same body went to this session within the last second, so the
/// compression layer may keep its gzip ([`super::compress_once`]).
#[derive(Clone, Copy, Debug)]
pub struct SentBefore;

impl RecentPages {
    pub fn new(clock: Clock) -> RecentPages {
        RecentPages(Recent::weighed(clock, CAPACITY_BYTES, |key, page| {
            u32::try_from(key.address.len() + page.len()).unwrap_or(u32::MAX)
        }))
    }
}

impl std::fmt::Debug for RecentPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecentPages")
            .field("entries", &self.0.entry_count())
            .finish()
    }
}

/// Route middleware (inside the viewer layer): a signed-in `GET` is answered from the
/// session's page of the last second, or made and kept when it is a whole HTML page with
/// nothing set on it for later (no cookie). Anyone else, and every other answer, passes as
/// it is.
pub async fn kept(request: Request, next: Next) -> Response {
    let pages = request.extensions().get::<Arc<RecentPages>>().cloned();
    let key = request
        .extensions()
        .get::<Viewer>()
        .and_then(|viewer| Some((viewer.user_id()?, viewer)))
        .map(|(user_id, viewer)| PageKey {
            user_id,
            session: viewer.csrf.expected().to_owned(),
            address: request.uri().path_and_query().map_or_else(
                || request.uri().path().to_owned(),
                |p| p.as_str().to_owned(),
            ),
        });
    let (Some(pages), Some(key), &Method::GET) = (pages, key, request.method()) else {
        return next.run(request).await;
    };
    if let Some(body) = pages.0.get(&key) {
        let mut response = Html(body).into_response();
        response.extensions_mut().insert(SentBefore);
        return response;
    }
    let ticket = pages.0.ticket();
    let response = next.run(request).await;
    if !worth_keeping(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES as usize).await else {
        // The size was exact and within the limit, so this is a body that failed mid-way.
        return Response::from_parts(parts, Body::empty());
    };
    pages.0.keep(ticket, key, bytes.clone());
    Response::from_parts(parts, Body::from(bytes))
}

fn worth_keeping(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && response
            .body()
            .size_hint()
            .exact()
            .is_some_and(|n| n <= MAX_PAGE_BYTES)
        && !headers.contains_key(header::SET_COOKIE)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
}
