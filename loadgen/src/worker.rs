//! A worker process (`orderbell-loadgen worker`): holds its share of the subscribers, SSE or
//! WebSocket, and records each event it parses with its arrival time, per connection, in memory.
//! The coordinator starts one per 15,000 connections or fewer (the per-process open-file limit),
//! sends the spec as one JSON line on stdin, and closes stdin to end it. Out: `R ok failed
//! first_ns last_ready_ns` once every connection is up or failed; `P key count …` (arrivals since
//! the last such line, at most one a millisecond: what a closed loop paces on); for each line
//! read on stdin and once at the end, `A count duplicates` and the arrivals since the last `A` as
//! binary pairs; `D dropped` last. Nothing is written per event: the coordinator's own parsing
//! would otherwise cost more than the server's work.

use std::net::{Ipv4Addr, SocketAddr};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{Notify, Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::clock::now_ns;
use crate::http::{BodyLength, Chunked, read_head};

/// `count` subscribers of one path (with its query) on one server.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Group {
    pub server: SocketAddr,
    pub path: String,
    pub count: u32,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Spec {
    pub websocket: bool,
    pub groups: Vec<Group>,
    /// A frame counts only when it holds this text (the event's name or type).
    pub filter: Option<String>,
    /// The scenario's sequence numbers: any other (a new subscriber's first cart) is not counted.
    pub keys: Range<u64>,
    /// Source addresses, used in turn (each gives ~28,000 ephemeral ports).
    pub sources: Vec<Ipv4Addr>,
    /// Connections being opened at once.
    pub parallel: usize,
    /// The worker ends by itself after this long, whatever happens.
    pub max_secs: u64,
}

/// The marker a trigger's sequence number follows (a cart remark, a published message).
pub const MARKER: &[u8] = b"#LG";

/// The sequence number a frame carries, when it passes the filter.
pub fn key_of(frame: &[u8], filter: Option<&[u8]>) -> Option<u64> {
    if filter.is_some_and(|f| !contains(frame, f)) {
        return None;
    }
    let at = find(frame, MARKER)? + MARKER.len();
    let digits = frame[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&frame[at..at + digits]).ok()?.parse().ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

/// One connection's record: every sequence number it has had (sorted, to count a second copy
/// exactly whenever it comes) and the first arrivals not yet sent to the coordinator.
#[derive(Default)]
struct Inbox {
    keys: Vec<u64>,
    fresh: Vec<(u64, u64)>,
    duplicates: u64,
}

impl Inbox {
    fn arrived(&mut self, key: u64, at: u64) {
        // Events come in order: the common case is a push; a late one is placed by search.
        if self.keys.last().is_none_or(|last| key > *last) {
            self.keys.push(key);
        } else {
            match self.keys.binary_search(&key) {
                Ok(_) => {
                    self.duplicates += 1;
                    return;
                }
                Err(at) => self.keys.insert(at, key),
            }
        }
        self.fresh.push((key, at));
    }
}

/// What the connections share: the keys that arrived since the last progress line (the
/// coordinator paces its closed loops on them) and the signal that there are some.
#[derive(Default)]
struct Shared {
    pending: Mutex<Vec<u64>>,
    wake: Notify,
    dropped: AtomicU64,
    last_ready: AtomicU64,
}

/// What one subscriber does with each frame: records it in its inbox and notes it for progress.
struct Recorder {
    inbox: Arc<Mutex<Inbox>>,
    shared: Arc<Shared>,
    keys: Range<u64>,
}

impl Recorder {
    fn frame(&self, frame: &[u8], filter: Option<&[u8]>) {
        let Some(key) = key_of(frame, filter).filter(|k| self.keys.contains(k)) else {
            return;
        };
        let at = now_ns();
        if let Ok(mut inbox) = self.inbox.lock() {
            inbox.arrived(key, at);
        }
        if let Ok(mut pending) = self.shared.pending.lock() {
            pending.push(key);
        }
        self.shared.wake.notify_one();
    }
}

type Stdout = Arc<tokio::sync::Mutex<tokio::io::Stdout>>;

async fn emit(stdout: &Stdout, bytes: &[u8]) {
    let mut stdout = stdout.lock().await;
    let _ = stdout.write_all(bytes).await;
    let _ = stdout.flush().await;
}

/// Progress lines, at most one a millisecond: `P key count key count …`.
async fn progress(shared: Arc<Shared>, stdout: Stdout) {
    let mut keys = Vec::new();
    loop {
        shared.wake.notified().await;
        // Let the burst of one trigger arrive: one line covers it.
        tokio::time::sleep(Duration::from_millis(1)).await;
        if let Ok(mut pending) = shared.pending.lock() {
            std::mem::swap(&mut *pending, &mut keys);
        }
        if keys.is_empty() {
            continue;
        }
        keys.sort_unstable();
        let mut line = String::from("P");
        for run in keys.chunk_by(|a, b| a == b) {
            use std::fmt::Write;
            let _ = write!(line, " {} {}", run[0], run.len());
        }
        line.push('\n');
        keys.clear();
        emit(&stdout, line.as_bytes()).await;
    }
}

/// Every inbox's fresh arrivals and duplicates since the last time: `A count duplicates`, then
/// the arrivals as little-endian (key, ns) pairs.
async fn send_arrivals(inboxes: &[Arc<Mutex<Inbox>>], stdout: &Stdout) {
    let (mut count, mut duplicates, mut bytes) = (0u64, 0u64, Vec::new());
    for inbox in inboxes {
        let Ok(mut inbox) = inbox.lock() else { continue };
        count += inbox.fresh.len() as u64;
        duplicates += std::mem::take(&mut inbox.duplicates);
        for (key, at) in inbox.fresh.drain(..) {
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.extend_from_slice(&at.to_le_bytes());
        }
    }
    let mut message = format!("A {count} {duplicates}\n").into_bytes();
    message.append(&mut bytes);
    emit(stdout, &message).await;
}

pub async fn run() -> std::io::Result<()> {
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let mut line = String::new();
    stdin.read_line(&mut line).await?;
    let spec: Arc<Spec> = Arc::new(serde_json::from_str(&line).map_err(std::io::Error::other)?);
    let stdout: Stdout = Arc::new(tokio::sync::Mutex::new(tokio::io::stdout()));
    let shared = Arc::new(Shared::default());
    tokio::spawn(progress(shared.clone(), stdout.clone()));

    let permits = Arc::new(Semaphore::new(spec.parallel.max(1)));
    let (outcomes, mut outcome) = mpsc::unbounded_channel::<bool>();
    let first = now_ns();
    let mut inboxes = Vec::new();
    for group in &spec.groups {
        for _ in 0..group.count {
            let source = spec.sources[inboxes.len() % spec.sources.len()];
            let inbox = Arc::new(Mutex::new(Inbox::default()));
            inboxes.push(inbox.clone());
            let recorder = Recorder {
                inbox,
                shared: shared.clone(),
                keys: spec.keys.clone(),
            };
            let (spec, server, path) = (spec.clone(), group.server, group.path.clone());
            let (permits, outcomes) = (permits.clone(), outcomes.clone());
            tokio::spawn(async move {
                let permit = permits.acquire_owned().await;
                let opening = open(server, spec.websocket, &path, source);
                let opened = tokio::time::timeout(Duration::from_secs(30), opening).await;
                drop(permit);
                let Ok(Ok(stream)) = opened else {
                    let _ = outcomes.send(false);
                    return;
                };
                recorder.shared.last_ready.fetch_max(now_ns(), Ordering::Relaxed);
                let _ = outcomes.send(true);
                stream
                    .follow(spec.filter.as_deref().map(str::as_bytes), &recorder)
                    .await;
                recorder.shared.dropped.fetch_add(1, Ordering::Relaxed);
            });
        }
    }
    let total = inboxes.len() as u64;
    let (mut ok, mut failed) = (0u64, 0u64);
    while ok + failed < total {
        match outcome.recv().await {
            Some(true) => ok += 1,
            Some(false) => failed += 1,
            None => break,
        }
    }
    let last = shared.last_ready.load(Ordering::Relaxed);
    emit(&stdout, format!("R {ok} {failed} {first} {last}\n").as_bytes()).await;
    // Hold the connections until the coordinator closes stdin (or the time bound passes); each
    // line it sends asks for the arrivals so far.
    let mut command = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(spec.max_secs), async {
        while stdin.read_line(&mut command).await.is_ok_and(|n| n > 0) {
            command.clear();
            send_arrivals(&inboxes, &stdout).await;
        }
    })
    .await;
    send_arrivals(&inboxes, &stdout).await;
    let dropped = shared.dropped.load(Ordering::Relaxed);
    emit(&stdout, format!("D {dropped}\n").as_bytes()).await;
    // The connections' tasks are still running: leave without waiting for them.
    std::process::exit(0)
}

enum Subscription {
    Sse {
        stream: TcpStream,
        raw: Vec<u8>,
        chunked: Option<Chunked>,
    },
    Ws(Box<tokio_tungstenite::WebSocketStream<TcpStream>>),
}

async fn open(server: SocketAddr, websocket: bool, path: &str, source: Ipv4Addr) -> std::io::Result<Subscription> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source.into(), 0))?;
    let mut stream = socket.connect(server).await?;
    stream.set_nodelay(true)?;
    if websocket {
        let url = format!("ws://{server}{path}");
        // tungstenite zeroes its whole read buffer (128 KiB by default) before every read: an
        // event is a few hundred bytes.
        let config = WebSocketConfig::default().read_buffer_size(4096);
        let (ws, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config))
            .await
            .map_err(std::io::Error::other)?;
        return Ok(Subscription::Ws(Box::new(ws)));
    }
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::with_capacity(1024);
    let head = read_head(&mut stream, &mut raw).await?;
    if head.status != 200 {
        return Err(std::io::Error::other(format!("status {}", head.status)));
    }
    let chunked = matches!(head.length, BodyLength::Chunked).then(Chunked::default);
    Ok(Subscription::Sse { stream, raw, chunked })
}

impl Subscription {
    /// Reads frames until the connection ends.
    async fn follow(self, filter: Option<&[u8]>, recorder: &Recorder) {
        match self {
            Subscription::Sse {
                mut stream,
                mut raw,
                mut chunked,
            } => {
                let mut body = Vec::new();
                loop {
                    match &mut chunked {
                        Some(decoder) => decoder.decode(&mut raw, &mut body),
                        None => body.append(&mut raw),
                    }
                    while let Some(end) = find(&body, b"\n\n") {
                        recorder.frame(&body[..end], filter);
                        body.drain(..end + 2);
                    }
                    raw.reserve(2048);
                    if !matches!(stream.read_buf(&mut raw).await, Ok(n) if n > 0) {
                        return;
                    }
                }
            }
            Subscription::Ws(mut ws) => {
                while let Some(Ok(message)) = ws.next().await {
                    if let Message::Text(text) = message {
                        recorder.frame(text.as_bytes(), filter);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::key_of;

    #[test]
    fn the_sequence_follows_the_marker_and_the_filter_must_match() {
        let frame = b"event: cart_update\nid: 3\ndata: {\"remark\":\"#LG1234\"}";
        assert_eq!(key_of(frame, Some(b"event: cart_update")), Some(1234));
        assert_eq!(key_of(frame, Some(b"event: order_paid")), None);
        assert_eq!(key_of(b"data: #LG7", None), Some(7));
        assert_eq!(key_of(b"data: nothing", None), None);
    }
}
