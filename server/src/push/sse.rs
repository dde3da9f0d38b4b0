//! Server-Sent Events framing and the response that carries a stream of frames.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use orderbell_shared::sse::{HEARTBEAT, HEARTBEAT_DATA};
use tokio::time::{Instant, interval_at};
use tokio_util::sync::CancellationToken;

use super::Subscription;
use crate::error::{Error, Result};
use crate::metrics::Watched;

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
/// between, until the subscription ends or the server shuts down. `watched` counts it open
/// meanwhile.
pub fn live(
    greeting: Vec<Bytes>,
    mut subscription: impl Subscription,
    heartbeat: Duration,
    shutdown: CancellationToken,
    watched: Watched,
) -> Response {
    response(async_stream::stream! {
        yield Bytes::from_static(RETRY);
        for frame in greeting {
            yield frame;
        }
        let mut beat = interval_at(Instant::now() + heartbeat, heartbeat);
        let shutdown = super::wait_for_cancel(&shutdown);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                _ = beat.tick() => yield frame(None, HEARTBEAT, HEARTBEAT_DATA),
                event = subscription.next() => match event {
                    Some(event) => {
                        yield event.sse.clone();
                        // Polled again: the body took the frame for the socket.
                        watched.sent(&event);
                    }
                    None => break,
                },
            }
        }
    })
}

/// The `Last-Event-ID` a reconnecting client sends (header, or `?lastEventId=` for clients that
/// cannot set headers). Empty means none, as browsers have it; anything but a plain event number
/// is refused, never read as "start from now", which would skip events silently.
pub fn last_event_id(headers: &HeaderMap, query: Option<&str>) -> Result<Option<u64>> {
    let header = match headers.get("last-event-id") {
        Some(value) => Some(value.to_str().map_err(|_| invalid_last_event_id())?),
        None => None,
    };
    let query = query.and_then(|q| q.split('&').find_map(|p| p.strip_prefix("lastEventId=")));
    match header.or(query).map(str::trim) {
        None | Some("") => Ok(None),
        Some(id) if id.bytes().all(|b| b.is_ascii_digit()) => id.parse().map(Some).map_err(|_| invalid_last_event_id()),
        Some(_) => Err(invalid_last_event_id()),
    }
}

fn invalid_last_event_id() -> Error {
    Error::BadRequest {
        status: StatusCode::BAD_REQUEST,
        code: "invalid_last_event_id",
        message: "Last-Event-ID 必须是收到过的事件编号（非负整数）；不带它重新连接即可从现在开始".into(),
    }
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
    fn last_event_ids_are_plain_numbers_or_refused() {
        let id = |header: Option<&str>, query: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = header {
                headers.insert("last-event-id", HeaderValue::from_str(value).expect("header"));
            }
            last_event_id(&headers, query).map_err(|e| e.code())
        };
        assert_eq!(id(Some("42"), None), Ok(Some(42)));
        assert_eq!(id(None, Some("token=x&lastEventId=7")), Ok(Some(7)));
        assert_eq!(id(Some(""), None), Ok(None), "browsers send no id as empty");
        assert_eq!(id(None, Some("lastEventId=")), Ok(None));
        assert_eq!(id(None, None), Ok(None));
        for garbage in [
            "abc",
            "-1",
            "1.5",
            "0x10",
            "+3",
            "18446744073709551616",
            "99999999999999999999",
        ] {
            assert_eq!(
                id(Some(garbage), None),
                Err("invalid_last_event_id"),
                "{garbage} must be refused"
            );
            let query = format!("lastEventId={garbage}");
            assert_eq!(id(None, Some(&query)), Err("invalid_last_event_id"));
        }
    }

    #[test]
    fn frames_follow_the_format() {
        assert_eq!(
            frame(Some(7), "cart_update", "{}"),
            Bytes::from("id: 7\nevent: cart_update\ndata: {}\n\n")
        );
        assert_eq!(frame(None, "x", "a\nb"), Bytes::from("event: x\ndata: a\ndata: b\n\n"));
    }
}
