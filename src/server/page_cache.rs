//! The render cache for anonymous page views. A page rendered for a request that carries no
//! cookies is kept and served again to the next such request for the same address, until
//! anything is written — through this instance (any request that is not a read), or anywhere
//! (a new event in the log, which every instance follows) — or until it is
//! `site.page_cache_seconds` old, which bounds what the log does not carry (relative times,
//! reading-now counts, another process's edits).
//!
//! Readers with cookies always get a fresh render: their pages show their own comments,
//! reactions and theme. Only the CSP nonce differs between two anonymous renders of one page
//! (anything else a page needs unique per answer, like the comment form's key, is derived
//! from it); it is cut out when a page is stored and a fresh one goes into every copy served,
//! so the policy stays one-use and no two readers share a key.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::{Frame, SizeHint};

use crate::server::http::{CspNonce, NAVIGATION_HEADER};
use crate::server::state::AppState;

/// Largest page kept (far above any real one).
const MAX_PAGE_BYTES: usize = 1024 * 1024;
/// Largest render read in full to be kept; anything larger is a bug, answered with 500.
const MAX_RENDER_BYTES: usize = 16 * 1024 * 1024;
/// All pages kept together stay under this; the oldest go first.
const MAX_TOTAL_BYTES: usize = 32 * 1024 * 1024;
/// Addresses longer than this are rendered but never kept (no page of ours needs one).
const MAX_ADDRESS_BYTES: usize = 512;
/// At most this many query variants of one path are kept (`/search?q=…`, `/?page=…`); a new
/// variant beyond it is rendered but not kept, so made-up query strings cannot push every
/// other page out.
const MAX_VARIANTS_PER_PATH: usize = 64;

#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

struct Inner {
    ttl: Duration,
    /// Non-read requests this instance has answered.
    writes: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
    pages: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    by_address: HashMap<String, Arc<Page>>,
    bytes: usize,
}

/// What a page was rendered from: equal versions, equal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    writes: u64,
    /// Newest event in the log this instance has seen.
    head: i64,
}

struct Page {
    version: Version,
    stored: Instant,
    headers: HeaderMap,
    /// The page split where its nonce was.
    pieces: Vec<Bytes>,
    size: usize,
}

/// Hits and misses since start (for `/metrics`).
#[derive(Debug, Clone, Copy, Default)]
pub struct PageCacheCounters {
    pub hits: u64,
    pub misses: u64,
}

impl PageCache {
    /// A cache whose pages live at most `ttl`; zero turns it off.
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            inner: Arc::new(Inner {
                ttl,
                writes: AtomicU64::new(0),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
                pages: Mutex::new(Pages::default()),
            }),
        }
    }

    pub fn counters(&self) -> PageCacheCounters {
        PageCacheCounters {
            hits: self.inner.hits.load(Ordering::Relaxed),
            misses: self.inner.misses.load(Ordering::Relaxed),
        }
    }

    fn enabled(&self) -> bool {
        !self.inner.ttl.is_zero()
    }

    fn pages(&self) -> std::sync::MutexGuard<'_, Pages> {
        self.inner
            .pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, address: &str, version: Version) -> Option<Arc<Page>> {
        let page = self.pages().by_address.get(address).cloned()?;
        (page.version == version && page.stored.elapsed() < self.inner.ttl).then_some(page)
    }

    fn put(&self, address: String, page: Page) {
        if page.size > MAX_PAGE_BYTES || address.len() > MAX_ADDRESS_BYTES {
            return;
        }
        let mut pages = self.pages();
        if let Some(old) = pages.by_address.remove(&address) {
            pages.bytes -= old.size;
        } else {
            let path = path_of(&address);
            let variants = pages
                .by_address
                .keys()
                .filter(|a| path_of(a) == path)
                .count();
            if variants >= MAX_VARIANTS_PER_PATH {
                return;
            }
        }
        while pages.bytes + page.size > MAX_TOTAL_BYTES {
            let Some(oldest) = pages
                .by_address
                .iter()
                .min_by_key(|(_, p)| p.stored)
                .map(|(a, _)| a.clone())
            else {
                break;
            };
            if let Some(gone) = pages.by_address.remove(&oldest) {
                pages.bytes -= gone.size;
            }
        }
        pages.bytes += page.size;
        pages.by_address.insert(address, Arc::new(page));
    }
}

impl Page {
    fn new(version: Version, headers: HeaderMap, body: &Bytes, nonce: &str) -> Page {
        let mut pieces = Vec::new();
        let mut rest = 0;
        if !nonce.is_empty() {
            let bytes = body.as_ref();
            let mut at = 0;
            while let Some(found) = find(&bytes[at..], nonce.as_bytes()) {
                pieces.push(body.slice(rest..at + found));
                at += found + nonce.len();
                rest = at;
            }
        }
        pieces.push(body.slice(rest..));
        Page {
            version,
            stored: Instant::now(),
            headers,
            pieces,
            size: body.len(),
        }
    }

    /// The page with `nonce` where the old one was. Nothing is copied: the body is the stored
    /// pieces (shared) with the new nonce between them, written out together.
    fn answer(&self, nonce: &str) -> Response {
        let nonce = Bytes::copy_from_slice(nonce.as_bytes());
        let mut chunks = VecDeque::with_capacity(self.pieces.len() * 2);
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                chunks.push_back(nonce.clone());
            }
            if !piece.is_empty() {
                chunks.push_back(piece.clone());
            }
        }
        let length = chunks.iter().map(|c| c.len() as u64).sum();
        let mut response = Response::new(Body::new(Spliced { chunks, length }));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// A body sent as the chunks it is made of, with its exact length known up front (so it goes
/// out with a `Content-Length`, in one vectored write).
struct Spliced {
    chunks: VecDeque<Bytes>,
    /// Bytes still to send.
    length: u64,
}

impl HttpBody for Spliced {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let chunk = self.chunks.pop_front();
        if let Some(chunk) = &chunk {
            self.length -= chunk.len() as u64;
        }
        Poll::Ready(chunk.map(|chunk| Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.length)
    }
}

/// An address without its query string.
fn path_of(address: &str) -> &str {
    address.split_once('?').map_or(address, |(path, _)| path)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Whether this request's page may come from, or go into, the cache: a plain anonymous
/// navigation to a page (no cookies; no token in the address; not a script's fetch, whose
/// answer may differ — except the page router's, which asks for the same page).
fn anonymous_page_view(req: &Request) -> bool {
    let headers = req.headers();
    req.method() == Method::GET
        && !headers.contains_key(header::COOKIE)
        && !headers.contains_key(header::AUTHORIZATION)
        && (headers
            .get("sec-fetch-mode")
            .is_none_or(|mode| mode.as_bytes() == b"navigate")
            || headers.contains_key(NAVIGATION_HEADER))
        && !req.uri().path().starts_with("/api/")
        && !req.uri().query().is_some_and(|q| q.contains("token"))
}

/// Whether a rendered answer is the same for every anonymous reader.
fn shareable(res: &Response) -> bool {
    let headers = res.headers();
    res.status() == StatusCode::OK
        && !headers.contains_key(header::SET_COOKIE)
        && headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
        && !headers.get(header::CACHE_CONTROL).is_some_and(|v| {
            let v = v.as_bytes();
            v.windows(8).any(|w| w == b"no-store") || v.windows(7).any(|w| w == b"private")
        })
}

/// The middleware: answers anonymous page views from the cache when it can, keeps what it
/// renders for them, and counts every write.
pub async fn serve(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cache = &state.pages;
    let method = req.method().clone();
    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let routed = req.extensions().get::<MatchedPath>().is_some();
        let res = next.run(req).await;
        // After the answer: a write that succeeded has committed, so a page rendered from now
        // on shows it, and one rendered before is stale. A refused or unknown request
        // changed nothing and keeps every page.
        let status = res.status();
        if routed && (status.is_success() || status.is_redirection()) {
            cache.inner.writes.fetch_add(1, Ordering::Relaxed);
        }
        return res;
    }
    if !cache.enabled() || !anonymous_page_view(&req) {
        return next.run(req).await;
    }
    let Some(CspNonce(nonce)) = req.extensions().get::<CspNonce>().cloned() else {
        return next.run(req).await;
    };
    let address = req.uri().to_string();
    // Read before rendering: a write that lands during the render makes this copy stale.
    let version = Version {
        writes: cache.inner.writes.load(Ordering::Relaxed),
        head: state.live.head(),
    };
    if let Some(page) = cache.get(&address, version) {
        cache.inner.hits.fetch_add(1, Ordering::Relaxed);
        return page.answer(&nonce);
    }
    cache.inner.misses.fetch_add(1, Ordering::Relaxed);
    let res = next.run(req).await;
    if !shareable(&res) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_RENDER_BYTES).await else {
        tracing::error!("page too large or broken while rendering");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    cache.put(
        address,
        Page::new(version, parts.headers.clone(), &bytes, &nonce),
    );
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str, nonce: &str) -> Page {
        let version = Version { writes: 0, head: 0 };
        Page::new(
            version,
            HeaderMap::new(),
            &Bytes::from(body.to_string()),
            nonce,
        )
    }

    async fn text(res: Response) -> String {
        let bytes = to_bytes(res.into_body(), usize::MAX).await.expect("body");
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }

    #[tokio::test]
    async fn every_copy_gets_its_own_nonce() {
        let stored = page(
            r#"<script nonce="AAA">1</script><p>AAA</p><script nonce="AAA">"#,
            "AAA",
        );
        assert_eq!(stored.pieces.len(), 4);
        let served = text(stored.answer("BBBB")).await;
        assert_eq!(
            served,
            r#"<script nonce="BBBB">1</script><p>BBBB</p><script nonce="BBBB">"#
        );
        let plain = text(page("no scripts", "AAA").answer("BBBB")).await;
        assert_eq!(plain, "no scripts");
    }

    #[test]
    fn stale_versions_and_old_pages_miss() {
        let cache = PageCache::new(Duration::from_secs(60));
        let v1 = Version { writes: 1, head: 7 };
        cache.put(
            "/a".into(),
            Page {
                version: v1,
                ..page("x", "n")
            },
        );
        assert!(cache.get("/a", v1).is_some());
        assert!(cache.get("/a", Version { writes: 2, head: 7 }).is_none());
        assert!(cache.get("/a", Version { writes: 1, head: 8 }).is_none());
        assert!(cache.get("/b", v1).is_none());

        let short = PageCache::new(Duration::from_millis(1));
        short.put(
            "/a".into(),
            Page {
                version: v1,
                ..page("x", "n")
            },
        );
        std::thread::sleep(Duration::from_millis(5));
        assert!(short.get("/a", v1).is_none());
    }

    #[test]
    fn made_up_addresses_cannot_push_pages_out() {
        let cache = PageCache::new(Duration::from_secs(60));
        let v = Version { writes: 0, head: 0 };
        cache.put("/".into(), page("home", "n"));
        cache.put(
            format!("/search?q={}", "x".repeat(MAX_ADDRESS_BYTES)),
            page("long", "n"),
        );
        for i in 0..(MAX_VARIANTS_PER_PATH * 3) {
            cache.put(format!("/search?q={i}"), page("results", "n"));
        }
        let pages = cache.pages();
        assert_eq!(pages.by_address.len(), MAX_VARIANTS_PER_PATH + 1);
        drop(pages);
        assert!(cache.get("/", v).is_some(), "the home page stays");
        assert!(
            cache.get("/search?q=0", v).is_some(),
            "the first variants stay"
        );
        // Storing a variant again still replaces it.
        cache.put("/search?q=0".into(), page("fresher", "n"));
        assert_eq!(cache.pages().by_address.len(), MAX_VARIANTS_PER_PATH + 1);
    }

    #[test]
    fn total_size_stays_bounded() {
        let cache = PageCache::new(Duration::from_secs(60));
        let big = "x".repeat(MAX_PAGE_BYTES);
        for i in 0..(MAX_TOTAL_BYTES / MAX_PAGE_BYTES + 5) {
            cache.put(format!("/{i}"), page(&big, "n"));
        }
        let pages = cache.pages();
        assert!(pages.bytes <= MAX_TOTAL_BYTES);
        assert_eq!(pages.bytes, pages.by_address.len() * MAX_PAGE_BYTES);
        assert!(
            pages
                .by_address
                .contains_key(&format!("/{}", MAX_TOTAL_BYTES / MAX_PAGE_BYTES + 4))
        );
    }
}
