//! Pages made in the last second, used again (the rule is [`crate::recent`]'s). A
//! signed-in learner's dashboard, place, CPD log, course page or account page goes back
//! only to the session it was made for, so nobody is sent another person's page or form
//! token. A public page made for an anonymous visitor without a form token goes to any
//! anonymous visitor asking the same address at the same [`Moment`] of the published
//! content (its version, the seat counts' generation, the scheduled instants passed and
//! the UK date), so an edit, a new seat count or a publication time shows on the next
//! request exactly as if the page were made again. Either way nothing is used after this
//! process wrote anything. Routes opt in with [`kept`]; the router holds one
//! [`RecentPages`] as an extension.

use std::sync::Arc;

use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::Viewer;
use crate::clock::Clock;
use crate::published::{Moment, PublishedContent};
use crate::recent::Recent;
use crate::single_flight::{Flights, Turn};

/// What the kept pages may weigh together; a page that does not fit is simply made again.
const CAPACITY_BYTES: u64 = 4 * 1024 * 1024;
/// A larger page is made every time.
const MAX_PAGE_BYTES: u64 = 512 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum PageKey {
    Session {
        user_id: i64,
        /// The session's form token: it is on the page, and no other session has it.
        session: String,
        /// Path and query: a notice or a filter in the query is another page.
        address: String,
    },
    Public {
        address: String,
        moment: Moment,
    },
}

impl PageKey {
    fn address(&self) -> &str {
        match self {
            PageKey::Session { address, .. } | PageKey::Public { address, .. } => address,
        }
    }
}

pub struct RecentPages {
    /// A page, or None: made in the last second and not to be kept (a form's token, a
    /// header of its own), so the next request makes its own without waiting for another.
    pages: Recent<PageKey, Option<Bytes>>,
    flights: Arc<Flights<PageKey>>,
    published: PublishedContent,
    clock: Clock,
}

/// On a response: the same body went to this session within the last second, so the
/// compression layer may keep its gzip ([`super::compress_once`]).
#[derive(Clone, Copy, Debug)]
pub struct SentBefore;

/// A page kept for the key, a page made for it and not kept, or nothing yet.
enum Known {
    Page(Response),
    NotKept,
    Unknown,
}

/// Who asks, and for what address.
struct Asker {
    /// A signed-in user's id and their session's form token.
    signed_in: Option<(i64, String)>,
    address: String,
}

impl RecentPages {
    pub fn new(clock: Clock, published: PublishedContent) -> RecentPages {
        let pages = Recent::weighed(
            clock.clone(),
            CAPACITY_BYTES,
            |key: &PageKey, page: &Option<Bytes>| {
                let bytes = key.address().len() + page.as_ref().map_or(0, Bytes::len);
                u32::try_from(bytes).unwrap_or(u32::MAX)
            },
        );
        RecentPages {
            pages,
            flights: Arc::default(),
            published,
            clock,
        }
    }

    /// What the last second says of `key`.
    fn known(&self, key: &PageKey) -> Known {
        match self.pages.get(key) {
            Some(Some(body)) => {
                let mut response = Html(body).into_response();
                if let PageKey::Session { .. } = key {
                    response.extensions_mut().insert(SentBefore);
                }
                Known::Page(response)
            }
            Some(None) => Known::NotKept,
            None => Known::Unknown,
        }
    }

    /// The published content's moment now (None if it cannot be read).
    async fn moment(&self) -> Option<Moment> {
        let view = self.published.view().await.ok()?;
        Some(view.moment(self.clock.now()))
    }

    /// Whose page, at which address, from [`Self::asker`]'s answer (the request itself
    /// may not be held across the wait).
    async fn key(&self, asker: Option<Asker>) -> Option<PageKey> {
        let Asker { signed_in, address } = asker?;
        match signed_in {
            Some((user_id, session)) => Some(PageKey::Session {
                user_id,
                session,
                address,
            }),
            // A page that cannot read the content answers its own error.
            None => Some(PageKey::Public {
                address,
                moment: self.moment().await?,
            }),
        }
    }

    /// Who asks and for what address; None for a request nothing is kept for.
    fn asker(request: &Request) -> Option<Asker> {
        if request.method() != Method::GET {
            return None;
        }
        let viewer = request.extensions().get::<Viewer>()?;
        let address = request.uri().path_and_query().map_or_else(
            || request.uri().path().to_owned(),
            |p| p.as_str().to_owned(),
        );
        let signed_in = viewer
            .user_id()
            .map(|user_id| (user_id, viewer.csrf.expected().to_owned()));
        Some(Asker { signed_in, address })
    }
}

impl std::fmt::Debug for RecentPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecentPages")
            .field("entries", &self.pages.entry_count())
            .finish()
    }
}

/// Route middleware (inside the viewer layer): a `GET` is answered from the page of the
/// last second made for the same session, or for any anonymous visitor at the same moment;
/// or it is made and kept when it is a whole HTML page with no header of its own (no
/// cookie) and, for an anonymous visitor, no form token on it. Every other answer
/// passes as it is.
pub async fn kept(request: Request, next: Next) -> Response {
    let pages = request.extensions().get::<Arc<RecentPages>>().cloned();
    let Some(pages) = pages else {
        return next.run(request).await;
    };
    let Some(key) = pages.key(RecentPages::asker(&request)).await else {
        return next.run(request).await;
    };
    match pages.known(&key) {
        Known::Page(kept) => return kept,
        Known::NotKept => return next.run(request).await,
        Known::Unknown => {}
    }
    // Held until the page is kept (or not): the others missing it now wait for it.
    let turn = pages.flights.turn(&key).await;
    if let Turn::Waited = turn {
        match pages.known(&key) {
            Known::Page(kept) => return kept,
            Known::NotKept | Known::Unknown => return next.run(request).await,
        }
    }
    // The viewer's token is shared with its copies: whether the page used it shows after.
    let token = request
        .extensions()
        .get::<Viewer>()
        .map(|viewer| viewer.csrf.clone());
    let ticket = pages.pages.ticket();
    let response = next.run(request).await;
    let for_anyone = token.is_some_and(|token| !token.was_used());
    if !worth_keeping(&response) || (matches!(key, PageKey::Public { .. }) && !for_anyone) {
        pages.pages.keep(ticket, key, None);
        return response;
    }
    if let PageKey::Public { moment, .. } = &key {
        // A page made across a change of moment (a publication time passed while it was
        // made) may belong to either: it is not kept.
        if pages.moment().await != Some(*moment) {
            return response;
        }
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES as usize).await else {
        // The size was exact and within the limit, so this is a body that failed mid-way.
        return Response::from_parts(parts, Body::empty());
    };
    pages.pages.keep(ticket, key, Some(bytes.clone()));
    drop(turn);
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
        // A kept page goes back as HTML alone: one the handler set anything else on (a
        // cookie, a header of its own) is made every time, so nothing it says is lost.
        && headers
            .keys()
            .all(|name| name == header::CONTENT_TYPE || name == header::CONTENT_LENGTH)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
}
