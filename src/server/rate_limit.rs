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
        if let Some(ip) = client_ip(parts, trusted_proxies) {
            self.check(&format!("{action}-ip:{ip}"), per_ip)
                .map_err(too_many)?;
        }
        self.check(&format!("{action}-reader:{}", reader.as_str()), per_reader)
            .map_err(too_many)
    }
}

/// The client's address: the socket peer, or — only when the peer is a trusted proxy — the
/// nearest untrusted address in `X-Forwarded-For`.
pub fn client_ip(parts: &Parts, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted_proxies.contains(ip))
            .unwrap_or(peer),
    )
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
}
