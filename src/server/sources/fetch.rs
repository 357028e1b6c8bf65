//! Fetching a source's feed, politely and safely: one HTTP client on rustls with a timeout, a
//! size cap, a few redirects at most, conditional GET (ETag / Last-Modified), and a guard that
//! keeps every connection off loopback, private and link-local addresses — checked on the
//! address each name resolves to (our own resolver) and on every literal address, the first
//! one and each redirect's — unless `sources.allow_private_addresses` is set. No proxy is ever
//! used, so nothing resolves a name behind the guard's back.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{StatusCode, Url, redirect};

use crate::error::AppError;

/// The longest a whole fetch may take, connection to last byte.
const TIMEOUT: Duration = Duration::from_secs(20);
/// The longest the connection alone may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest feed read; a bigger one is refused, not cut.
pub const MAX_FEED_BYTES: usize = 5 * 1024 * 1024;
/// Redirects followed at most.
const MAX_REDIRECTS: usize = 3;

/// Why a fetch failed, in words fit for the sources page (never the remote server's text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("refused: {0}")]
    Refused(String),
    #[error("timed out after {} s", TIMEOUT.as_secs())]
    TimedOut,
    #[error("could not connect")]
    Connect,
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    #[error("answered HTTP {0}")]
    Status(u16),
    #[error("larger than {} MB", MAX_FEED_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("the connection failed while reading")]
    Body,
}

/// A refusal raised inside the client (the resolver, the redirect policy), found again in the
/// error's chain.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    #[error("{0}")]
    Address(String),
}

/// What a conditional GET sends back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch brought.
#[derive(Debug)]
pub enum Fetched {
    /// 304: nothing new since the validators.
    NotModified,
    /// A new body, with the validators to send next time.
    Body {
        bytes: Vec<u8>,
        validators: Validators,
    },
}

/// The one client every fetch goes through.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    allow_private: bool,
}

impl Fetcher {
    pub fn new(allow_private: bool, user_agent: &str) -> Result<Fetcher, AppError> {
        // reqwest is built without a crypto provider of its own: rustls uses ring, as lettre does.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let policy = redirect::Policy::custom(move |attempt| {
            // `previous` holds every address asked so far, the first one included.
            if attempt.previous().len() > MAX_REDIRECTS {
                return attempt.error(Refusal::TooManyRedirects);
            }
            match check_url(attempt.url(), allow_private) {
                Ok(()) => attempt.follow(),
                Err(why) => attempt.error(Refusal::Address(why)),
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(policy)
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            .build()
            .map_err(|error| {
                tracing::error!(%error, "the feed client could not be built");
                AppError::Internal
            })?;
        Ok(Fetcher {
            client,
            allow_private,
        })
    }

    /// GETs `url` (conditionally, when `validators` has any), keeping at most
    /// [`MAX_FEED_BYTES`].
    pub async fn fetch(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let url = Url::parse(url).map_err(|_| FetchError::Refused("not an address".into()))?;
        check_url(&url, self.allow_private).map_err(FetchError::Refused)?;
        let mut request = self.client.get(url);
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        let mut response = request.send().await.map_err(|e| classify(&e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_FEED_BYTES as u64)
        {
            return Err(FetchError::TooLarge);
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .filter(|v| v.len() <= 200)
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| match classify(&e) {
            FetchError::TimedOut => FetchError::TimedOut,
            _ => FetchError::Body,
        })? {
            if bytes.len() + chunk.len() > MAX_FEED_BYTES {
                return Err(FetchError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body { bytes, validators })
    }
}

/// A client error in the sources page's words.
fn classify(error: &reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        match cause.downcast_ref::<Refusal>() {
            Some(Refusal::TooManyRedirects) => return FetchError::TooManyRedirects,
            Some(Refusal::Address(why)) => return FetchError::Refused(why.clone()),
            None => {}
        }
        source = cause.source();
    }
    if error.is_timeout() {
        FetchError::TimedOut
    } else if error.is_redirect() {
        FetchError::TooManyRedirects
    } else {
        FetchError::Connect
    }
}

/// Whether `url` may be fetched: http or https, and, when its host is a literal address, a
/// public one (names are checked by the resolver once they resolve).
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err("only http and https addresses".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("addresses with a user name or password".into());
    }
    let ip = match url.host() {
        None => return Err("no host".into()),
        Some(url::Host::Domain(_)) => return Ok(()),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
    };
    if allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(format!("{ip} is not a public address"))
    }
}

/// Resolves names with the system's resolver, then drops every address that is not public.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| allow_private || is_public(addr.ip()))
                .collect();
            if allowed.is_empty() {
                let refusal: Box<dyn std::error::Error + Send + Sync> =
                    Box::new(Refusal::Address(format!("{host} has no public address")));
                return Err(refusal);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether `ip` is an address on the public internet. IPv4: not loopback, private, link-local,
/// shared (CGNAT), unspecified, multicast, broadcast, documentation, relay or reserved. IPv6:
/// only global unicast (`2000::/3`) outside its special blocks, or an IPv4-mapped public one.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            is_public_v6(v6)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 88 && c == 99) // 6to4 relays
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let [first, second, ..] = ip.segments();
    // Global unicast only: loopback, unique local, link-local, NAT64, IPv4-compatible and
    // every other special block outside it are refused by this alone.
    (first & 0xe000) == 0x2000
        && !(first == 0x2001 && second < 0x0200) // protocol assignments: Teredo, ORCHID, …
        && !(first == 0x2001 && second == 0x0db8) // documentation
        && first != 0x2002 // 6to4, may carry a private IPv4
        && first != 0x3fff // documentation (2024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "2001::1",
            "2001:10::1",
            "100::1",
            "::ffff:0:a00:1",
            "192.88.99.1",
        ] {
            let ip: IpAddr = private.parse().expect("an address");
            assert!(!is_public(ip), "{private} passed");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            let ip: IpAddr = public.parse().expect("an address");
            assert!(is_public(ip), "{public} was refused");
        }
    }

    #[test]
    fn literal_addresses_and_odd_schemes_are_refused_before_any_connection() {
        let check = |u: &str| check_url(&Url::parse(u).expect("an address"), false);
        assert!(check("http://127.0.0.1:8080/feed.xml").is_err());
        assert!(check("http://[::1]/feed").is_err());
        assert!(check("http://2130706433/").is_err()); // 127.0.0.1 written as one number
        assert!(check("http://0x7f.1/").is_err());
        assert!(check("file:///etc/passwd").is_err());
        assert!(check("ftp://example.com/feed").is_err());
        assert!(check("http://user:pw@example.com/feed").is_err());
        assert!(check("https://example.com/feed.xml").is_ok());
        assert!(check_url(&Url::parse("http://127.0.0.1/").expect("an address"), true).is_ok());
    }
}
