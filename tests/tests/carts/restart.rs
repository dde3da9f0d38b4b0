//! A restart (deploy, power cut) keeps every cart, and connected phones carry on by themselves.

use orderbell_tests::{Sse, TestServer};
use serde_json::json;

#[tokio::test]
async fn a_restart_keeps_the_cart_and_phones_resume_without_repeats() {
    let server = TestServer::start().await;
    let diner = server.join(5, Some("13700137000")).await;
    for (dish, quantity) in [(1004, 2), (2001, 1)] {
        let body = json!({"tableId": 5, "cuisineId": dish, "quantity": quantity, "remark": "少盐"});
        assert_eq!(server.add(&diner.token, body).await.status(), 200);
    }
    let before = server.cart(5).await;
    let mut phone = Sse::connect(&server.url("/api/store/order/sse/5"), &diner.token, None);
    assert_eq!(phone.cart_at(before.version).await, before);

    // The phone stays connected while the server stops gracefully and starts again.
    let server = server.restart().await;
    assert_eq!(server.cart(5).await, before, "the cart survives the restart unchanged");

    // The diner's token still works, and the version carries on from where it was.
    let response = server.add(&diner.token, json!({"tableId": 5, "cuisineId": 1009})).await;
    assert_eq!(response.status(), 200);
    // eventsource-client reconnected with Last-Event-ID, so the first cart it now sees is the new
    // one, never the old version again.
    let (id, cart) = phone.next_cart().await;
    assert_eq!(id, before.version + 1);
    assert_eq!(cart.items.len(), 3);
    assert_eq!(cart.items[0].add_user_phone.as_deref(), Some("137****7000"));
}
