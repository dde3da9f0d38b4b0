//! The shared cart across instances: a phone on B sees what a phone on A does, and the other
//! way round, over SSE and WebSocket; 估清 on A greys the dish at B's tables.

use orderbell_shared::ws::AddItem;
use orderbell_shared::{CartCommand, CartDTO, MessageType};
use orderbell_tests::{PATIENCE, Sse, Ws};
use serde_json::json;

use super::two;

#[tokio::test]
async fn a_cart_change_on_one_instance_reaches_the_phones_on_the_other_over_sse_and_websocket() {
    let cluster = two().await;
    let (a, b) = (&cluster.instances[0], &cluster.instances[1]);
    let alice = a.join(3, Some("13800138000")).await;
    let bob = b.join(3, None).await;
    let mut sse_b = Sse::connect(&b.url("/api/store/order/sse/3"), b.table_token(3), None);
    let mut ws_b = Ws::connect(&b.ws_url(&format!("/ws/cart/3?token={}", bob.token)))
        .await
        .expect("a WebSocket on B");
    let mut sse_a = Sse::connect(&a.url("/api/store/order/sse/3"), &alice.token, None);
    for cart in [sse_b.cart_at(0).await, ws_b.cart_at(0).await, sse_a.cart_at(0).await] {
        assert!(cart.items.is_empty(), "everyone starts from the same empty cart");
    }

    // Alice, on A, adds over HTTP: both of B's phones see exactly the cart she was answered.
    let answer = a
        .add(
            &alice.token,
            json!({"tableId": 3, "cuisineId": 1001, "quantity": 2, "remark": "不要花生"}),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let added: CartDTO = answer.json().await.expect("the cart after the change");
    assert_eq!(sse_b.cart_at(added.version).await, added, "SSE on B");
    assert_eq!(ws_b.cart_at(added.version).await, added, "WebSocket on B");

    // Bob, on B, adds over WebSocket: Alice on A sees it.
    ws_b.send(&CartCommand::AddItem(AddItem {
        cuisine_id: 1002,
        quantity: 1,
        remark: None,
    }))
    .await;
    let reply = ws_b.reply().await;
    assert_eq!(reply.kind, MessageType::AddItemSuccess, "{reply:?}");
    let on_a = sse_a.cart_at(added.version + 1).await;
    assert_eq!(on_a.version, added.version + 1, "no version skipped or doubled");
    let dishes: Vec<(i64, u32)> = on_a.items.iter().map(|i| (i.cuisine_id, i.quantity)).collect();
    assert!(dishes.contains(&(1001, 2)) && dishes.contains(&(1002, 1)), "{dishes:?}");
    cluster.stop().await;
}

#[tokio::test]
async fn a_dish_sold_out_on_one_instance_is_greyed_at_the_tables_of_the_other() {
    let cluster = two().await;
    let (a, b) = (&cluster.instances[0], &cluster.instances[1]);
    let diner = b.join(2, None).await;
    let answer = b
        .add(&diner.token, json!({"tableId": 2, "cuisineId": 1003, "quantity": 1}))
        .await;
    assert_eq!(answer.status(), 200);
    let before: CartDTO = answer.json().await.expect("cart");
    let mut phone = Sse::connect(&b.url("/api/store/order/sse/2"), &diner.token, None);
    assert_eq!(phone.cart_at(before.version).await, before);

    // 估清 at the counter, served by A.
    let sold_out = a
        .http
        .put(a.url("/api/stores/1/dishes/1003/sold-out"))
        .bearer_auth(&a.merchant)
        .json(&json!({"soldOut": true}))
        .send()
        .await
        .expect("sold-out request");
    assert_eq!(sold_out.status(), 200);

    // The phone on B hears the menu changed, and gets its cart again with the dish marked.
    let heard = async {
        let mut menu_update = false;
        let mut greyed = None;
        while !(menu_update && greyed.is_some()) {
            let event = phone.next_event().await;
            match event.event_type.as_str() {
                "menu_update" => menu_update = true,
                "cart_update" => {
                    let cart: CartDTO = serde_json::from_str(&event.data).expect("cart");
                    assert!(cart.version > before.version, "only newer carts come");
                    greyed = Some(cart);
                }
                _ => {}
            }
        }
        greyed
    };
    // Heartbeats keep coming meanwhile: the whole wait has a deadline.
    let greyed = tokio::time::timeout(PATIENCE, heard)
        .await
        .expect("B's phone hears of the 估清 made on A");
    let cart = greyed.expect("the cart came again");
    assert!(
        cart.items.iter().all(|i| i.cuisine_id != 1003 || i.sold_out),
        "{cart:?}"
    );
    cluster.stop().await;
}

#[tokio::test]
async fn a_bill_changed_on_one_instance_reaches_the_phones_on_the_other() {
    let cluster = two().await;
    let (a, b) = (&cluster.instances[0], &cluster.instances[1]);
    let first = b.join(6, None).await;
    let mut phone = Ws::connect(&b.ws_url(&format!("/ws/cart/6?token={}", first.token)))
        .await
        .expect("a WebSocket on B");
    assert!(phone.cart_at(0).await.items.is_empty());

    // A second phone sits down at the table through A (nobody watches the table on A).
    let second = a.join(6, Some("13900139000")).await;
    let bill = tokio::time::timeout(PATIENCE, phone.next_bill())
        .await
        .expect("B's phone hears of the bill changed on A");
    let diners: Vec<i64> = bill.diners.iter().map(|d| d.diner_id).collect();
    assert_eq!(
        diners,
        [first.diner_id, second.diner_id],
        "B's phone sees who joined on A"
    );
    cluster.stop().await;
}
