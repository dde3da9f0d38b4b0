//! The store stream, over `eventsource-client`, with our own reconnect loop.
//!
//! The client's built-in reconnection is off: this module decides when to reconnect (the
//! [`Backoff`]), and from which id (the last event the desk *handled*, which also survives app
//! restarts because the desk persists it). A connection that goes quiet for longer than the idle
//! timeout — three missed heartbeats — counts as dropped, which is how a pulled network cable
//! shows itself.

use std::time::Duration;

use eventsource_client::{self as es, Client as _};
use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;
use launchdarkly_sdk_transport::HyperTransport;
use orderbell_shared::Event;
use orderbell_shared::api::ErrorBody;
use orderbell_shared::events::{Connected, Resync, kind};
use tokio::time::Instant;

use crate::backoff::Backoff;
use crate::pairing::Pairing;
use crate::receipts::Device;

/// What the stream tells the desk.
#[derive(Debug)]
pub enum StreamItem {
    /// A connection is up; `last_event_id` is the newest event on the server.
    Connected(Connected),
    /// A durable event.
    Event { id: u64, event: Box<Event> },
    /// Our id is older than what the server keeps: reload the snapshot, then the stream goes
    /// on after `resync.last_event_id`.
    Resync(Resync),
    /// The server refused the credential (401/403), or ended the stream because the owner
    /// revoked this device (`revoked`). Retrying cannot help: the stream stops.
    Refused { error: String, revoked: bool },
    /// The connection dropped or could not be made; the next try is in `retry_in`.
    Down {
        error: String,
        attempt: u32,
        retry_in: Duration,
    },
}

/// What one SSE event (its type, `id:` and data, as eventsource-client framed them) says.
#[derive(Debug)]
pub enum Reading {
    Connected(Connected),
    Resync(Resync),
    Event {
        id: u64,
        event: Box<Event>,
    },
    /// Nothing for the desk: a heartbeat, a durable event without a numeric id, or (with its
    /// id, to step over but never re-read) a kind from a newer server.
    Skip {
        id: Option<u64>,
    },
    /// The server sent what we cannot read: the connection counts as broken.
    Unreadable(String),
    /// The server ended the stream because this device was revoked: the message to show.
    Revoked(String),
}

/// Read one SSE event. Pure, apart from a warning in the log, so that the fuzz targets (`fuzz/`)
/// can feed it arbitrary events.
pub fn read_event(event_type: &str, id: Option<&str>, data: &str) -> Reading {
    match event_type {
        kind::CONNECTED => match serde_json::from_str::<Connected>(data) {
            Ok(connected) => Reading::Connected(connected),
            Err(e) => Reading::Unreadable(format!("服务器的 connected 事件无法识别：{e}")),
        },
        kind::HEARTBEAT => Reading::Skip { id: None },
        kind::RESYNC => match serde_json::from_str::<Resync>(data) {
            Ok(resync) => Reading::Resync(resync),
            Err(e) => Reading::Unreadable(format!("resync 事件无法识别：{e}")),
        },
        kind::ERROR => match serde_json::from_str::<ErrorBody>(data) {
            Ok(body) if body.code == DEVICE_REVOKED => Reading::Revoked(body.message),
            Ok(body) => Reading::Unreadable(body.message),
            Err(e) => Reading::Unreadable(format!("error 事件无法识别：{e}")),
        },
        other => {
            let Some(id) = id.and_then(|id| id.parse::<u64>().ok()) else {
                tracing::warn!(kind = other, "durable event without a numeric id; skipped");
                return Reading::Skip { id: None };
            };
            match Event::parse(other, data) {
                Some(Ok(event)) => Reading::Event {
                    id,
                    event: Box::new(event),
                },
                None => Reading::Skip { id: Some(id) },
                Some(Err(e)) => Reading::Unreadable(format!("事件 {id} 无法识别：{e}")),
            }
        }
    }
}

/// The code of a credential the owner revoked: on the stream's last event and on every later
/// request's 401.
pub const DEVICE_REVOKED: &str = "device_revoked";

pub struct StoreStream {
    pairing: Pairing,
    /// Who is listening: the server counts the device as online while connected.
    device: Option<Device>,
    backoff: Backoff,
    idle_timeout: Duration,
    last_event_id: Option<u64>,
    current: Option<BoxStream<'static, Result<es::SSE, es::Error>>>,
    reconnect_at: Option<Instant>,
    /// When the current connection counts as dead if nothing arrives: a deadline rather than a
    /// timeout, so that a `select!` dropping [`StoreStream::next`] does not restart it.
    quiet_until: Instant,
    /// The credential was refused: nothing more will come.
    refused: bool,
}

impl StoreStream {
    pub fn new(pairing: Pairing, backoff: Backoff, idle_timeout: Duration, last_event_id: Option<u64>) -> Self {
        StoreStream {
            pairing,
            device: None,
            backoff,
            idle_timeout,
            last_event_id,
            current: None,
            reconnect_at: None,
            quiet_until: Instant::now(),
            refused: false,
        }
    }

    /// The next thing that happened. Cancel-safe: a `select!` may drop it and call again.
    pub async fn next(&mut self) -> StreamItem {
        if self.refused {
            return std::future::pending().await;
        }
        loop {
            if let Some(at) = self.reconnect_at {
                tokio::time::sleep_until(at).await;
                self.reconnect_at = None;
            }
            let stream = match &mut self.current {
                Some(stream) => stream,
                None => match self.connect() {
                    Ok(stream) => {
                        self.quiet_until = Instant::now() + self.idle_timeout;
                        self.current.insert(stream)
                    }
                    Err(error) => return self.down(error),
                },
            };
            let item = match tokio::time::timeout_at(self.quiet_until, stream.next()).await {
                Ok(Some(Ok(item))) => item,
                Ok(Some(Err(e))) if refused(&e) => {
                    self.current = None;
                    self.refused = true;
                    let (error, revoked) = refusal(e).await;
                    return StreamItem::Refused { error, revoked };
                }
                Ok(Some(Err(e))) => return self.down(describe(&e)),
                Ok(None) => return self.down("连接已关闭".into()),
                Err(_) => return self.down("长时间没有收到服务器的心跳".into()),
            };
            self.quiet_until = Instant::now() + self.idle_timeout;
            let es::SSE::Event(event) = item else { continue };
            if let Some(item) = self.read(event) {
                return item;
            }
        }
    }

    /// Connect as `device`.
    pub fn as_device(mut self, device: &Device) -> StoreStream {
        self.device = Some(device.clone());
        self
    }

    /// Resume after `id` from the next connection on (after a resync, or once an event is handled).
    pub fn resume_after(&mut self, id: u64) {
        self.last_event_id = Some(id);
    }

    fn read(&mut self, event: es::Event) -> Option<StreamItem> {
        match read_event(&event.event_type, event.id.as_deref(), &event.data) {
            Reading::Connected(connected) => {
                self.backoff.reset();
                Some(StreamItem::Connected(connected))
            }
            Reading::Resync(resync) => {
                self.last_event_id = Some(resync.last_event_id);
                Some(StreamItem::Resync(resync))
            }
            Reading::Event { id, event } => {
                self.last_event_id = Some(id);
                Some(StreamItem::Event { id, event })
            }
            Reading::Skip { id } => {
                self.last_event_id = id.or(self.last_event_id);
                None
            }
            Reading::Unreadable(error) => Some(self.down(error)),
            Reading::Revoked(error) => {
                self.current = None;
                self.refused = true;
                Some(StreamItem::Refused { error, revoked: true })
            }
        }
    }

    fn connect(&self) -> Result<BoxStream<'static, Result<es::SSE, es::Error>>, String> {
        let url = self
            .pairing
            .url(&format!("/api/stores/{}/events", self.pairing.store_id));
        let url = match &self.device {
            Some(device) => device.stream_url(&url),
            None => url,
        };
        let transport = HyperTransport::builder()
            .connect_timeout(Duration::from_secs(10))
            .build_https()
            .map_err(|e| format!("无法建立连接：{e}"))?;
        let mut builder = es::ClientBuilder::for_url(&url)
            .map_err(|e| format!("服务器地址无效：{e}"))?
            .header("Authorization", &format!("Bearer {}", self.pairing.token))
            .map_err(|e| format!("凭证无效：{e}"))?
            .reconnect(es::ReconnectOptions::reconnect(false).retry_initial(false).build());
        if let Some(id) = self.last_event_id {
            builder = builder.last_event_id(id.to_string());
        }
        Ok(builder.build_with_transport(transport).stream())
    }

    /// Drop the connection and schedule the next try.
    fn down(&mut self, error: String) -> StreamItem {
        self.current = None;
        let retry_in = self.backoff.next_delay();
        self.reconnect_at = Some(Instant::now() + retry_in);
        StreamItem::Down {
            error,
            attempt: self.backoff.failures(),
            retry_in,
        }
    }
}

/// A wrong or revoked credential, as opposed to a network or server problem.
fn refused(error: &es::Error) -> bool {
    matches!(error, es::Error::UnexpectedResponse(response, _) if matches!(response.status(), 401 | 403))
}

/// What to tell the merchant about a refused credential: the server's own message for a revoked
/// device (「此设备已被停用，请重新配对」), else what the status means.
async fn refusal(error: es::Error) -> (String, bool) {
    let described = (describe(&error), false);
    let es::Error::UnexpectedResponse(_, body) = error else {
        return described;
    };
    // The refusal is a small JSON body; a larger one is not the server's `{code, message}`.
    let mut bytes = Vec::new();
    let mut chunks = body.into_stream();
    while let Ok(Some(Ok(chunk))) = tokio::time::timeout(Duration::from_secs(5), chunks.next()).await {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > 4096 {
            return described;
        }
    }
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) if body.code == DEVICE_REVOKED => (body.message, true),
        _ => described,
    }
}

fn describe(error: &es::Error) -> String {
    match error {
        es::Error::UnexpectedResponse(response, _) => match response.status() {
            401 => "凭证无效或已失效（401），请重新配对".into(),
            403 => "此凭证不能查看这家店（403）".into(),
            status => format!("服务器返回 {status}"),
        },
        es::Error::Transport(_) => "无法连接服务器".into(),
        es::Error::TimedOut => "连接超时".into(),
        other => format!("连接中断：{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_durable_event_is_read_with_its_id() {
        let data = r#"{"reminderId":1,"orderId":12,"orderNo":"OB1","tableNumber":"A01","text":"马上就好","at":1}"#;
        let Reading::Event { id, event } = read_event(kind::REMINDER_REPLY, Some("8"), data) else {
            panic!("a reminder reply reads as an event");
        };
        assert_eq!(id, 8);
        assert_eq!(event.kind(), kind::REMINDER_REPLY);
    }

    #[test]
    fn what_cannot_be_placed_is_skipped_and_a_newer_kind_is_stepped_over() {
        assert!(matches!(
            read_event(kind::HEARTBEAT, None, "ping"),
            Reading::Skip { id: None }
        ));
        assert!(matches!(
            read_event(kind::ORDER_PAID, Some("x"), "{}"),
            Reading::Skip { id: None }
        ));
        assert!(matches!(
            read_event("from_a_newer_server", Some("9"), "{}"),
            Reading::Skip { id: Some(9) }
        ));
    }

    #[test]
    fn a_revoked_device_is_told_so_by_the_last_event() {
        let data = r#"{"code":"device_revoked","message":"此设备已被停用，请重新配对"}"#;
        let Reading::Revoked(message) = read_event(kind::ERROR, None, data) else {
            panic!("device_revoked ends the stream as revoked");
        };
        assert_eq!(message, "此设备已被停用，请重新配对");
        assert!(matches!(
            read_event(kind::ERROR, None, r#"{"code":"overloaded","message":"稍后再试"}"#),
            Reading::Unreadable(_)
        ));
    }

    #[test]
    fn an_unreadable_control_event_breaks_the_connection() {
        assert!(matches!(
            read_event(kind::CONNECTED, None, "连接成功"),
            Reading::Unreadable(_)
        ));
        assert!(matches!(
            read_event(kind::ORDER_PAID, Some("3"), "{}"),
            Reading::Unreadable(_)
        ));
    }
}
