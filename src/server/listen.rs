//! The connection loop: accepts TCP connections and serves HTTP/1 and HTTP/2 on them with the
//! timeouts `axum::serve` leaves out. A client has `limits.header_read_seconds` to send a
//! request's head — the same clock runs while a keep-alive connection waits for its next
//! request, so idle connections end too — and a connection whose writes make no progress for
//! `limits.write_stall_seconds` is closed (a client that stopped reading: a slow-read attack,
//! or a live stream nobody drains). Every connection gets `TCP_NODELAY` and its peer address
//! (`ConnectInfo`); shutdown lets answers in flight finish. A connection that opens with a
//! live stream's request goes to the live layer's own server (`live::serve_direct`) instead.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Sleep;
use tower::ServiceExt as _;

use crate::server::live::{self, Opening};
use crate::server::state::AppState;

/// How long connections may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// To send a request's head, counted from when the server starts waiting for it.
    pub header_read: Duration,
    /// For a write to make any progress.
    pub write_stall: Duration,
}

/// How long answers in flight get to finish once shutdown starts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes, then lets the answers in flight
/// finish (for at most [`SHUTDOWN_GRACE`]). With `live`, connections that open with a live
/// stream's request are served by the live layer straight from the socket.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    live: Option<AppState>,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    builder.http2().timer(TokioTimer::new());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without this, small responses wait on Nagle's algorithm (a ~40 ms floor).
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "could not set TCP_NODELAY");
        }
        let service = app
            .clone()
            .map_request(move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let live = live.clone();
        tokio::spawn(async move {
            if let Some(state) = live {
                // One clock for the whole head, however it is read.
                let deadline = tokio::time::Instant::now() + timeouts.header_read;
                match live::opening(&tcp, deadline).await {
                    Opening::Live => {
                        live::serve_direct(state, tcp, peer, deadline).await;
                        return;
                    }
                    Opening::Gone => return,
                    Opening::Other => {}
                }
            }
            let io = TokioIo::new(StallGuard::new(tcp, timeouts.write_stall));
            let connection =
                builder.serve_connection_with_upgrades(io, TowerToHyperService::new(service));
            // Boxed: the task of a live stream's connection, which never gets here, stays small.
            let connection = Box::pin(watcher.watch(connection.into_owned()));
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("shutting down with connections still open");
        }
    }
    Ok(())
}

/// A TCP stream whose writes fail once they have been stuck for `limit`: the peer's receive
/// window stayed shut that long.
struct StallGuard {
    io: TcpStream,
    limit: Duration,
    /// Armed while a write is waiting; cleared by any progress.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl StallGuard {
    fn new(io: TcpStream, limit: Duration) -> StallGuard {
        StallGuard {
            io,
            limit,
            stalled: None,
        }
    }

    /// Called when a write is pending: an error once it has waited `limit`.
    fn poll_stall(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let limit = self.limit;
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        ready!(timer.as_mut().poll(cx));
        Poll::Ready(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client stopped reading",
        ))
    }

    fn progress<T>(
        &mut self,
        result: Poll<io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<T>> {
        match result {
            Poll::Pending => self.poll_stall(cx).map(Err),
            done => {
                self.stalled = None;
                done
            }
        }
    }
}

impl AsyncRead for StallGuard {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for StallGuard {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.io).poll_write(cx, buf);
        self.progress(result, cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.progress(result, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.io).poll_flush(cx);
        self.progress(result, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt as _;

    #[test]
    fn a_write_that_makes_no_progress_fails_after_the_limit() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("address");
            // The peer connects and never reads.
            let _peer = TcpStream::connect(addr).await.expect("connect");
            let (tcp, _) = listener.accept().await.expect("accept");
            let mut guarded = StallGuard::new(tcp, Duration::from_millis(200));
            let chunk = vec![0u8; 64 * 1024];
            let started = tokio::time::Instant::now();
            let mut written = 0_usize;
            let error = loop {
                match guarded.write(&chunk).await {
                    Ok(n) => written += n,
                    Err(error) => break error,
                }
                assert!(written < 1 << 30, "the socket buffers never filled");
            };
            assert_eq!(error.kind(), io::ErrorKind::TimedOut);
            assert!(
                written > 0,
                "writes went through until the buffers were full"
            );
            assert!(started.elapsed() < Duration::from_secs(10));
        });
    }
}
