//! The listening socket and its connections.
//!
//! Every connection's writes carry a deadline: a client that stops reading (a phone gone out of
//! range, a stuck app) fills its socket's send buffer, and a write that then makes no progress
//! for the deadline closes the connection. The push loops cannot see this themselves: once the
//! socket is full, hyper stops pulling the next SSE frame, so no code of ours runs to notice.
//! Closing it frees the connection's task, queue and kernel buffer; the client resumes from its
//! last id and loses nothing.

mod stall;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use tokio::net::{TcpListener, TcpSocket, TcpStream};

pub use stall::Deadlined;

/// How many connections the kernel may hold complete but not yet accepted (capped by
/// `net.core.somaxconn`). The standard library's 128 is far too few when a whole dining room
/// reconnects at once: connections beyond it have their SYN dropped and retry a second later.
/// Measured with 256 connects in flight: 1,800 accepted per second at 128, against 7,300 with
/// 128 in flight (docs/BENCHMARKS.md). nginx asks for 511; this asks for more, as the kernel allows.
const BACKLOG: u32 = 4096;

/// Bind `addr` with a backlog of [`BACKLOG`].
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As the standard library's bind does: a restarted server may take its port back at once.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// A TCP listener whose connections close when a write stalls for `write_timeout`, each such
/// close counted in `stalled`.
pub struct Listener {
    inner: TcpListener,
    write_timeout: Duration,
    stalled: Counter,
}

impl Listener {
    pub fn new(inner: TcpListener, write_timeout: Duration, stalled: Counter) -> Self {
        Listener {
            inner,
            write_timeout,
            stalled,
        }
    }
}

impl axum::serve::Listener for Listener {
    type Io = Deadlined<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    // Every push is one small write that must leave at once: with Nagle on, an
                    // event that follows one not yet acknowledged waits for the client's delayed
                    // ACK (40 ms on Linux).
                    if let Err(e) = stream.set_nodelay(true) {
                        tracing::debug!(error = %e, "setting TCP_NODELAY failed");
                    }
                    return (Deadlined::new(stream, self.write_timeout, self.stalled.clone()), addr);
                }
                // Out of file descriptors and the like: wait for connections to close rather
                // than spin. A client's own failure (reset before accept) is no reason to stop.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    if !is_connection_error(&e) {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The address a connection came from, for handlers that need it (`ConnectInfo<Peer>`).
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, Listener>> for Peer {
    fn connect_info(stream: axum::serve::IncomingStream<'_, Listener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}
