//! Orderbell behind nginx, running the shipped `deploy/nginx/orderbell.conf`: streams and sockets
//! pass through unbuffered and stay open past nginx's read timeout, refusals stay the server's
//! JSON, and two instances behind one address reach each other's phones.

mod cluster;
mod errors;
mod headers;
mod heartbeats;
mod streams;

use std::time::Duration;

use futures_util::StreamExt as _;
use orderbell_shared::Event;
use orderbell_shared::events::{StreamMessage, kind};
use orderbell_tests::services::nginx::Nginx;
use orderbell_tests::{Api, PATIENCE, TestServer};
use tokio_tungstenite::tungstenite::Message;

/// One server with nginx in front of it; `api` is the server as reached through nginx.
struct Gateway {
    server: TestServer,
    nginx: Nginx,
    api: Api,
}

impl Gateway {
    /// The shipped configuration, as shipped (a one-second heartbeat on the server).
    async fn start() -> Self {
        Self::start_with(None).await
    }

    /// With the streams' `proxy_read_timeout` shortened to `read_timeout`.
    async fn start_with(read_timeout: Option<Duration>) -> Self {
        let server = TestServer::start().await;
        let nginx = Nginx::start_with(&[server.addr], read_timeout).await;
        let api = nginx.front(&server);
        Gateway { server, nginx, api }
    }
}

impl std::ops::Deref for Gateway {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

/// A merchant's store socket (`/ws/stores/{id}`): its messages are `{type, id, data, timestamp}`.
struct StoreSocket {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl StoreSocket {
    async fn connect(url: &str) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("the store socket opens");
        StoreSocket { socket }
    }

    async fn next(&mut self) -> StreamMessage {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("a message arrives on the store socket");
            match message {
                Some(Ok(Message::Text(text))) => {
                    return serde_json::from_str(&text).expect("{type, id, data, timestamp}");
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => panic!("the store socket closed: {other:?}"),
            }
        }
    }

    /// The next durable event with its id; `connected` and heartbeats pass by.
    async fn next_event(&mut self) -> (u64, Event) {
        loop {
            let m = self.next().await;
            if m.kind == kind::HEARTBEAT || m.kind == kind::CONNECTED {
                continue;
            }
            let event = Event::parse(&m.kind, &m.data.to_string())
                .expect("a known kind")
                .expect("well-formed data");
            return (m.id.expect("durable events have ids"), event);
        }
    }
}
