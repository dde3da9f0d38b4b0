//! The owner's store settings over HTTP, and what a customer ordering meets: the real server,
//! its clock moved by hand to cross business hours.

use orderbell_server::clock::Clock as _;
use orderbell_shared::store::{StoreDTO, StoreState};
use orderbell_shared::{CartDTO, MenuDTO};
use orderbell_tests::TestServer;
use serde_json::{Value, json};

use super::refused;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;
/// China (UTC+8), the stores' local time unless the owner says otherwise.
const CHINA_MS: i64 = 8 * 60 * MINUTE_MS;

async fn store(server: &TestServer) -> StoreDTO {
    let response = server.http.get(server.url("/api/stores/1")).send().await.expect("sent");
    assert_eq!(
        response.status(),
        200,
        "anyone may read a store, as anyone may read its menu"
    );
    response.json().await.expect("a store")
}

async fn patch(server: &TestServer, token: &str, body: Value) -> reqwest::Response {
    server
        .http
        .patch(server.url("/api/stores/1/settings"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent")
}

async fn owner_sets(server: &TestServer, body: Value) -> StoreDTO {
    let response = patch(server, &server.merchant, body).await;
    assert_eq!(response.status(), 200, "the owner may change the store's settings");
    response.json().await.expect("the store as customers see it")
}

/// `HH:MM` in China, `minutes` after the server's clock (rounded down to the minute).
fn china_time(server: &TestServer, minutes: i64) -> String {
    let local = (server.clock.now_ms() + CHINA_MS).rem_euclid(DAY_MS) / MINUTE_MS + minutes;
    let local = local.rem_euclid(24 * 60);
    format!("{:02}:{:02}", local / 60, local % 60)
}

/// A diner at table `table_id` with one dish in the cart, and the submit they would send.
async fn diner_with_cart(server: &TestServer, table_id: i64) -> (String, Value) {
    let diner = server.join(table_id, None).await;
    let add = json!({"tableId": table_id, "cuisineId": 1001, "quantity": 2});
    assert_eq!(server.add(&diner.token, add).await.status(), 200);
    let submit = json!({"tableId": table_id, "idempotencyKey": format!("t{table_id}")});
    (diner.token, submit)
}

#[tokio::test]
async fn a_new_store_is_open_around_the_clock_with_nothing_announced() {
    let server = TestServer::start().await;
    let store = store(&server).await;
    assert_eq!(store.name, "铃声小馆");
    assert_eq!(store.state, StoreState::Open);
    assert_eq!(
        (store.announcement, store.hours, store.paused, store.manual),
        (None, vec![], false, None)
    );
    assert_eq!(store.utc_offset_minutes, 480, "China time");
    let missing = server
        .http
        .get(server.url("/api/stores/99"))
        .send()
        .await
        .expect("sent");
    refused(missing, 404, "store_not_found").await;
}

#[tokio::test]
async fn the_owner_names_the_store_and_announces_and_customers_see_it() {
    let server = TestServer::start().await;
    let changed = owner_sets(
        &server,
        json!({"name": " 铃声小馆·二店 ", "announcement": "今日特价：宫保鸡丁 8 折"}),
    )
    .await;
    assert_eq!(changed.name, "铃声小馆·二店");
    assert_eq!(
        store(&server).await,
        changed,
        "what the owner was answered is what customers read"
    );
    let menu: MenuDTO = server
        .http
        .get(server.url("/api/stores/1/menu"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("menu");
    assert_eq!(menu.store_name, "铃声小馆·二店", "the menu carries the new name");

    let cleared = owner_sets(&server, json!({"announcement": ""})).await;
    assert_eq!(cleared.announcement, None);
    assert_eq!(cleared.name, "铃声小馆·二店", "a field left out stays as it was");

    let server = server.restart().await;
    assert_eq!(store(&server).await.name, "铃声小馆·二店", "settings survive a restart");
}

#[tokio::test]
async fn only_the_stores_owner_may_change_its_settings() {
    let server = TestServer::start().await;
    let before = store(&server).await;
    let change = json!({"paused": true});
    let anonymous = server
        .http
        .patch(server.url("/api/stores/1/settings"))
        .json(&change)
        .send()
        .await
        .expect("sent");
    refused(anonymous, 401, "unauthorized").await;
    refused(
        patch(&server, &server.kitchen, change.clone()).await,
        403,
        "role_not_allowed",
    )
    .await;
    refused(
        patch(&server, &server.other_merchant, change.clone()).await,
        403,
        "forbidden",
    )
    .await;
    let diner = server.join(1, None).await;
    refused(patch(&server, &diner.token, change.clone()).await, 403, "forbidden").await;
    refused(patch(&server, server.table_token(1), change).await, 403, "forbidden").await;
    assert_eq!(store(&server).await, before, "nothing changed");
}

#[tokio::test]
async fn bad_settings_are_refused_whole_and_change_nothing() {
    let server = TestServer::start().await;
    let before = store(&server).await;
    for (body, code) in [
        (json!({"name": ""}), "invalid_store_name"),
        (json!({"name": "店".repeat(31)}), "invalid_store_name"),
        (json!({"announcement": "告".repeat(101)}), "announcement_too_long"),
        (json!({"hours": [{"open": "10:00", "close": "25:00"}]}), "invalid_hours"),
        (
            json!({"hours": [{"open": "10:00", "close": "14:00", "days": [8]}]}),
            "invalid_hours",
        ),
        (json!({"utcOffsetMinutes": 900}), "invalid_utc_offset"),
        // A good name with bad hours: the name is not kept either.
        (
            json!({"name": "新店名", "hours": [{"open": "7am", "close": "22:00"}]}),
            "invalid_hours",
        ),
    ] {
        let body = refused(patch(&server, &server.merchant, body).await, 422, code).await;
        assert!(!body.message.is_ascii(), "the message is Chinese: {}", body.message);
    }
    refused(
        patch(&server, &server.merchant, json!({"manual": "sometimes"})).await,
        422,
        "invalid_body",
    )
    .await;
    refused(
        patch(&server, &server.merchant, json!({"colour": "red"})).await,
        422,
        "invalid_body",
    )
    .await;
    assert_eq!(store(&server).await, before, "nothing changed");
}

#[tokio::test]
async fn outside_the_hours_orders_are_refused_and_the_cart_stays() {
    let server = TestServer::start().await;
    // Open from an hour from now, for an hour.
    let (open, close) = (china_time(&server, 60), china_time(&server, 120));
    let closed = owner_sets(&server, json!({"hours": [{"open": open, "close": close}]})).await;
    assert_eq!(closed.state, StoreState::Closed);

    let (diner, submit) = diner_with_cart(&server, 3).await;
    let cart_before: CartDTO = server.cart(3).await;
    let body = refused(
        server.post("/api/orders", &diner, submit.clone()).await,
        409,
        "store_closed",
    )
    .await;
    assert!(
        body.message.contains(&format!("{open}–{close}")),
        "says when it opens: {}",
        body.message
    );
    assert_eq!(
        server.cart(3).await,
        cart_before,
        "the cart stays as it was, version too"
    );

    server.clock.advance_secs(60 * 60);
    assert_eq!(store(&server).await.state, StoreState::Open, "the hours have come");
    assert_eq!(server.post("/api/orders", &diner, submit.clone()).await.status(), 201);
    assert!(server.cart(3).await.items.is_empty(), "the order took the cart");

    server.clock.advance_secs(60 * 60);
    assert_eq!(store(&server).await.state, StoreState::Closed, "closing time");
    assert_eq!(
        server.post("/api/orders", &diner, submit).await.status(),
        200,
        "a retry of an order made while open still gets that order"
    );
}

#[tokio::test]
async fn the_owner_opens_or_closes_by_hand_until_the_hours_change() {
    let server = TestServer::start().await;
    let (open, close) = (china_time(&server, 60), china_time(&server, 120));
    owner_sets(&server, json!({"hours": [{"open": open, "close": close}]})).await;

    let opened = owner_sets(&server, json!({"manual": "open"})).await;
    assert_eq!(opened.state, StoreState::Open, "open now, whatever the hours say");
    let opening = opened
        .manual
        .as_ref()
        .and_then(|m| m.until)
        .expect("until the hours open");
    assert!(opening > server.clock.now_ms());
    let (diner, submit) = diner_with_cart(&server, 4).await;
    assert_eq!(server.post("/api/orders", &diner, submit).await.status(), 201);

    server.clock.advance_secs(60 * 60);
    let closed = owner_sets(&server, json!({"manual": "closed"})).await;
    assert_eq!(
        closed.state,
        StoreState::Closed,
        "closed now, in the middle of the hours"
    );
    let (diner, submit) = diner_with_cart(&server, 5).await;
    refused(
        server.post("/api/orders", &diner, submit.clone()).await,
        409,
        "store_closed",
    )
    .await;

    let auto = owner_sets(&server, json!({"manual": "auto"})).await;
    assert_eq!(
        (auto.state, auto.manual),
        (StoreState::Open, None),
        "the hours rule again"
    );
    assert_eq!(server.post("/api/orders", &diner, submit).await.status(), 201);
}

#[tokio::test]
async fn a_paused_store_refuses_orders_and_keeps_the_cart_until_it_resumes() {
    let server = TestServer::start().await;
    let paused = owner_sets(&server, json!({"paused": true})).await;
    assert_eq!(paused.state, StoreState::Paused);
    let (diner, submit) = diner_with_cart(&server, 6).await;
    let cart_before = server.cart(6).await;
    let body = refused(
        server.post("/api/orders", &diner, submit.clone()).await,
        409,
        "store_paused",
    )
    .await;
    assert!(body.message.contains("暂停接单"), "{}", body.message);
    assert_eq!(server.cart(6).await, cart_before, "the cart stays");
    let more = json!({"tableId": 6, "cuisineId": 1002, "quantity": 1});
    assert_eq!(
        server.add(&diner, more).await.status(),
        200,
        "the table may go on choosing meanwhile"
    );

    assert_eq!(
        owner_sets(&server, json!({"paused": false})).await.state,
        StoreState::Open
    );
    assert_eq!(server.post("/api/orders", &diner, submit).await.status(), 201);
}

#[tokio::test]
async fn changes_sent_at_once_all_land() {
    let server = TestServer::start().await;
    let hours = json!([{"open": "10:00", "close": "22:00"}]);
    let changes = [
        json!({"name": "同时改名"}),
        json!({"announcement": "同时公告"}),
        json!({"paused": true}),
        json!({"utcOffsetMinutes": 540}),
        json!({"hours": hours}),
    ];
    let sent = changes
        .iter()
        .map(|change| patch(&server, &server.merchant, change.clone()));
    for response in futures_util::future::join_all(sent).await {
        assert_eq!(response.status(), 200);
    }
    let store = store(&server).await;
    assert_eq!(store.name, "同时改名");
    assert_eq!(store.announcement.as_deref(), Some("同时公告"));
    assert!(store.paused);
    assert_eq!(store.utc_offset_minutes, 540);
    assert_eq!(
        serde_json::to_value(&store.hours).expect("json"),
        hours,
        "no change undid another"
    );
}
