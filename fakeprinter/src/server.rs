//! The printer on the network: raw ESC/POS on a TCP port, as thermal printers take it on 9100.
//! Each connection is decoded as it arrives; status queries are answered at once, mid-stream.

use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::runtime::Handle;
use tokio::sync::watch;
use tokio::task::AbortHandle;

use crate::decode::{Decoder, Event};
use crate::status::{self, Condition};
use crate::ticket::Printed;

/// How long [`FakePrinter::wait_printed`] waits at most.
const WAIT: Duration = Duration::from_secs(20);
/// A slow printer takes this many bytes per read.
const SLOW_CHUNK: usize = 16;

/// A fake network thermal printer on loopback. Dropping it switches it off.
pub struct FakePrinter {
    shared: Arc<Shared>,
    addr: SocketAddr,
    runtime: Handle,
}

struct Shared {
    /// `None` while switched off: the port is closed, so connecting is refused.
    listener: Mutex<Option<TcpListener>>,
    state: Mutex<State>,
    /// How many tickets have been printed, for waiting on.
    count: watch::Sender<usize>,
}

#[derive(Default)]
struct State {
    condition: Condition,
    slow: Duration,
    printed: Vec<Printed>,
    accepting: Option<AbortHandle>,
    connections: Vec<AbortHandle>,
}

impl FakePrinter {
    /// On a free loopback port. For tests: panics if it cannot listen.
    pub async fn start() -> FakePrinter {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        Self::bind(loopback)
            .await
            .expect("a loopback port for the fake printer")
    }

    /// On `addr` (port 9100 is the printers' raw port).
    pub async fn bind(addr: SocketAddr) -> io::Result<FakePrinter> {
        let listener = listen(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            listener: Mutex::new(Some(listener)),
            state: Mutex::default(),
            count: watch::Sender::new(0),
        });
        let printer = FakePrinter {
            shared,
            addr,
            runtime: Handle::current(),
        };
        printer.accept();
        Ok(printer)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every ticket printed so far, in order.
    pub fn printed(&self) -> Vec<Printed> {
        self.shared.state().printed.clone()
    }

    /// Waits until `n` tickets are printed (20 s at most) and returns all printed by then.
    pub async fn wait_printed(&self, n: usize) -> Vec<Printed> {
        self.wait_printed_for(n, WAIT).await
    }

    /// Waits until `n` tickets are printed (`limit` at most) and returns all printed by then.
    pub async fn wait_printed_for(&self, n: usize, limit: Duration) -> Vec<Printed> {
        let mut count = self.shared.count.subscribe();
        let _ = tokio::time::timeout(limit, count.wait_for(|printed| *printed >= n)).await;
        self.printed()
    }

    /// Switched off, the port is closed (connecting is refused) and open connections are cut,
    /// losing what they had not printed; switched on, it listens on the same port again.
    pub fn set_online(&self, online: bool) {
        let mut listener = self.shared.listener();
        if online == listener.is_some() {
            return;
        }
        if online {
            let _entered = self.runtime.enter();
            *listener = Some(listen(self.addr).expect("the fake printer's port is free again"));
            drop(listener);
            self.accept();
        } else {
            *listener = None;
            let mut state = self.shared.state();
            state.accepting.take().into_iter().for_each(|task| task.abort());
            state.connections.drain(..).for_each(|task| task.abort());
        }
    }

    /// Out of paper, it answers so in its status and prints nothing it is sent.
    pub fn set_paper_out(&self, paper_out: bool) {
        self.shared.state().condition.paper_out = paper_out;
    }

    /// Cover open, it answers so in its status and prints nothing it is sent.
    pub fn set_cover_open(&self, cover_open: bool) {
        self.shared.state().condition.cover_open = cover_open;
    }

    /// Reads a few bytes at a time, waiting `delay` before each read (zero: full speed).
    pub fn set_slow(&self, delay: Duration) {
        self.shared.state().slow = delay;
    }

    fn accept(&self) {
        let shared = self.shared.clone();
        let task = self.runtime.spawn(accept_loop(shared));
        self.shared.state().accepting = Some(task.abort_handle());
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.set_online(false);
    }
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn listener(&self) -> MutexGuard<'_, Option<TcpListener>> {
        self.listener.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A finished ticket comes out, unless the printer has stopped (no paper, cover open).
    fn print(&self, ticket: Printed) {
        let mut state = self.state();
        if state.condition.stopped() {
            return;
        }
        state.printed.push(ticket);
        let printed = state.printed.len();
        drop(state);
        self.count.send_replace(printed);
    }
}

/// SO_REUSEADDR, so the port can be listened on again right after being switched off.
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(64)
}

async fn accept_loop(shared: Arc<Shared>) {
    loop {
        let accepted = poll_fn(|cx| match shared.listener().as_ref() {
            Some(listener) => listener.poll_accept(cx).map(Some),
            None => Poll::Ready(None),
        })
        .await;
        let stream = match accepted {
            None => return,
            Some(Ok((stream, _))) => stream,
            // A connection that failed before it was accepted: the next one may not.
            Some(Err(_)) => continue,
        };
        let task = tokio::spawn(connection(shared.clone(), stream));
        let mut state = shared.state();
        state.connections.retain(|task| !task.is_finished());
        state.connections.push(task.abort_handle());
    }
}

/// One sender's stream, decoded as it arrives; what was left uncut prints when it closes.
async fn connection(shared: Arc<Shared>, mut stream: TcpStream) {
    let mut decoder = Decoder::default();
    let mut buffer = vec![0; 4096];
    loop {
        let slow = shared.state().slow;
        let chunk = if slow.is_zero() {
            buffer.len()
        } else {
            tokio::time::sleep(slow).await;
            SLOW_CHUNK
        };
        let read = match stream.read(&mut buffer[..chunk]).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        for event in decoder.feed(&buffer[..read]) {
            match event {
                Event::Printed(ticket) => shared.print(ticket),
                Event::Status(query) => {
                    let answer = status::answer(query, shared.state().condition);
                    if stream.write_all(&[answer]).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
    if let Some(ticket) = decoder.finish() {
        shared.print(ticket);
    }
}
