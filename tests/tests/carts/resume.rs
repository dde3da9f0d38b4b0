//! A phone that lost its connection resumes with `Last-Event-ID` and is brought up to date at once.

use orderbell_shared::sse;
use orderbell_tests::{Sse, TestServer};
use serde_json::json;

#[tokio::test]
async fn reconnecting_with_an_old_id_gets_the_current_cart_at_once() {
    let server = TestServer::start().await;
    let diner = server.join(3, None).await;
    let url = server.url("/api/store/order/sse/3");
    let mut phone = Sse::connect(&url, &diner.token, None);
    let (seen, _) = phone.next_cart().await;
    drop(phone);

    // While the phone is away, the table changes twice.
    for dish in [1001, 1002] {
        let response = server.add(&diner.token, json!({"tableId": 3, "cuisineId": dish})).await;
        assert_eq!(response.status(), 200);
    }

    let mut phone = Sse::connect(&url, &diner.token, Some(seen));
    assert_eq!(phone.next_event().await.event_type, sse::CONNECTED);
    let event = phone.next_event().await;
    assert_eq!(
        event.event_type,
        sse::CART_UPDATE,
        "the missed change comes before anything else"
    );
    assert_eq!(event.id.as_deref(), Some("2"));
    let cart: orderbell_shared::CartDTO = serde_json::from_str(&event.data).expect("cart");
    assert_eq!(
        cart.items.iter().map(|i| i.cuisine_id).collect::<Vec<_>>(),
        vec![1001, 1002]
    );
}

#[tokio::test]
async fn reconnecting_with_the_current_id_gets_no_repeat() {
    let server = TestServer::start().await;
    let diner = server.join(4, None).await;
    let response = server.add(&diner.token, json!({"tableId": 4, "cuisineId": 1003})).await;
    assert_eq!(response.status(), 200);

    let mut phone = Sse::connect(&server.url("/api/store/order/sse/4"), &diner.token, Some(1));
    assert_eq!(phone.next_event().await.event_type, sse::CONNECTED);
    // Nothing changed since version 1, so the next thing on the stream is a heartbeat...
    assert_eq!(
        phone.next_event().await.event_type,
        sse::HEARTBEAT,
        "an unchanged cart is not sent again"
    );
    // ...and the next change arrives live.
    let response = server.add(&diner.token, json!({"tableId": 4, "cuisineId": 1003})).await;
    assert_eq!(response.status(), 200);
    let (id, cart) = phone.next_cart().await;
    assert_eq!((id, cart.items[0].quantity), (2, 2));
}
