//! What an instance receives through the shipped configuration, on every kind of route: the
//! caller's address (not what the caller claims), the host it asked for, a request id, HTTP/1.1,
//! and the WebSocket upgrade only on a WebSocket handshake. The instance here is a socket that
//! answers each request with the request head it read, so the test sees exactly what nginx sent.

use std::net::SocketAddr;

use orderbell_tests::services::nginx::Nginx;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// An upstream that answers every request with its head, as text.
async fn echo_upstream() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0; 4096];
                while !head.ends_with(b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    head.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.write_all(&head).await;
            });
        }
    });
    addr
}

/// The request head the upstream got for `path`, asked with `headers`.
async fn seen(nginx: &Nginx, path: &str, headers: &[(&str, &str)]) -> String {
    let mut request = reqwest::Client::new()
        .get(nginx.url(path))
        .header("host", "orders.example.com")
        .header("x-forwarded-for", "6.6.6.6")
        .header("x-real-ip", "6.6.6.6");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("through nginx");
    assert_eq!(response.status(), 200, "the upstream answered {path}");
    response.text().await.expect("the echoed head").to_lowercase()
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .map(str::trim)
}

#[tokio::test]
async fn every_route_passes_the_callers_address_host_and_a_request_id() {
    let nginx = Nginx::start(&[echo_upstream().await]).await;
    for path in [
        "/api/stores/1/menu",
        "/api/store/order/sse/1",
        "/api/stores/1/events",
        "/api/orders/1/events",
        "/ws/cart/1",
        "/metrics",
    ] {
        let head = seen(&nginx, path, &[]).await;
        assert!(head.starts_with(&format!("get {path} http/1.1\r\n")), "{head}");
        assert_eq!(header(&head, "host"), Some("orders.example.com"), "{path}: {head}");
        assert_eq!(
            header(&head, "x-forwarded-for"),
            Some("127.0.0.1"),
            "{path}: the caller's address, not what it claimed: {head}"
        );
        assert_eq!(header(&head, "x-real-ip"), Some("127.0.0.1"), "{path}: {head}");
        let id = header(&head, "x-request-id").unwrap_or_else(|| panic!("{path}: a request id: {head}"));
        assert!(
            id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{path}: {id}"
        );
        assert_eq!(header(&head, "upgrade"), None, "{path}: {head}");
        assert_ne!(header(&head, "connection"), Some("upgrade"), "{path}: {head}");
    }
}

#[tokio::test]
async fn a_websocket_handshake_is_passed_on_as_one() {
    let nginx = Nginx::start(&[echo_upstream().await]).await;
    let handshake = [
        ("upgrade", "websocket"),
        ("connection", "Upgrade"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    let head = seen(&nginx, "/ws/stores/1", &handshake).await;
    assert_eq!(header(&head, "upgrade"), Some("websocket"), "{head}");
    assert_eq!(header(&head, "connection"), Some("upgrade"), "{head}");
    assert!(header(&head, "sec-websocket-key").is_some(), "{head}");
}
