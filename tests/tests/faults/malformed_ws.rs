//! A sweep of malformed input over both WebSockets, the cart's (`/ws/cart/{id}`) and the
//! store's (`/ws/stores/{id}`): each bad message is answered `{type:"error", code, message}` in
//! Chinese on a socket that stays open; an oversized frame closes it with 1009; a bad upgrade is
//! a JSON 4xx; and nothing changes.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use orderbell_shared::ErrorBody;
use orderbell_tests::{PATIENCE, ServerProcess};
use serde_json::Value;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::malformed::has_chinese;

/// How long a bad message may go unanswered before the sweep calls it unanswered and moves on
/// (a bound on waiting, not a speed requirement).
const ANSWER_WAIT: Duration = Duration::from_secs(5);

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next text message as JSON, past greetings and pushed carts (the server is started with
/// hour-long heartbeats, so a heartbeat is the answer to ours); `Err` with what came instead.
async fn next_reply(socket: &mut Socket) -> Result<Value, String> {
    let deadline = tokio::time::Instant::now() + ANSWER_WAIT;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .map_err(|_| "no answer".to_owned())?;
        match message {
            Some(Ok(Message::Text(text))) => {
                let value: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON ({e}): {text}"))?;
                if !matches!(value["type"].as_str(), Some("connected" | "cart_update")) {
                    return Ok(value);
                }
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            other => return Err(format!("{other:?}")),
        }
    }
}

/// Send each of `bad` with its expected code on a socket to `url`, on a fresh socket after one
/// that stopped answering; what went wrong.
async fn sweep(url: &str, bad: &[(String, Option<&str>)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut socket = connect(url).await;
    for (message, expect) in bad {
        if let Some(problem) = check(&mut socket, message, *expect).await {
            if problem.contains("heartbeat") || problem.contains("no answer") || problem.contains("send") {
                socket = connect(url).await;
            }
            problems.push(problem);
        }
    }
    problems.extend(check_oversized(socket, url).await);
    problems
}

/// What is wrong with the answer to `bad`, if anything: it must be an error with a code (and
/// `expect`, when given) and a Chinese message, and the socket must still answer a heartbeat.
async fn check(socket: &mut Socket, bad: &str, expect: Option<&str>) -> Option<String> {
    if !matches!(
        tokio::time::timeout(ANSWER_WAIT, socket.send(Message::text(bad))).await,
        Ok(Ok(()))
    ) {
        return Some(format!("{bad}: cannot send"));
    }
    let reply = match next_reply(socket).await {
        Ok(reply) => reply,
        Err(e) => return Some(format!("{bad}: {e}")),
    };
    // The cart socket puts code and message at the top; the store socket's envelope has `data`.
    let field = |name: &str| {
        reply[name]
            .as_str()
            .or(reply["data"][name].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let (code, message) = (field("code"), field("message"));
    let mut problem = None;
    if reply["type"] != "error" || code.is_empty() {
        problem = Some(format!("{bad}: answered {reply}, not an error with a code"));
    } else if !has_chinese(&message) {
        problem = Some(format!("{bad}: {code}: the message is not Chinese: {message:?}"));
    } else if let Some(want) = expect.filter(|want| *want != code) {
        problem = Some(format!("{bad}: {code}, not {want}"));
    }
    if socket.send(Message::text(r#"{"type":"heartbeat"}"#)).await.is_err() {
        return Some(format!("{bad}: the socket was closed"));
    }
    match next_reply(socket).await {
        Ok(pong) if pong["type"] == "heartbeat" => problem,
        other => Some(format!("{bad}: the socket no longer answers a heartbeat: {other:?}")),
    }
}

/// A frame far over any message the server takes: closed with 1009 (message too big).
async fn check_oversized(mut socket: Socket, what: &str) -> Option<String> {
    let huge = format!(r#"{{"type":"heartbeat","pad":"{}"}}"#, "x".repeat(1 << 20));
    // The server may stop reading mid-frame, so the send itself may never finish.
    match tokio::time::timeout(ANSWER_WAIT, socket.send(Message::text(huge))).await {
        Ok(Ok(())) | Err(_) => {}
        Ok(Err(e)) => return Some(format!("{what}: {e} instead of a close with 1009")),
    }
    loop {
        match tokio::time::timeout(PATIENCE, socket.next()).await {
            Ok(Some(Ok(Message::Close(Some(frame))))) if frame.code == CloseCode::Size => return None,
            Ok(Some(Ok(Message::Close(frame)))) => return Some(format!("{what}: closed with {frame:?}, not 1009")),
            Ok(Some(Ok(_))) => {}
            other => return Some(format!("{what}: {other:?} instead of a close with 1009")),
        }
    }
}

async fn connect(url: &str) -> Socket {
    let connecting = tokio::time::timeout(PATIENCE, tokio_tungstenite::connect_async(url)).await;
    let (socket, _) = connecting.expect("connects in time").expect("WebSocket connects");
    socket
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_socket_messages_get_errors_on_an_open_socket_and_change_nothing() {
    let server = ServerProcess::start(&["--heartbeat-secs", "3600"]).await;
    let diner = server.join(1, None).await;
    let add = serde_json::json!({"tableId": 1, "cuisineId": 1002, "quantity": 2});
    assert_eq!(server.add(&diner.token, add).await.status(), 200);
    let (cart, last) = (server.cart(1).await, crate::head(&server).await);
    let cart_url = server.ws_url(&format!("/ws/cart/1?token={}", diner.token));
    let store_url = server.ws_url(&format!("/ws/stores/1?token={}", server.merchant));
    let mut problems = Vec::new();

    let quantity = |q: &str| format!(r#"{{"type":"add_item","data":{{"cuisineId":1001,"quantity":{q}}}}}"#);
    let update = |q: &str| format!(r#"{{"type":"update_quantity","data":{{"cuisineId":1002,"quantity":{q}}}}}"#);
    let mut cart_bad = Vec::new();
    for q in ["-1", "0", "100", "4294967296", "1e30"] {
        cart_bad.push((quantity(q), Some("invalid_quantity")));
        cart_bad.push((update(q), Some("invalid_quantity")));
    }
    for bad in [
        "{not json",
        "[]",
        "null",
        r#"{"type":"nope"}"#,
        r#"{"type":"add_item"}"#,
        r#"{"type":"add_item","data":{"cuisineId":"x","quantity":1}}"#,
        r#"{"type":"add_item","data":{"cuisineId":1001,"quantity":"2"}}"#,
        r#"{"type":"add_item","data":{"cuisineId":1001,"quantity":1,"remark":5}}"#,
        r#"{"type":"remove_item","data":{"cuisineId":99999999999999999999}}"#,
    ] {
        cart_bad.push((bad.to_owned(), None));
    }
    let unknown_dish = r#"{"type":"add_item","data":{"cuisineId":99999,"quantity":1}}"#;
    cart_bad.push((unknown_dish.to_owned(), Some("dish_not_found")));
    problems.extend(sweep(&cart_url, &cart_bad).await);
    let store_bad: Vec<(String, Option<&str>)> = ["{not json", "[]", "null", r#"{"type":"nope"}"#, r#"{"type":5}"#]
        .into_iter()
        .map(|bad| (bad.to_owned(), None))
        .collect();
    problems.extend(sweep(&store_url, &store_bad).await);

    // Upgrades refused before the socket opens: a JSON 4xx like any other request.
    for (url, code) in [
        (format!("{store_url}&lastEventId=abc"), Some("invalid_last_event_id")),
        (
            format!("{store_url}&lastEventId=99999999999999999999"),
            Some("invalid_last_event_id"),
        ),
        (server.ws_url("/ws/stores/1"), None),
        (server.ws_url("/ws/cart/abc"), None),
        (server.ws_url("/ws/cart/1?token=garbage"), None),
    ] {
        match tokio_tungstenite::connect_async(url.as_str()).await {
            Err(WsError::Http(answer)) => {
                let body: Option<ErrorBody> = answer.body().as_ref().and_then(|b| serde_json::from_slice(b).ok());
                match body {
                    Some(body) if answer.status().is_client_error() && code.is_none_or(|c| c == body.code) => {}
                    _ => problems.push(format!("upgrade {url}: {} {:?}", answer.status(), answer.body())),
                }
            }
            other => problems.push(format!("upgrade {url}: {:?} instead of a 4xx", other.map(|_| "opened"))),
        }
    }

    println!("malformed WebSocket input: {} problems", problems.len());
    // Listed before the state is checked, so that one run shows both.
    for problem in &problems {
        eprintln!("{problem}");
    }
    assert_eq!(server.cart(1).await, cart, "the cart is as it was");
    assert_eq!(crate::head(&server).await, last, "no event was written");
    assert!(
        problems.is_empty(),
        "answers that break the contract:\n{}",
        problems.join("\n")
    );
}
