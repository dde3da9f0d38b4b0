//! Every stream the server has, through nginx: each event arrives as it happens (nothing held in
//! a buffer), and a client coming back with `Last-Event-ID` gets what it missed, once.

use orderbell_shared::ws::AddItem;
use orderbell_shared::{CartCommand, Event, MessageType, OrderStatus, sse};
use orderbell_tests::{Sse, Ws};
use serde_json::json;

use crate::{Gateway, StoreSocket};

#[tokio::test]
async fn a_phone_follows_the_cart_through_nginx_and_resumes_with_last_event_id() {
    let gateway = Gateway::start().await;
    let diner = gateway.join(3, None).await;
    let url = gateway.url("/api/store/order/sse/3");
    let mut phone = Sse::connect(&url, &diner.token, None).connected().await;
    assert_eq!(phone.next_cart().await.0, 0, "the current cart first");

    let response = gateway
        .add(&diner.token, json!({"tableId": 3, "cuisineId": 1001}))
        .await;
    assert_eq!(response.status(), 200);
    let (seen, cart) = phone.next_cart().await;
    assert_eq!((seen, cart.items[0].cuisine_id), (1, 1001), "the change arrives live");
    drop(phone);

    // While the phone is away the table changes twice; it comes back through nginx with the
    // last id it saw (nginx passes the header on).
    for dish in [1002, 1003] {
        let response = gateway
            .add(&diner.token, json!({"tableId": 3, "cuisineId": dish}))
            .await;
        assert_eq!(response.status(), 200);
    }
    let mut phone = Sse::connect(&url, &diner.token, Some(seen)).connected().await;
    let event = phone.next_event().await;
    assert_eq!(
        event.event_type,
        sse::CART_UPDATE,
        "the missed change before anything else"
    );
    assert_eq!(event.id.as_deref(), Some("3"));
    let cart: orderbell_shared::CartDTO = serde_json::from_str(&event.data).expect("a cart");
    assert_eq!(
        cart.items.iter().map(|i| i.cuisine_id).collect::<Vec<_>>(),
        [1001, 1002, 1003]
    );
}

#[tokio::test]
async fn the_merchant_and_the_customer_hear_a_payment_through_nginx_and_resume_without_loss() {
    let gateway = Gateway::start().await;
    let mut merchant = gateway.store_stream(None).await;
    let order = gateway.order(5, &[(1001, 1)]).await;
    gateway.pay(&order).await;
    let (paid_id, event) = merchant.next_typed().await;
    assert!(
        matches!(event, Event::OrderPaid(ref paid) if paid.order_id == order.order.order_id),
        "{event:?}"
    );
    // The customer's stream replays the order from its first event, up to 支付成功.
    let mut customer = gateway.order_stream(&order);
    loop {
        if let (_, Event::OrderStatus(change)) = customer.next_typed().await
            && change.to == OrderStatus::Paid
        {
            break;
        }
    }
    drop(merchant);

    // Accepted while the merchant's app was away: it resumes through nginx from `paid_id`.
    let accepted = gateway
        .post_empty(
            &format!("/api/orders/{}/accept", order.order.order_id),
            &gateway.merchant,
        )
        .await;
    assert_eq!(accepted.status(), 200);
    let mut merchant = gateway.store_stream(Some(paid_id)).await;
    let (id, event) = merchant.next_typed().await;
    assert_eq!(id, paid_id + 1, "the next event, none skipped, none repeated");
    assert!(
        matches!(event, Event::OrderStatus(ref change) if change.to == OrderStatus::Accepted),
        "{event:?}"
    );
}

#[tokio::test]
async fn cart_and_store_sockets_work_through_nginx() {
    let gateway = Gateway::start().await;
    let diner = gateway.join(6, None).await;
    let mut watcher = Ws::connect(&gateway.ws_url(&format!("/ws/cart/6?token={}", gateway.table_token(6))))
        .await
        .expect("a watching socket through nginx");
    let mut phone = Ws::connect(&gateway.ws_url(&format!("/ws/cart/6?token={}", diner.token)))
        .await
        .expect("a diner's socket through nginx");
    assert_eq!(phone.next().await.kind, MessageType::Connected);

    phone
        .send(&CartCommand::AddItem(AddItem {
            cuisine_id: 1002,
            quantity: 2,
            remark: None,
        }))
        .await;
    assert_eq!(phone.reply().await.kind, MessageType::AddItemSuccess);
    let cart = watcher.cart_at(1).await;
    assert_eq!((cart.items[0].cuisine_id, cart.items[0].quantity), (1002, 2));

    let mut store = StoreSocket::connect(&gateway.ws_url(&format!("/ws/stores/1?token={}", gateway.merchant))).await;
    let order = gateway.order(7, &[(1001, 1)]).await;
    gateway.pay(&order).await;
    let (_, event) = store.next_event().await;
    assert!(
        matches!(event, Event::OrderPaid(ref paid) if paid.order_id == order.order.order_id),
        "{event:?}"
    );
}
