//! A table is reached only with a valid credential for that table.

use orderbell_shared::{DinerSession, ErrorBody};
use orderbell_tests::{TestServer, Ws};
use tokio_tungstenite::tungstenite::Error as WsError;

async fn status_of(request: reqwest::RequestBuilder) -> (u16, String) {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let body: ErrorBody = response.json().await.expect("JSON error body");
    (status, body.code)
}

fn ws_status(result: Result<Ws, WsError>) -> u16 {
    match result {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected WebSocket failure: {other}"),
        Ok(_) => panic!("the WebSocket upgrade must be refused"),
    }
}

#[tokio::test]
async fn no_valid_credential_means_401_and_another_tables_means_403() {
    let server = TestServer::start().await;
    let http = &server.http;
    let own = server.table_token(1).to_owned();
    let other = server.table_token(2).to_owned();
    let forged = format!("{}x", &own[..own.len() - 1]);
    let tampered = own.replacen("t.1.", "t.2.", 1);

    for path in ["/api/store/order/cart/1", "/api/store/order/sse/1"] {
        assert_eq!(
            status_of(http.get(server.url(path))).await,
            (401, "unauthorized".into()),
            "{path}"
        );
        for bad in [&forged, &tampered] {
            assert_eq!(
                status_of(http.get(server.url(path)).bearer_auth(bad)).await.0,
                401,
                "{path} with {bad}"
            );
        }
        assert_eq!(
            status_of(http.get(server.url(path)).bearer_auth(&other)).await,
            (403, "forbidden".into())
        );
    }
    assert_eq!(ws_status(Ws::connect(&server.ws_url("/ws/cart/1")).await), 401);
    assert_eq!(
        ws_status(Ws::connect(&server.ws_url(&format!("/ws/cart/1?token={forged}"))).await),
        401
    );
    assert_eq!(
        ws_status(Ws::connect(&server.ws_url(&format!("/ws/cart/1?token={other}"))).await),
        403
    );

    // A diner of table 2 cannot change table 1.
    let stranger = server.join(2, None).await;
    let response = server
        .add(&stranger.token, serde_json::json!({"tableId": 1, "cuisineId": 1001}))
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(server.cart(1).await.version, 0);
}

#[tokio::test]
async fn the_table_link_makes_the_phone_a_diner_and_its_cookie_opens_the_stream() {
    let server = TestServer::start().await;
    let link = server.url(&format!("/t/3?token={}", server.table_token(3)));
    let first = server.http.get(&link).send().await.expect("open link");
    assert_eq!(first.status(), 200);
    let cookie = first
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "the token is kept from scripts: {cookie}");
    let token_cookie = cookie.split(';').next().expect("name=value").to_owned();
    let session: DinerSession = first.json().await.expect("session");
    assert_eq!((session.table_id, session.table_number.as_str()), (3, "A03"));

    // The browser comes back with its cookie: it stays the same diner.
    let again = server
        .http
        .get(&link)
        .header("cookie", &token_cookie)
        .send()
        .await
        .expect("open again");
    let same: DinerSession = again.json().await.expect("session");
    assert_eq!(same.diner_id, session.diner_id);

    // The cookie alone is a credential, as EventSource in a browser needs.
    let stream = server
        .http
        .get(server.url("/api/store/order/sse/3"))
        .header("cookie", &token_cookie)
        .send()
        .await
        .expect("sse with cookie");
    assert_eq!(stream.status(), 200);

    let bad_link = server
        .http
        .get(server.url(&format!("/t/3?token={}", server.table_token(4))))
        .send()
        .await;
    assert_eq!(
        bad_link.expect("sent").status(),
        403,
        "table 4's QR code does not open table 3"
    );
}
