//! A connection that gives up when it stops moving. hyper bounds how long a request's head may
//! take to arrive, but not how long a response may wait for a client that never reads, nor how
//! long an idle keep-alive connection holds its file descriptor. [`Idle`] wraps the socket and
//! fails a read or write with `TimedOut` once no byte has moved in either direction for its
//! limit. Live-reload streams stay open because they send a comment more often than that.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// A socket (or any stream) with an idle deadline.
pub(crate) struct Idle<S> {
    inner: S,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<S> Idle<S> {
    pub(crate) fn new(inner: S, limit: Duration) -> Idle<S> {
        Idle { inner, limit, deadline: Box::pin(tokio::time::sleep(limit)) }
    }

    /// Bytes moved: the deadline starts again.
    fn moved(&mut self) {
        let next = Instant::now() + self.limit;
        self.deadline.as_mut().reset(next);
    }

    /// Turns a pending result into `TimedOut` once the deadline has passed, and pushes the
    /// deadline back after progress.
    fn check<T>(&mut self, cx: &mut Context<'_>, result: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match result {
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle"))),
                Poll::Pending => Poll::Pending,
            },
            ready => {
                self.moved();
                ready
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        this.check(cx, result)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.check(cx, result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.check(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_flush(cx);
        this.check(cx, result)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    #[test]
    fn a_write_to_a_peer_that_never_reads_times_out() {
        runtime().block_on(async {
            // A 1 KiB pipe whose far end is kept but never read.
            let (near, _far) = tokio::io::duplex(1024);
            let mut conn = Idle::new(near, Duration::from_millis(200));
            let started = Instant::now();
            let err = conn.write_all(&vec![b'x'; 1 << 20]).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::TimedOut);
            let waited = started.elapsed();
            assert!(waited >= Duration::from_millis(200) && waited < Duration::from_secs(5), "{waited:?}");
        });
    }

    #[test]
    fn a_silent_peer_times_out_and_a_slow_but_steady_one_does_not() {
        runtime().block_on(async {
            let (near, _far) = tokio::io::duplex(64);
            let mut conn = Idle::new(near, Duration::from_millis(150));
            let mut byte = [0u8; 1];
            assert_eq!(conn.read(&mut byte).await.unwrap_err().kind(), io::ErrorKind::TimedOut);

            let (near, mut far) = tokio::io::duplex(64);
            let mut conn = Idle::new(near, Duration::from_millis(150));
            let writer = tokio::spawn(async move {
                for _ in 0..6 {
                    tokio::time::sleep(Duration::from_millis(60)).await;
                    far.write_all(b"y").await.unwrap();
                }
            });
            // 6 bytes over 360 ms, more than twice the limit: each one moves the deadline.
            let mut got = [0u8; 6];
            conn.read_exact(&mut got).await.unwrap();
            assert_eq!(&got, b"yyyyyy");
            writer.await.unwrap();
        });
    }
}
