//! Server-Sent Events framing and the response that carries a stream of frames.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use orderbell_shared::sse::{HEARTBEAT, HEARTBEAT_DATA};
use tokio::time::{Instant, interval_at};
use tokio_util::sync::CancellationToken;

use super::Subscription;

/// One SSE frame. Data with line breaks is split over several `data:` lines, as the format wants.
pub fn frame(id: Option<u64>, event: &str, data: &str) -> Bytes {
    let mut out = String::with_capacity(data.len() + event.len() + 32);
    if let Some(id) = id {
        out.push_str("id: ");
        out.push_str(&id.to_string());
        out.push('\n');
    }
    out.push_str("event: ");
    out.push_str(event);
    out.push('\n');
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push('\n');
    }
    out.push('\n');
    Bytes::from(out)
}

/// How long a browser waits before reconnecting, sent once at the start of each stream.
const RETRY: &[u8] = b"retry: 2000\n\n";

/// A live stream: the `greeting` frames, then every event of `subscription` with a `heartbeat`
/// between, until the subscription ends or the server shuts down.
pub fn live(
    greeting: Vec<Bytes>,
    mut subscription: impl Subscription,
    heartbeat: Duration,
    shutdown: CancellationToken,
) -> Response {
    response(async_stream::stream! {
        yield Bytes::from_static(RETRY);
        for frame in greeting {
            yield frame;
        }
        let mut beat = interval_at(Instant::now() + heartbeat, heartbeat);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = beat.tick() => yield frame(None, HEARTBEAT, HEARTBEAT_DATA),
                event = subscription.next() => match event {
                    Some(event) => yield event.sse.clone(),
                    None => break,
                },
            }
        }
    })
}

/// The `Last-Event-ID` a reconnecting client sends (header, or `?lastEventId=` for clients that
/// cannot set headers).
pub fn last_event_id(headers: &HeaderMap, query: Option<&str>) -> Option<u64> {
    let header = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let query = query.and_then(|q| q.split('&').find_map(|p| p.strip_prefix("lastEventId=")));
    header.or(query).and_then(|v| v.trim().parse().ok())
}

/// A `text/event-stream` response with the headers proxies need to pass it through unbuffered.
fn response(frames: impl Stream<Item = Bytes> + Send + 'static) -> Response {
    use futures_util::StreamExt as _;
    let body = Body::from_stream(frames.map(Ok::<_, Infallible>));
    let headers = [
        (
            CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream; charset=utf-8"),
        ),
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            "x-accel-buffering".parse().expect("valid header name"),
            HeaderValue::from_static("no"),
        ),
    ];
    (headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_follow_the_format() {
        assert_eq!(
            frame(Some(7), "cart_update", "{}"),
            Bytes::from("id: 7\nevent: cart_update\ndata: {}\n\n")
        );
        assert_eq!(frame(None, "x", "a\nb"), Bytes::from("event: x\ndata: a\ndata: b\n\n"));
    }
}
