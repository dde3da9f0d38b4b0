//! Thin wrappers over the real SSE and WebSocket client crates, with bounded waits.

use std::time::Duration;

use eventsource_client::{self as es, Client as _};
use futures_util::stream::BoxStream;
use futures_util::{SinkExt as _, StreamExt as _};
use launchdarkly_sdk_transport::HyperTransport;
use orderbell_shared::events::kind;
use orderbell_shared::{CartDTO, Event, ServerMessage, sse};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::PATIENCE;

/// An SSE subscription through `eventsource-client`, reconnecting by itself like the desktop app.
pub struct Sse {
    stream: BoxStream<'static, Result<es::SSE, es::Error>>,
}

impl Sse {
    pub fn connect(url: &str, token: &str, last_event_id: Option<u64>) -> Self {
        let transport = HyperTransport::new().expect("HTTP transport");
        let mut builder = es::ClientBuilder::for_url(url)
            .expect("valid URL")
            .header("Authorization", &format!("Bearer {token}"))
            .expect("valid header")
            .reconnect(
                es::ReconnectOptions::reconnect(true)
                    .delay(Duration::from_millis(200))
                    .build(),
            );
        if let Some(id) = last_event_id {
            builder = builder.last_event_id(id.to_string());
        }
        let client = builder.build_with_transport(transport);
        Sse {
            stream: client.stream(),
        }
    }

    /// The next event. Connection errors are skipped: the client reconnects by itself.
    pub async fn next_event(&mut self) -> es::Event {
        let wait = async {
            loop {
                match self.stream.next().await {
                    Some(Ok(es::SSE::Event(event))) => return event,
                    Some(Ok(_)) => continue,
                    // The client reconnects by itself; let the timer run meanwhile.
                    Some(Err(_)) => tokio::task::yield_now().await,
                    None => panic!("SSE stream ended"),
                }
            }
        };
        tokio::time::timeout(PATIENCE, wait)
            .await
            .expect("an SSE event arrives")
    }

    /// Wait for the connection's `connected` event (the client connects lazily, on first read).
    pub async fn connected(mut self) -> Self {
        let first = self.next_event().await;
        assert_eq!(first.event_type, kind::CONNECTED, "a stream starts with `connected`");
        self
    }

    /// The next `cart_update`, with its SSE id; heartbeats and `connected` pass by.
    pub async fn next_cart(&mut self) -> (u64, CartDTO) {
        loop {
            let event = self.next_event().await;
            if event.event_type == sse::CART_UPDATE {
                let id = event
                    .id
                    .as_deref()
                    .and_then(|id| id.parse().ok())
                    .expect("cart_update has a numeric id");
                let cart: CartDTO = serde_json::from_str(&event.data).expect("cart_update carries a CartDTO");
                assert_eq!(id, cart.version, "the SSE id is the cart version");
                return (id, cart);
            }
        }
    }

    /// The next durable event with its id; `connected`, `heartbeat` pass by, `resync` is
    /// returned as `None` for the caller to check. Heartbeats keep coming on a quiet stream, so
    /// the whole wait has a deadline, not only each read.
    pub async fn next_durable(&mut self) -> Option<(u64, Event)> {
        tokio::time::timeout(PATIENCE, self.durable_or_resync())
            .await
            .expect("no durable event in time: only heartbeats arrived")
    }

    async fn durable_or_resync(&mut self) -> Option<(u64, Event)> {
        loop {
            let event = self.next_event().await;
            match event.event_type.as_str() {
                kind::CONNECTED | kind::HEARTBEAT => continue,
                kind::RESYNC => return None,
                other => {
                    let id = event
                        .id
                        .as_deref()
                        .and_then(|id| id.parse().ok())
                        .expect("durable events have ids");
                    let parsed = Event::parse(other, &event.data)
                        .expect("a known kind")
                        .expect("well-formed data");
                    return Some((id, parsed));
                }
            }
        }
    }

    /// The next durable event, which must be one.
    pub async fn next_typed(&mut self) -> (u64, Event) {
        self.next_durable().await.expect("an event, not a resync")
    }

    /// Read carts until one with `version` arrives (or a later one: that would be a bug the
    /// caller's assertion will show).
    pub async fn cart_at(&mut self, version: u64) -> CartDTO {
        let wait = async {
            loop {
                let (id, cart) = self.next_cart().await;
                if id >= version {
                    return cart;
                }
            }
        };
        tokio::time::timeout(PATIENCE, wait)
            .await
            .unwrap_or_else(|_| panic!("cart version {version} never came"))
    }
}

/// A WebSocket client on `/ws/cart/{tableId}`.
pub struct Ws {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Ws {
    pub async fn connect(url: &str) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        let (socket, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(Ws { socket })
    }

    pub async fn send_raw(&mut self, text: &str) {
        self.socket.send(Message::text(text)).await.expect("WebSocket send");
    }

    pub async fn send(&mut self, command: &orderbell_shared::CartCommand) {
        self.send_raw(&serde_json::to_string(command).expect("command serializes"))
            .await;
    }

    /// The next server message about the cart; pings are answered by the library and skipped
    /// here, and so are `bill_update`s (their data is a bill: [`Ws::next_bill`] reads them).
    pub async fn next(&mut self) -> ServerMessage {
        loop {
            let text = self.next_text().await;
            let message: ServerMessage<serde_json::Value> =
                serde_json::from_str(&text).expect("server messages follow the envelope");
            if message.kind != orderbell_shared::MessageType::BillUpdate {
                return serde_json::from_str(&text).expect("server messages follow the envelope");
            }
        }
    }

    /// Read messages until a `bill_update`, and return its bill.
    pub async fn next_bill(&mut self) -> orderbell_shared::bills::BillDTO {
        loop {
            let message: ServerMessage<serde_json::Value> =
                serde_json::from_str(&self.next_text().await).expect("server messages follow the envelope");
            if message.kind == orderbell_shared::MessageType::BillUpdate {
                let data = message.data.expect("bill_update carries the bill");
                return serde_json::from_value(data).expect("bill_update carries a BillDTO");
            }
        }
    }

    /// The next server message as text, for messages whose data is not a cart (`menu_update`).
    pub async fn next_text(&mut self) -> String {
        let wait = async {
            loop {
                match self.socket.next().await {
                    Some(Ok(Message::Text(text))) => return text.to_string(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    other => panic!("WebSocket closed or failed: {other:?}"),
                }
            }
        };
        tokio::time::timeout(PATIENCE, wait)
            .await
            .expect("a WebSocket message arrives")
    }

    /// The answer to the last command: pushed `cart_update`s and the server's own heartbeats
    /// (`ping`; the answer to a client's heartbeat says `pong`) pass by.
    pub async fn reply(&mut self) -> ServerMessage {
        loop {
            let message = self.next().await;
            let pushed = message.kind == orderbell_shared::MessageType::CartUpdate
                || message.kind == orderbell_shared::MessageType::Heartbeat && message.message == "ping";
            if !pushed {
                return message;
            }
        }
    }

    /// Read messages until a `cart_update` of at least `version`.
    pub async fn cart_at(&mut self, version: u64) -> CartDTO {
        loop {
            let message = self.next().await;
            if message.kind == orderbell_shared::MessageType::CartUpdate
                && let Some(cart) = message.data
                && cart.version >= version
            {
                return cart;
            }
        }
    }
}
