//! The connection loop over real TCP: clients that send too slowly are dropped; everyone else
//! is served. (A client that stops reading is cut off by the write-stall guard, tested in
//! `server/listen.rs` on a socket whose buffers it fills.)

use std::time::Duration;

use pulse::server::http::router;
use pulse::server::listen::{Timeouts, serve};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{TestApp, with_app};

/// Serves `app` on a free local port with short timeouts; its address.
async fn listening(app: &TestApp, timeouts: Timeouts) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("address");
    let router = router(app.state.clone());
    tokio::spawn(serve(
        listener,
        router,
        Some(app.state.clone()),
        timeouts,
        std::future::pending(),
    ));
    addr
}

const SHORT: Timeouts = Timeouts {
    header_read: Duration::from_secs(1),
    write_stall: Duration::from_secs(1),
};

/// Reads until the server closes the connection (`Ok`) or `wait` passes (`Err`).
async fn closed_within(tcp: &mut TcpStream, wait: Duration) -> Result<Vec<u8>, Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return Err(got),
        }
    }
}

#[test]
fn a_client_sending_its_request_a_byte_at_a_time_is_dropped() {
    with_app(async |app| {
        let addr = listening(&app, SHORT).await;
        let mut slow = TcpStream::connect(addr).await.expect("connect");
        let request = b"GET / HTTP/1.1\r\nHost: pulse.test\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n\r\n";
        let mut dropped_after = None;
        for (i, byte) in request.iter().enumerate() {
            if slow.write_all(&[*byte]).await.is_err() {
                dropped_after = Some(i);
                break;
            }
            // Has the server hung up yet?
            let mut probe = [0u8; 1];
            if let Ok(Ok(0)) =
                tokio::time::timeout(Duration::from_millis(250), slow.read(&mut probe)).await
            {
                dropped_after = Some(i);
                break;
            }
        }
        let sent = dropped_after.expect("the server hung up before the request was complete");
        assert!(sent < request.len() - 1, "{sent}");

        // A client that asks at a normal pace is answered, and its idle keep-alive
        // connection ends after the same timeout.
        let mut quick = TcpStream::connect(addr).await.expect("connect");
        quick
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: pulse.test\r\n\r\n")
            .await
            .expect("write");
        let answer = closed_within(&mut quick, Duration::from_secs(5))
            .await
            .expect("the idle connection is closed");
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    })
}
