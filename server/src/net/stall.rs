//! A stream whose writes fail once they have made no progress for a set time.

use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep, sleep};

pub struct Deadlined<S> {
    inner: S,
    timeout: Duration,
    /// Armed while a write is waiting; made on the first stall only, most connections never stall.
    deadline: Option<Pin<Box<Sleep>>>,
    armed: bool,
    /// Counts the connections that stalled.
    stalled: Counter,
}

impl<S> Deadlined<S> {
    pub fn new(inner: S, timeout: Duration, stalled: Counter) -> Self {
        Deadlined {
            inner,
            timeout,
            deadline: None,
            armed: false,
            stalled,
        }
    }

    /// Pass on a finished write (progress: disarm), or arm the deadline for a waiting one and
    /// fail it once the deadline has passed.
    fn watch<T>(&mut self, cx: &mut Context<'_>, polled: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            self.armed = false;
            return polled;
        }
        let at = Instant::now() + self.timeout;
        let deadline = self.deadline.get_or_insert_with(|| Box::pin(sleep(self.timeout)));
        if !self.armed {
            deadline.as_mut().reset(at);
            self.armed = true;
        }
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.stalled.inc();
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client has not read for too long",
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Deadlined<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Deadlined<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch(cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch(cx, polled)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.watch(cx, polled)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

    use super::*;

    #[tokio::test]
    async fn a_write_the_peer_never_reads_fails_after_the_timeout() {
        let (near, _far) = duplex(64);
        let stalled = Counter::default();
        let mut stream = Deadlined::new(near, Duration::from_millis(200), stalled.clone());
        let started = Instant::now();
        let err = stream.write_all(&[0; 1024]).await.expect_err("the peer never reads");
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= Duration::from_millis(200));
        assert_eq!(stalled.get(), 1, "the stall is counted");
    }

    #[tokio::test]
    async fn a_slow_reader_that_keeps_making_progress_is_kept() {
        let (near, mut far) = duplex(64);
        // Reads come far more often than the timeout, but the whole write takes longer than it.
        let stalled = Counter::default();
        let mut stream = Deadlined::new(near, Duration::from_secs(2), stalled.clone());
        let reader = tokio::spawn(async move {
            let mut buf = [0; 64];
            let mut total = 0;
            while total < 64 * 200 {
                tokio::time::sleep(Duration::from_millis(15)).await;
                total += far.read(&mut buf).await.expect("read");
            }
            total
        });
        stream
            .write_all(&[0; 64 * 200])
            .await
            .expect("progress each time resets the deadline");
        assert_eq!(reader.await.expect("reader"), 64 * 200);
        assert_eq!(stalled.get(), 0);
    }
}
