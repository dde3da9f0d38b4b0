//! A worker process (`orderbell-loadgen worker`): holds its share of the subscribers, SSE or
//! WebSocket, and reports each event it parses with its arrival time. The coordinator starts one
//! per 15,000 connections or fewer (the per-process open-file limit), sends the spec as one JSON
//! line on stdin, and closes stdin to end it. Lines out: `R ok failed first_ns last_ready_ns` once
//! every connection is up or failed, `E key arrival_ns` per event, `D duplicates dropped` at the end.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Message;

use crate::clock::now_ns;
use crate::http::{BodyLength, Chunked, read_head};

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Spec {
    pub server: SocketAddr,
    pub websocket: bool,
    /// Paths (with their query) and how many subscribers open each.
    pub groups: Vec<(String, u32)>,
    /// A frame counts only when it holds this text (the event's name or type).
    pub filter: Option<String>,
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

enum Out {
    Ready {
        ok: u64,
        failed: u64,
        first: u64,
        last: u64,
    },
    Event {
        key: u64,
        at: u64,
    },
    Done {
        duplicates: u64,
        dropped: u64,
    },
}

#[derive(Default)]
struct Counters {
    duplicates: AtomicU64,
    dropped: AtomicU64,
    last_ready: AtomicU64,
}

/// What one subscriber does with each frame: report it once, count it again as a duplicate.
struct Seen {
    recent: [u64; 8],
    next: usize,
}

impl Seen {
    fn frame(&mut self, frame: &[u8], filter: Option<&[u8]>, out: &mpsc::UnboundedSender<Out>, counters: &Counters) {
        let Some(key) = key_of(frame, filter) else { return };
        if self.recent.contains(&key) {
            counters.duplicates.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.recent[self.next % self.recent.len()] = key;
        self.next += 1;
        let _ = out.send(Out::Event { key, at: now_ns() });
    }
}

pub async fn run() -> std::io::Result<()> {
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let mut line = String::new();
    stdin.read_line(&mut line).await?;
    let spec: Arc<Spec> = Arc::new(serde_json::from_str(&line).map_err(std::io::Error::other)?);
    let (out, mut outgoing) = mpsc::unbounded_channel();
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        let mut batch = Vec::with_capacity(1024);
        let mut text = String::new();
        while outgoing.recv_many(&mut batch, 1024).await > 0 {
            let mut done = false;
            for message in batch.drain(..) {
                use std::fmt::Write;
                let _ = match message {
                    Out::Ready {
                        ok,
                        failed,
                        first,
                        last,
                    } => writeln!(text, "R {ok} {failed} {first} {last}"),
                    Out::Event { key, at } => writeln!(text, "E {key} {at}"),
                    Out::Done { duplicates, dropped } => {
                        done = true;
                        writeln!(text, "D {duplicates} {dropped}")
                    }
                };
            }
            if stdout.write_all(text.as_bytes()).await.is_err() || stdout.flush().await.is_err() || done {
                break;
            }
            text.clear();
        }
    });

    let counters = Arc::new(Counters::default());
    let permits = Arc::new(Semaphore::new(spec.parallel.max(1)));
    let (outcomes, mut outcome) = mpsc::unbounded_channel::<bool>();
    let first = now_ns();
    let mut total = 0u64;
    for (path, count) in &spec.groups {
        for _ in 0..*count {
            let source = spec.sources[total as usize % spec.sources.len()];
            total += 1;
            let (spec, path, counters, permits) = (spec.clone(), path.clone(), counters.clone(), permits.clone());
            let (out, outcomes) = (out.clone(), outcomes.clone());
            tokio::spawn(async move {
                let permit = permits.acquire_owned().await;
                let opened = tokio::time::timeout(Duration::from_secs(30), open(&spec, &path, source)).await;
                drop(permit);
                let Ok(Ok(stream)) = opened else {
                    let _ = outcomes.send(false);
                    return;
                };
                counters.last_ready.fetch_max(now_ns(), Ordering::Relaxed);
                let _ = outcomes.send(true);
                stream
                    .follow(spec.filter.as_deref().map(str::as_bytes), &out, &counters)
                    .await;
                counters.dropped.fetch_add(1, Ordering::Relaxed);
            });
        }
    }
    let (mut ok, mut failed) = (0, 0);
    while ok + failed < total {
        match outcome.recv().await {
            Some(true) => ok += 1,
            Some(false) => failed += 1,
            None => break,
        }
    }
    let last = counters.last_ready.load(Ordering::Relaxed);
    let _ = out.send(Out::Ready {
        ok,
        failed,
        first,
        last,
    });
    // Hold the connections until the coordinator closes stdin (or the time bound passes).
    let mut rest = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(spec.max_secs), async {
        while stdin.read_line(&mut rest).await.is_ok_and(|n| n > 0) {
            rest.clear();
        }
    })
    .await;
    let _ = out.send(Out::Done {
        duplicates: counters.duplicates.load(Ordering::Relaxed),
        dropped: counters.dropped.load(Ordering::Relaxed),
    });
    let _ = writer.await;
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

async fn open(spec: &Spec, path: &str, source: Ipv4Addr) -> std::io::Result<Subscription> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source.into(), 0))?;
    let mut stream = socket.connect(spec.server).await?;
    stream.set_nodelay(true)?;
    if spec.websocket {
        let url = format!("ws://{}{}", spec.server, path);
        let (ws, _) = tokio_tungstenite::client_async(url, stream)
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
    async fn follow(self, filter: Option<&[u8]>, out: &mpsc::UnboundedSender<Out>, counters: &Counters) {
        let mut seen = Seen {
            recent: [u64::MAX; 8],
            next: 0,
        };
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
                        seen.frame(&body[..end], filter, out, counters);
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
                        seen.frame(text.as_bytes(), filter, out, counters);
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
