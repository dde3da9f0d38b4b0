//! 估清 and price changes, live on the table streams: `menu_update` on every table of the store,
//! `cart_update` to the carts that hold the dish, and the cart and the submit refusing it.

use orderbell_shared::{CartDTO, MenuUpdate, Money, OrderStatus, SubmitOrderRequest, sse};
use orderbell_tests::{Sse, TestServer, Ws};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{owner, refused};

/// Read the table's SSE stream until both the `menu_update` and a cart in which `check` holds.
async fn menu_and_cart(stream: &mut Sse, check: impl Fn(&CartDTO) -> bool) -> (MenuUpdate, CartDTO) {
    let (mut update, mut cart) = (None, None);
    while update.is_none() || cart.is_none() {
        let event = stream.next_event().await;
        match event.event_type.as_str() {
            sse::MENU_UPDATE => {
                update = Some(serde_json::from_str(&event.data).expect("MenuUpdate"));
            }
            sse::CART_UPDATE => {
                let got: CartDTO = serde_json::from_str(&event.data).expect("CartDTO");
                if check(&got) {
                    cart = Some(got);
                }
            }
            _ => {}
        }
    }
    (update.expect("menu_update"), cart.expect("cart_update"))
}

/// The next `menu_update` on a cart WebSocket.
async fn ws_menu_update(ws: &mut Ws) -> MenuUpdate {
    loop {
        let message: Value = serde_json::from_str(&ws.next_text().await).expect("JSON");
        if message["type"] == "menu_update" {
            assert_eq!(message["message"], "菜单更新");
            return serde_json::from_value(message["data"].clone()).expect("MenuUpdate");
        }
    }
}

#[tokio::test]
async fn a_dish_sold_out_shows_on_every_table_stream_and_is_refused() {
    let server = TestServer::start().await;
    let here = server.join(1, None).await;
    let add = |table: i64| json!({"tableId": table, "cuisineId": 1001, "quantity": 2});
    assert_eq!(server.add(&here.token, add(1)).await.status(), 200);

    let mut table1 = Sse::connect(&server.url("/api/store/order/sse/1"), server.table_token(1), None)
        .connected()
        .await;
    let first = table1.next_cart().await.1;
    assert!(!first.items[0].sold_out);
    let ws_url = server.ws_url(&format!("/ws/cart/2?token={}", server.table_token(2)));
    let mut table2 = Ws::connect(&ws_url).await.expect("WebSocket");

    let marked = owner(
        &server,
        Method::PUT,
        "/api/stores/1/dishes/1001/sold-out",
        Some(json!({"soldOut": true})),
    )
    .await;
    assert_eq!(marked.status(), 200);

    let (update, cart) = menu_and_cart(&mut table1, |c| c.items.iter().any(|i| i.sold_out)).await;
    assert_eq!(update.store_id, 1);
    assert_eq!(cart.items[0].cuisine_name, "宫保鸡丁", "the cart holding it says so");
    assert!(cart.version > first.version);
    assert_eq!(
        ws_menu_update(&mut table2).await,
        update,
        "the other table's socket hears it too"
    );
    let menu = crate::menu(&server).await;
    assert!(crate::dish(&menu, "宫保鸡丁").sold_out, "the menu lists it, flagged");
    assert_eq!(menu.menu_version, update.menu_version);

    let there = server.join(2, None).await;
    refused(server.add(&there.token, add(2)).await, 409, "dish_sold_out").await;
    let submit = SubmitOrderRequest {
        table_id: 1,
        idempotency_key: "sold-out".into(),
        cart_version: None,
    };
    let body = refused(
        server
            .post("/api/orders", &here.token, serde_json::to_value(&submit).expect("json"))
            .await,
        409,
        "dish_sold_out",
    )
    .await;
    assert!(body.message.contains("宫保鸡丁"), "names the dish: {}", body.message);
    assert_eq!(server.cart(1).await.items.len(), 1, "the cart stays as it was");

    // Back in stock in one tap: the cart may be ordered again.
    let restocked = owner(
        &server,
        Method::PUT,
        "/api/stores/1/dishes/1001/sold-out",
        Some(json!({"soldOut": false})),
    )
    .await;
    assert_eq!(restocked.status(), 200);
    let (_, cart) = menu_and_cart(&mut table1, |c| c.items.iter().all(|i| !i.sold_out)).await;
    assert_eq!(cart.items.len(), 1);
    let made = server
        .post("/api/orders", &here.token, serde_json::to_value(&submit).expect("json"))
        .await;
    assert_eq!(made.status(), 201);
}

#[tokio::test]
async fn a_price_change_reaches_open_carts_and_spares_orders_made() {
    let server = TestServer::start().await;
    let order = server.order(3, &[(1002, 2)]).await;
    assert_eq!(order.order.total_amount, Money::from_cents(6400));

    let diner = server.join(4, None).await;
    let add = json!({"tableId": 4, "cuisineId": 1002, "quantity": 1});
    assert_eq!(server.add(&diner.token, add).await.status(), 200);
    let ws_url = server.ws_url(&format!("/ws/cart/4?token={}", diner.token));
    let mut ws = Ws::connect(&ws_url).await.expect("WebSocket");
    let mut sse = Sse::connect(&server.url("/api/store/order/sse/4"), server.table_token(4), None)
        .connected()
        .await;
    let reviewed = sse.next_cart().await.1.version;

    let changed = owner(
        &server,
        Method::PATCH,
        "/api/stores/1/dishes/1002",
        Some(json!({"unitPrice": "35.50"})),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let (_, cart) = menu_and_cart(&mut sse, |c| {
        c.items.first().is_some_and(|i| i.unit_price == Money::from_cents(3550))
    })
    .await;
    assert_eq!(cart.total_amount, Money::from_cents(3550));
    // The socket: its first cart is the one it opened with, then the repriced one.
    let repriced = loop {
        let message: Value = serde_json::from_str(&ws.next_text().await).expect("JSON");
        if message["type"] == "cart_update" && message["data"]["items"][0]["unitPrice"] == json!(35.5) {
            break message;
        }
    };
    assert_eq!(repriced["data"]["totalAmount"], json!(35.5));

    // The diner who reviewed the cart at the old price is asked to look again; at the new one,
    // the order is made at the new price.
    let submit = |version: u64| SubmitOrderRequest {
        table_id: 4,
        idempotency_key: format!("v{version}"),
        cart_version: Some(version),
    };
    let stale = server
        .post(
            "/api/orders",
            &diner.token,
            serde_json::to_value(submit(reviewed)).expect("json"),
        )
        .await;
    refused(stale, 409, "cart_changed").await;
    let made = server
        .post(
            "/api/orders",
            &diner.token,
            serde_json::to_value(submit(cart.version)).expect("json"),
        )
        .await;
    let made: orderbell_shared::SubmittedOrder = crate::ok(made, 201).await;
    assert_eq!(made.order.total_amount, Money::from_cents(3550));

    let kept = server.fetch_order(&order).await;
    assert_eq!(
        kept.items[0].unit_price,
        Money::from_cents(3200),
        "the order keeps its price"
    );
    assert_eq!(kept.total_amount, Money::from_cents(6400));
    assert_eq!(kept.status, OrderStatus::PendingPayment);
}

#[tokio::test]
async fn a_set_meal_is_sold_out_while_a_dish_it_holds_is() {
    let server = TestServer::start().await;
    let diner = server.join(5, None).await;
    let add = |dish: i64| json!({"tableId": 5, "cuisineId": dish, "quantity": 1});
    assert_eq!(
        server.add(&diner.token, add(2001)).await.status(),
        200,
        "宫保鸡丁套餐 holds 酸梅汤"
    );
    let mut table = Sse::connect(&server.url("/api/store/order/sse/5"), server.table_token(5), None)
        .connected()
        .await;
    table.next_cart().await;

    let marked = owner(
        &server,
        Method::PUT,
        "/api/stores/1/dishes/1011/sold-out",
        Some(json!({"soldOut": true})),
    )
    .await;
    assert_eq!(marked.status(), 200);
    let (_, cart) = menu_and_cart(&mut table, |c| c.items.iter().any(|i| i.sold_out)).await;
    assert_eq!(
        cart.items[0].cuisine_name, "宫保鸡丁套餐",
        "the cart holding the set hears of it"
    );
    let menu = crate::menu(&server).await;
    assert!(crate::dish(&menu, "宫保鸡丁套餐").sold_out);
    assert!(
        !crate::dish(&menu, "双人红烧肉套餐").sold_out,
        "a set without 酸梅汤 stays"
    );
    refused(server.add(&diner.token, add(2001)).await, 409, "dish_sold_out").await;
    assert_eq!(server.add(&diner.token, add(2002)).await.status(), 200);
}

/// 估清 at the very moment a diner adds the dish, again and again: whichever commits first, the
/// newest cart the table's phones were sent is the cart as it is, sold-out flag included (on
/// PostgreSQL the two run at once; a cart pushed without the flag would stay wrong until the
/// next change).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dish_sold_out_while_it_is_added_is_flagged_in_the_newest_cart_sent() {
    let server = TestServer::start().await;
    let diner = server.join(1, None).await;
    let mut phone = Sse::connect(&server.url("/api/store/order/sse/1"), server.table_token(1), None)
        .connected()
        .await;
    let mark = |sold_out: bool| {
        owner(
            &server,
            Method::PUT,
            "/api/stores/1/dishes/1001/sold-out",
            Some(json!({"soldOut": sold_out})),
        )
    };
    for round in 0..30 {
        assert_eq!(server.clear(&diner.token, 1).await.status(), 200);
        assert_eq!(mark(false).await.status(), 200);
        let add = server.add(&diner.token, json!({"tableId": 1, "cuisineId": 1001, "quantity": 1}));
        let (added, marked) = tokio::join!(add, mark(true));
        assert_eq!(marked.status(), 200);
        assert!(
            [200, 409].contains(&added.status().as_u16()),
            "added, or refused as sold out: {}",
            added.status()
        );
        let now = server.cart(1).await;
        let sent = phone.cart_at(now.version).await;
        assert_eq!(
            sent.items
                .iter()
                .map(|i| (i.cuisine_id, i.sold_out))
                .collect::<Vec<_>>(),
            now.items.iter().map(|i| (i.cuisine_id, i.sold_out)).collect::<Vec<_>>(),
            "round {round}: the phone's newest cart is the cart as it is"
        );
    }
}
