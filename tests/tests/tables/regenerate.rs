//! Regenerating a table's link (a photographed or leaked QR code): that table's old link and the
//! diners who joined with it stop working; every other table's link goes on as printed.

use futures_util::StreamExt as _;
use orderbell_shared::{DinerSession, TableDTO};
use orderbell_tests::{Api, PATIENCE, TestServer};
use serde_json::json;

use crate::owner::{refusal, table, token_of};

pub async fn regenerate(api: &Api, table_id: i64) -> TableDTO {
    let response = api
        .post_empty(&format!("/api/stores/1/tables/{table_id}/link"), &api.merchant)
        .await;
    assert_eq!(response.status(), 200, "the owner regenerates a link");
    response.json().await.expect("the table with its new link")
}

async fn cart_status(api: &Api, table_id: i64, token: &str) -> reqwest::Response {
    let path = format!("/api/store/order/cart/{table_id}");
    api.http
        .get(api.url(&path))
        .bearer_auth(token)
        .send()
        .await
        .expect("cart request")
}

async fn add_dish(api: &Api, diner: &str, table_id: i64) -> reqwest::Response {
    api.add(diner, json!({"tableId": table_id, "cuisineId": 1001, "quantity": 1}))
        .await
}

#[tokio::test]
async fn a_new_link_ends_that_tables_old_link_and_its_diners_and_no_other() {
    let server = TestServer::start().await;
    let old = server.table_token(1).to_owned();
    let old_diner = server.join(1, None).await.token;
    let neighbour = server.join(2, None).await.token;

    let fresh = regenerate(&server, 1).await;
    assert_eq!(fresh.link_generation, 1);
    let new = token_of(&fresh.link).to_owned();
    assert!(new.starts_with("t.1.1."), "the token names its generation: {new}");
    assert_ne!(new, old);

    let revoked = (401, "link_revoked".to_owned());
    assert_eq!(refusal(cart_status(&server, 1, &old).await).await, revoked);
    let rejoin = server.post("/api/tables/1/diners", &old, json!({})).await;
    assert_eq!(refusal(rejoin).await, revoked, "the old code makes no new diners");
    assert_eq!(
        refusal(add_dish(&server, &old_diner, 1).await).await,
        revoked,
        "nor keeps the old ones"
    );
    let stream = server
        .http
        .get(server.url(&format!("/api/store/order/sse/1?token={old_diner}")))
        .send()
        .await
        .expect("stream request");
    assert_eq!(refusal(stream).await, revoked);
    let page = server
        .http
        .get(server.url(&format!("/t/1?token={old}")))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page request");
    assert_eq!(
        page.status(),
        401,
        "a phone scanning the old code is asked to scan again"
    );
    assert!(
        page.text().await.expect("page").contains("扫"),
        "the page says to scan the code"
    );

    let diner: DinerSession = server
        .post("/api/tables/1/diners", &new, json!({}))
        .await
        .json()
        .await
        .expect("joined with the new link");
    assert_eq!(add_dish(&server, &diner.token, 1).await.status(), 200);

    assert_eq!(cart_status(&server, 2, server.table_token(2)).await.status(), 200);
    assert_eq!(
        add_dish(&server, &neighbour, 2).await.status(),
        200,
        "other tables go on"
    );
    assert_eq!(table(&server, "A02").await.link_generation, 0);

    let third = regenerate(&server, 1).await;
    assert_eq!(third.link_generation, 2);
    assert_eq!(refusal(cart_status(&server, 1, &new).await).await, revoked);
    assert_eq!(refusal(add_dish(&server, &diner.token, 1).await).await, revoked);
    assert_eq!(cart_status(&server, 1, token_of(&third.link)).await.status(), 200);
}

#[tokio::test]
async fn a_phone_that_joined_with_the_old_link_is_a_new_diner_with_the_new_one() {
    let server = TestServer::start().await;
    let open = |token: String, cookie: Option<String>| {
        let request = server.http.get(server.url(&format!("/t/1?token={token}")));
        let request = match cookie {
            Some(cookie) => request.header("cookie", format!("ob_token={cookie}")),
            None => request,
        };
        async move { request.send().await.expect("open the link") }
    };
    let before: DinerSession = open(server.table_token(1).to_owned(), None)
        .await
        .json()
        .await
        .expect("session");
    let again: DinerSession = open(server.table_token(1).to_owned(), Some(before.token.clone()))
        .await
        .json()
        .await
        .expect("session");
    assert_eq!(
        again.diner_id, before.diner_id,
        "the cookie keeps the phone the same diner"
    );

    let fresh = regenerate(&server, 1).await;
    let after: DinerSession = open(token_of(&fresh.link).to_owned(), Some(before.token.clone()))
        .await
        .json()
        .await
        .expect("session");
    assert_ne!(after.diner_id, before.diner_id, "the old diner is not revived");
    assert_eq!(add_dish(&server, &after.token, 1).await.status(), 200);
}

#[tokio::test]
async fn a_regenerated_link_survives_a_restart_and_is_the_link_printed_at_start() {
    let server = TestServer::start().await;
    let old = server.table_token(5).to_owned();
    let fresh = regenerate(&server, 5).await;
    let server = server.restart().await;
    let printed = server.links.iter().find(|l| l.table_id == 5).expect("table 5 printed");
    assert_eq!(
        printed.url, fresh.link,
        "`orderbell links` and `serve` print the new link"
    );
    assert_eq!(refusal(cart_status(&server, 5, &old).await).await.1, "link_revoked");
    assert_eq!(cart_status(&server, 5, &printed.token).await.status(), 200);
}

#[tokio::test]
async fn the_old_links_open_streams_end_and_cannot_come_back() {
    let server = TestServer::start().await;
    let old_diner = server.join(1, None).await.token;
    let mut sse = server
        .http
        .get(server.url(&format!("/api/store/order/sse/1?token={old_diner}")))
        .send()
        .await
        .expect("stream opens");
    assert_eq!(sse.status(), 200);
    let mut greeting = String::new();
    while !greeting.contains("event: connected") {
        let chunk = sse.chunk().await.expect("stream").expect("the greeting");
        greeting.push_str(&String::from_utf8_lossy(&chunk));
    }
    let url = server.ws_url(&format!("/ws/cart/1?token={old_diner}"));
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("socket opens");
    let neighbour = server.join(2, None).await.token;
    let mut next_door = server
        .http
        .get(server.url(&format!("/api/store/order/sse/2?token={neighbour}")))
        .send()
        .await
        .expect("stream opens");

    regenerate(&server, 1).await;

    let ended = tokio::time::timeout(PATIENCE, async {
        while sse.chunk().await.expect("stream reads").is_some() {}
    });
    ended.await.expect("the old link's cart stream ends");
    let closed = tokio::time::timeout(PATIENCE, async {
        while let Some(Ok(message)) = ws.next().await {
            if message.is_close() {
                break;
            }
        }
    });
    closed.await.expect("the old link's socket closes");
    let back = cart_status(&server, 1, &old_diner).await;
    assert_eq!(refusal(back).await.1, "link_revoked", "and it cannot come back");

    let still = tokio::time::timeout(PATIENCE, async {
        loop {
            let chunk = next_door.chunk().await.expect("stream reads").expect("still open");
            if String::from_utf8_lossy(&chunk).contains("heartbeat") {
                break;
            }
        }
    });
    still.await.expect("the table next door keeps its stream");
}

/// The table link itself (no diner) is checked in memory: its streams end on regeneration like
/// a diner's, and the old link is refused on the very next connect, SSE and WebSocket.
#[tokio::test]
async fn the_old_table_links_streams_end_and_its_next_connect_is_refused() {
    let server = TestServer::start().await;
    let old = server.table_token(1).to_owned();
    let open = |token: String| {
        let request = server
            .http
            .get(server.url(&format!("/api/store/order/sse/1?token={token}")));
        async move { request.send().await.expect("stream request") }
    };
    // Two streams: the second joins a watched table and takes its cart from the first's topic.
    let mut streams = vec![open(old.clone()).await, open(old.clone()).await];
    for sse in &mut streams {
        assert_eq!(sse.status(), 200);
        let mut seen = String::new();
        while !seen.contains("event: cart_update") {
            let chunk = sse.chunk().await.expect("stream").expect("the current cart");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    let fresh = regenerate(&server, 1).await;

    for mut sse in streams {
        let ended = tokio::time::timeout(PATIENCE, async {
            while sse.chunk().await.expect("stream reads").is_some() {}
        });
        ended.await.expect("the old link's cart stream ends");
    }
    assert_eq!(refusal(open(old.clone()).await).await.1, "link_revoked");
    let url = server.ws_url(&format!("/ws/cart/1?token={old}"));
    let refused = tokio_tungstenite::connect_async(url).await;
    assert!(
        matches!(&refused, Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 401),
        "the old link opens no socket: {refused:?}"
    );
    let new = open(token_of(&fresh.link).to_owned()).await;
    assert_eq!(new.status(), 200, "the new link streams");
}
