//! Compressing once what every visitor gets alike: a page made for an anonymous visitor
//! without a form token, a static asset (both marked [`SameForEveryVisitor`]). The gzip of
//! such a body is kept, found again by the body's hash and checked against the body itself,
//! so the next identical body is sent without compressing it again. A signed-in page sent
//! again from the session's last second ([`SentBefore`]) is kept the same way: only a
//! request that made the identical bytes itself can find their gzip. Anything else made
//! for one visitor (a form's token, a `Set-Cookie`) is left to the outer compression
//! layer, per request, as before.
//!
//! Only identical bytes share a compressed copy, so no stale page can be served from here:
//! what decides a page is still made again is [`super::recent_pages`].

use std::hash::BuildHasher;
use std::io::Write;
use std::sync::Arc;

use axum::body::HttpBody as _;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use flate2::Compression;
use flate2::write::GzEncoder;

use super::recent_pages::SentBefore;
use crate::auth::viewer::SameForEveryVisitor;

/// Smaller bodies are not worth a lookup (tower-http leaves those under 32 bytes alone).
const MIN_BYTES: u64 = 256;
/// Larger ones are compressed per request rather than held.
const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// What the kept bodies and their gzip may weigh together.
const CAPACITY_BYTES: u64 = 8 * 1024 * 1024;

/// The kept gzip copies, shared by every request of one router.
#[derive(Clone)]
pub struct CompressedBodies {
    kept: moka::sync::Cache<u64, Arc<Kept>>,
    hasher: foldhash::fast::FixedState,
}

struct Kept {
    body: Bytes,
    gzip: Bytes,
}

impl Default for CompressedBodies {
    fn default() -> Self {
        CompressedBodies {
            kept: moka::sync::Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|_, kept: &Arc<Kept>| {
                    u32::try_from(kept.body.len() + kept.gzip.len()).unwrap_or(u32::MAX)
                })
                .build(),
            hasher: foldhash::fast::FixedState::default(),
        }
    }
}

impl CompressedBodies {
    /// The gzip of `body`, compressed now unless an identical body was compressed before.
    fn gzip_of(&self, body: Bytes) -> Bytes {
        let key = self.hasher.hash_one(&body[..]);
        if let Some(kept) = self.kept.get(&key).filter(|kept| kept.body == body) {
            return kept.gzip.clone();
        }
        let gzip = gzip(&body);
        self.kept.insert(
            key,
            Arc::new(Kept {
                body,
                gzip: gzip.clone(),
            }),
        );
        gzip
    }
}

/// Middleware just inside the outer compression layer, which leaves alone what this has
/// already encoded.
pub async fn compress_once(bodies: CompressedBodies, request: Request, next: Next) -> Response {
    let wanted = request.method() == Method::GET
        && !request.headers().contains_key(header::RANGE)
        && accepts_gzip(request.headers());
    let response = next.run(request).await;
    if !wanted || !shareable(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BYTES as usize).await else {
        // The size was exact and within the limit, so this is a body that failed mid-way.
        return Response::from_parts(parts, Body::empty());
    };
    let gzip = bodies.gzip_of(bytes);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    Response::from_parts(parts, Body::from(gzip))
}

/// Marked the same for everyone (or sent to this session before), a whole body of a size worth keeping, of a type gzip
/// shrinks, not encoded yet, and with nothing set for this visitor.
fn shareable(response: &Response) -> bool {
    let headers = response.headers();
    let size = response.body().size_hint().exact();
    response.status() == StatusCode::OK
        && (response.extensions().get::<SameForEveryVisitor>().is_some()
            || response.extensions().get::<SentBefore>().is_some())
        && size.is_some_and(|n| (MIN_BYTES..=MAX_BYTES).contains(&n))
        && !headers.contains_key(header::CONTENT_ENCODING)
        && !headers.contains_key(header::SET_COOKIE)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(compressible)
}

fn compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/xml"
                | "application/atom+xml"
                | "application/javascript"
                | "application/json"
                | "image/svg+xml"
        )
}

/// `Accept-Encoding` names gzip (or `*`) without `q=0`.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

fn gzip(body: &[u8]) -> Bytes {
    // Compressed once and sent many times, so the slower, smaller setting pays.
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 4), Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn gzip_is_wanted_unless_refused() {
        for yes in [
            "gzip",
            "gzip, deflate, br",
            "br;q=1.0, gzip;q=0.5",
            "*",
            "GZIP",
        ] {
            assert!(accepts_gzip(&with_accept(yes)), "{yes}");
        }
        for no in ["br", "identity", "gzip;q=0", "gzip; q=0.0", "deflate"] {
            assert!(!accepts_gzip(&with_accept(no)), "{no}");
        }
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn an_identical_body_shares_its_compressed_copy_and_a_different_one_does_not() {
        let bodies = CompressedBodies::default();
        let page = Bytes::from("<p>the same page</p>".repeat(50));
        let first = bodies.gzip_of(page.clone());
        let second = bodies.gzip_of(Bytes::copy_from_slice(&page));
        assert_eq!(
            first.as_ptr(),
            second.as_ptr(),
            "kept, not compressed again"
        );
        let other = bodies.gzip_of(Bytes::from("<p>another page</p>".repeat(50)));
        let mut unzipped = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&other[..]), &mut unzipped)
            .unwrap();
        assert_eq!(unzipped, "<p>another page</p>".repeat(50));
    }
}
