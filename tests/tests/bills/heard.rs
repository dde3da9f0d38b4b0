//! 先吃后付's phones follow the table's bill, not each round's own stream: the merchant's answer
//! to a round's 催单, and a round nobody at the restaurant heard (escalated), reach every phone at
//! the table on the bill.

use orderbell_shared::OrderStatus;
use orderbell_shared::heard::Presence;
use orderbell_tests::{Sse, TestServer, Ws};
use serde_json::json;

use crate::{KUNG_PAO, MAPO, bill_until, round, table_bill, table_stream};

#[tokio::test]
async fn the_merchants_answer_to_a_rounds_reminder_reaches_every_phone_at_the_table() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let first = server.join(1, None).await;
    let second = server.join(1, None).await;
    let mut first_sees = table_stream(&server, 1, &first.token).await;
    let ws_url = server.ws_url(&format!("/ws/cart/1?token={}", second.token));
    let mut second_sees = Ws::connect(&ws_url).await.expect("WebSocket");

    let r1 = round(&server, &first, &[(KUNG_PAO, 1)]).await;
    let r2 = round(&server, &first, &[(MAPO, 1)]).await;
    let order_id = r2.order.order_id;
    // The other phone hurries the second round; the merchant answers it.
    let reminded = server
        .post_empty(&format!("/api/orders/{order_id}/reminders"), &second.token)
        .await;
    assert_eq!(reminded.status(), 201, "any phone at the table 催 any round");
    let answered = server
        .post(
            &format!("/api/orders/{order_id}/reply"),
            &server.merchant,
            json!({"text": "马上就好"}),
        )
        .await;
    assert_eq!(answered.status(), 200, "the merchant answers");

    let seen = bill_until(&mut first_sees, |b| !b.replies.is_empty()).await;
    let replies: Vec<(i64, u32, &str)> = seen
        .replies
        .iter()
        .map(|r| (r.order_id, r.round, r.text.as_str()))
        .collect();
    assert_eq!(
        replies,
        [(order_id, 2, "马上就好")],
        "the answer is the second round's, on the SSE phone"
    );
    let on_ws = loop {
        let bill = second_sees.next_bill().await;
        if !bill.replies.is_empty() {
            break bill;
        }
    };
    assert_eq!(on_ws.replies, seen.replies, "the WebSocket phone reads the same answer");
    assert!(
        on_ws.replies.iter().all(|r| r.order_id != r1.order.order_id),
        "the first round was not answered"
    );

    // A second answer replaces the first; a phone that reloads reads it from the bill.
    server
        .post(
            &format!("/api/orders/{order_id}/reply"),
            &server.merchant,
            json!({"text": "已出餐"}),
        )
        .await;
    let seen = bill_until(&mut first_sees, |b| b.replies.iter().any(|r| r.text == "已出餐")).await;
    assert_eq!(seen.replies.len(), 1, "the latest answer per round");
    let read = table_bill(&server, 1, &first.token).await;
    assert_eq!(read.replies, seen.replies);
}

async fn merchant_online(server: &TestServer) -> bool {
    let response = server.get("/api/tables/1/presence", server.table_token(1)).await;
    assert_eq!(response.status(), 200, "the page asks whether anyone would hear");
    let presence: Presence = response.json().await.expect("presence");
    presence.merchant_online
}

#[tokio::test]
async fn a_round_nobody_heard_shows_on_the_bill_until_the_kitchen_takes_it() {
    let server = TestServer::start().await;
    // The counter's app was paired once and is closed now: nobody would hear a round.
    let device = Sse::connect(
        &server.url("/api/stores/1/events?device=front-1&deviceName=%E5%89%8D%E5%8F%B0"),
        &server.merchant,
        None,
    );
    drop(device.connected().await);
    while merchant_online(&server).await {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.pay_later().await;
    let diner = server.join(2, None).await;
    let mut sees = table_stream(&server, 2, &diner.token).await;

    let r1 = round(&server, &diner, &[(KUNG_PAO, 1)]).await;
    let order_id = r1.order.order_id;
    let unheard = bill_until(&mut sees, |b| !b.unheard.is_empty()).await;
    assert_eq!(unheard.unheard, [order_id], "the round nobody heard is named");
    assert_eq!(
        table_bill(&server, 2, &diner.token).await.unheard,
        [order_id],
        "a phone that reloads reads it too"
    );

    // The counter comes back and takes the round: the escalation settles.
    server.clock.advance_secs(60);
    let accepted = server
        .post_empty(&format!("/api/orders/{order_id}/accept"), &server.merchant)
        .await;
    assert_eq!(accepted.status(), 200, "the kitchen takes the round");
    let settled = bill_until(&mut sees, |b| b.unheard.is_empty()).await;
    assert_eq!(settled.rounds[0].status, OrderStatus::Accepted);
    assert!(table_bill(&server, 2, &diner.token).await.unheard.is_empty());
}
