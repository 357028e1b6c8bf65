//! In-memory rate limits for anonymous writes: a sliding one-minute window per key (a reader
//! id or a client IP). Memory stays bounded: idle keys are swept as the map grows.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

use crate::error::AppError;
use crate::server::readers::ReaderId;

const WINDOW: Duration = Duration::from_secs(60);
/// Above this many tracked keys, idle ones are swept before adding more.
const SWEEP_AT: usize = 50_000;

#[derive(Clone, Default)]
pub struct RateLimiter {
    hits: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
}

impl RateLimiter {
    /// Counts a hit for `key` against `per_minute`; `Err(seconds)` says when to try again.
    pub fn check(&self, key: &str, per_minute: u32) -> Result<(), u64> {
        let now = Instant::now();
        let mut hits = self
            .hits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if hits.len() >= SWEEP_AT {
            hits.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|t| now.duration_since(*t) < WINDOW)
            });
        }
        let times = hits.entry(key.to_string()).or_default();
        times.retain(|t| now.duration_since(*t) < WINDOW);
        if times.len() >= per_minute as usize {
            let oldest = times.first().copied().unwrap_or(now);
            let wait = WINDOW.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        times.push(now);
        Ok(())
    }
}

impl RateLimiter {
    /// Counts one `action` (e.g. "comment") by `reader` against both the per-reader and the
    /// per-address limit; over either one the answer is 429 with when to retry.
    pub fn limit_write(
        &self,
        action: &str,
        parts: &Parts,
        trusted_proxies: &[IpAddr],
        reader: &ReaderId,
        per_reader: u32,
        per_ip: u32,
    ) -> Result<(), AppError> {
        let too_many = |retry_after| AppError::TooManyRequests { retry_after };
        if let Some(source) = client_source(parts, trusted_proxies) {
            self.check(&format!("{action}-ip:{source}"), per_ip)
                .map_err(too_many)?;
        }
        self.check(&format!("{action}-reader:{}", reader.as_str()), per_reader)
            .map_err(too_many)
    }
}

/// The client's address: the socket peer, or — only when the peer is a trusted proxy — the
/// nearest untrusted address in `X-Forwarded-For`. IPv4 addresses mapped into IPv6
/// (`::ffff:127.0.0.1`, as a dual-stack socket reports them) are read as the IPv4 address
/// they are, on both sides of every comparison.
pub fn client_ip(parts: &Parts, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_canonical())?;
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|t| t.to_canonical() == *ip);
    if !trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted(ip))
            .unwrap_or(peer),
    )
}

/// The client as limits count it: an IPv4 address, or the /64 network of an IPv6 address —
/// one subscriber line gets a whole /64, so counting single IPv6 addresses would give each
/// household unlimited identities.
pub fn client_source(parts: &Parts, trusted_proxies: &[IpAddr]) -> Option<String> {
    client_ip(parts, trusted_proxies).map(source_of)
}

/// The counting key of one (canonical) address: see [`client_source`].
pub fn source_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    #[test]
    fn limits_per_key() {
        let limiter = RateLimiter::default();
        for _ in 0..3 {
            assert!(limiter.check("a", 3).is_ok());
        }
        let wait = limiter
            .check("a", 3)
            .expect_err("fourth hit is over the limit");
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(limiter.check("b", 3).is_ok(), "keys are independent");
    }

    fn parts(peer: &str, xff: Option<&str>) -> Parts {
        let mut request = Request::builder();
        if let Some(xff) = xff {
            request = request.header("x-forwarded-for", xff);
        }
        let (mut parts, ()) = request.body(()).expect("request").into_parts();
        parts
            .extensions
            .insert(ConnectInfo(peer.parse::<SocketAddr>().expect("addr")));
        parts
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let spoofed = parts("203.0.113.9:5000", Some("1.2.3.4"));
        assert_eq!(client_ip(&spoofed, &[proxy]), "203.0.113.9".parse().ok());
        let proxied = parts("10.0.0.1:5000", Some("1.2.3.4, 198.51.100.7"));
        assert_eq!(client_ip(&proxied, &[proxy]), "198.51.100.7".parse().ok());
        let no_header = parts("10.0.0.1:5000", None);
        assert_eq!(client_ip(&no_header, &[proxy]), Some(proxy));
    }

    #[test]
    fn mapped_addresses_are_their_ipv4_and_ipv6_counts_by_network() {
        let loopback: IpAddr = "127.0.0.1".parse().expect("ip");
        // A dual-stack listener reports the trusted proxy as a mapped address.
        let mapped = parts("[::ffff:127.0.0.1]:5000", Some("198.51.100.7"));
        assert_eq!(client_ip(&mapped, &[loopback]), "198.51.100.7".parse().ok());
        let forwarded_mapped = parts("127.0.0.1:5000", Some("::ffff:198.51.100.7"));
        assert_eq!(
            client_source(&forwarded_mapped, &[loopback]).as_deref(),
            Some("198.51.100.7")
        );
        let a = parts("[2001:db8:1:2:aaaa::1]:5000", None);
        let b = parts("[2001:db8:1:2:ffff:1:2:3]:5000", None);
        let other = parts("[2001:db8:1:3::1]:5000", None);
        assert_eq!(client_source(&a, &[]).as_deref(), Some("2001:db8:1:2::/64"));
        assert_eq!(client_source(&a, &[]), client_source(&b, &[]));
        assert_ne!(client_source(&a, &[]), client_source(&other, &[]));
    }
}
