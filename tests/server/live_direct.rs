//! Live streams as a real `pulse` process serves them: a connection that opens with `GET
//! /live` is answered straight from the socket (not by hyper). The answer carries the same
//! headers, events arrive in order and once, a returning reader gets what it missed by
//! `Last-Event-ID`, the per-address limit holds, and a reader who leaves frees its place.

use std::time::Duration;

use crate::instances::Instance;
use crate::support::{postgres_if_chosen, run};

const SLUG: &str = "halcyon-atlas-3-release";
const WAIT: Duration = Duration::from_secs(10);

#[test]
fn a_real_server_streams_from_the_socket_with_replay_limits_and_headers() {
    run(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = postgres_if_chosen().await;
        let server = Instance::spawn(
            pg.as_ref().map(|db| db.url.as_str()),
            &dir.path().join("data"),
            &dir.path().join("secret.key"),
            &[("PULSE_LIVE_MAX_CONNECTIONS_PER_IP", "3")],
        );
        server.ready().await;

        let mut first = server.live(0, None).await;
        assert!(first.until(": resumed", WAIT).await, "{}", first.text);
        let head = first
            .text
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_lowercase();
        assert!(head.starts_with("http/1.1 200 ok"), "{head}");
        for header in [
            "content-type: text/event-stream",
            "cache-control: no-cache",
            "x-content-type-options: nosniff",
            "content-security-policy: default-src 'none'",
        ] {
            assert!(head.contains(header), "{header} missing from {head}");
        }
        assert!(!head.contains("transfer-encoding"), "{head}");

        let comment = |n: usize| {
            [
                ("slug", SLUG),
                ("name", "Sockets"),
                (
                    "body",
                    if n == 1 {
                        "The first of two."
                    } else {
                        "The second of two."
                    },
                ),
                (
                    "key",
                    if n == 1 {
                        "direct-stream-1"
                    } else {
                        "direct-stream-2"
                    },
                ),
                ("website", ""),
            ]
        };
        server.post("post_comment", &comment(1), "").await;
        let got = first.take(1, WAIT).await;
        assert_eq!(got.len(), 1, "{}", first.text);
        let (id, kind) = got[0].clone();
        assert_eq!(kind, "comment");

        // A reader who saw everything before that event gets it replayed, then goes live.
        let mut returning = server.live(0, Some(id - 1)).await;
        assert_eq!(returning.take(1, WAIT).await, vec![(id, kind.clone())]);
        server.post("post_comment", &comment(2), "").await;
        let next = first.take(1, WAIT).await;
        assert_eq!(next.len(), 1);
        assert!(next[0].0 > id);
        assert_eq!(returning.take(1, WAIT).await, next, "the same event, once");

        // Two streams from this address are open; a third fits and a fourth is told to wait.
        let mut third = server.live(0, None).await;
        assert!(third.until(": resumed", WAIT).await);
        let mut fourth = server.live(0, None).await;
        assert!(fourth.until(": busy", WAIT).await, "{}", fourth.text);

        // A reader who leaves gives its place back (noticed within a tick or two).
        drop(returning);
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let mut again = server.live(0, None).await;
            assert!(again.until("\n\n", WAIT).await);
            if again.text.contains(": resumed") {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the place of a reader who left was never freed"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
}
