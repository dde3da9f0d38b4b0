//! 先吃后付 at one table with two phones: each submit is a round of the table's one bill, sent to
//! the kitchen at once and seen by every phone at the table.

use orderbell_shared::bills::{BillStatus, FloorDTO, OrderingMode, TableState};
use orderbell_shared::{Event, Money, OrderDTO, OrderStatus};
use orderbell_tests::{TestServer, Ws};

use crate::{KUNG_PAO, MAPO, YU_XIANG, bill_until, refusal, round, table_bill, table_stream};

#[tokio::test]
async fn two_phones_share_the_tables_bill_round_by_round() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let mut merchant = server.store_stream(None).await;
    let first = server.join(1, Some("138 0000 1234")).await;
    let second = server.join(1, None).await;
    let mut first_sees = table_stream(&server, 1, &first.token).await;
    let ws_url = server.ws_url(&format!("/ws/cart/1?token={}", second.token));
    let mut second_sees = Ws::connect(&ws_url).await.expect("WebSocket");

    let r1 = round(&server, &first, &[(KUNG_PAO, 2)]).await;
    assert_eq!(
        r1.order.status,
        OrderStatus::Submitted,
        "no payment first: the kitchen has it"
    );
    assert_eq!(r1.order.round, Some(1));
    let bill_id = r1.order.bill_id.expect("a round of the table's bill");

    let seen = bill_until(&mut first_sees, |b| b.rounds.len() == 1).await;
    assert_eq!(seen.bill_id, bill_id);
    assert_eq!(seen.mode, OrderingMode::PayLater);
    assert_eq!(seen.total, Money::from_cents(7600));
    assert_eq!(seen.owed, Money::from_cents(7600), "nothing paid yet");
    let labels: Vec<&str> = seen.diners.iter().map(|d| d.label.as_str()).collect();
    assert_eq!(
        labels,
        ["尾号1234", "食客2"],
        "diners are named by phone or by when they joined"
    );
    let other_phone = loop {
        let bill = second_sees.next_bill().await;
        if bill.rounds.len() == 1 {
            break bill;
        }
    };
    assert_eq!(
        other_phone.rounds[0].order_id, r1.order.order_id,
        "the other phone sees the round"
    );

    let (first_id, event) = merchant.next_typed().await;
    assert!(
        matches!(&event, Event::OrderSubmitted(o) if o.order_id == r1.order.order_id && o.round == Some(1)),
        "the store hears of the round at once: {event:?}"
    );

    // 加菜 from the other phone: round 2 of the same bill.
    let r2 = round(&server, &second, &[(MAPO, 1), (YU_XIANG, 1)]).await;
    assert_eq!((r2.order.bill_id, r2.order.round), (Some(bill_id), Some(2)));
    let seen = bill_until(&mut first_sees, |b| b.rounds.len() == 2).await;
    assert_eq!(seen.total, Money::from_cents(7600 + 2200 + 3200));
    let rounds: Vec<Option<u32>> = seen.rounds.iter().map(|r| r.round).collect();
    assert_eq!(rounds, [Some(1), Some(2)]);
    let (second_id, event) = merchant.next_typed().await;
    assert!(
        matches!(&event, Event::OrderSubmitted(o) if o.round == Some(2)),
        "{event:?}"
    );

    // A merchant that was away picks up from the first round and hears the second, once.
    let mut resumed = server.store_stream(Some(first_id)).await;
    let (id, event) = resumed.next_typed().await;
    assert_eq!(id, second_id);
    assert!(matches!(&event, Event::OrderSubmitted(o) if o.order_id == r2.order.order_id));

    // The kitchen takes it on as a paid order; any phone at the table may 催 any round.
    let accepted = server
        .post_empty(&format!("/api/orders/{}/accept", r1.order.order_id), &server.merchant)
        .await;
    assert_eq!(accepted.status(), 200);
    let accepted: OrderDTO = accepted.json().await.expect("order");
    assert_eq!(accepted.status, OrderStatus::Accepted);
    let seen = bill_until(&mut first_sees, |b| b.rounds[0].status == OrderStatus::Accepted).await;
    assert_eq!(
        seen.rounds[1].status,
        OrderStatus::Submitted,
        "each round shows its own status"
    );
    let reminded = server
        .post_empty(&format!("/api/orders/{}/reminders", r2.order.order_id), &first.token)
        .await;
    assert_eq!(reminded.status(), 201, "催单 of a round another phone submitted");
    let read = server
        .get(&format!("/api/orders/{}", r2.order.order_id), &first.token)
        .await;
    assert_eq!(read.status(), 200, "a phone at the table reads every round of its bill");
    let elsewhere = server.join(2, None).await;
    let refused = server
        .get(&format!("/api/orders/{}", r2.order.order_id), &elsewhere.token)
        .await;
    assert_eq!(refused.status(), 403, "another table's phone does not");

    let bill = table_bill(&server, 1, &server.merchant).await;
    assert_eq!(bill.rounds.len(), 2);
    let floor = server.get("/api/stores/1/floor", &server.merchant).await;
    assert_eq!(floor.status(), 200);
    let floor: FloorDTO = floor.json().await.expect("floor");
    assert_eq!(floor.mode, OrderingMode::PayLater);
    let table = |id: i64| {
        floor
            .tables
            .iter()
            .find(|t| t.table_id == id)
            .expect("every table is on the map")
    };
    let one = table(1);
    assert_eq!((one.state, one.rounds, one.unserved), (TableState::Eating, 2, 2));
    assert_eq!((one.bill_id, one.owed), (Some(bill_id), Money::from_cents(13000)));
    assert_eq!(
        table(2).state,
        TableState::Ordering,
        "a phone joined, nothing submitted"
    );
    assert_eq!(table(3).state, TableState::Free);
    let kitchen = refusal(server.get("/api/stores/1/floor", &server.kitchen).await).await;
    assert_eq!(
        kitchen,
        (403, "role_not_allowed".to_owned()),
        "the kitchen takes no payments"
    );
}

#[tokio::test]
async fn a_table_without_a_party_has_no_open_bill() {
    let server = TestServer::start().await;
    let response = server.get("/api/tables/4/bill", &server.merchant).await;
    assert_eq!(refusal(response).await, (404, "no_open_bill".to_owned()));
    let diner = server.join(4, None).await;
    let bill = table_bill(&server, 4, &diner.token).await;
    assert_eq!(bill.status, BillStatus::Open, "joining opens the bill");
    assert!(bill.rounds.is_empty());
    assert_eq!(bill.mode, OrderingMode::PayFirst, "in the store's mode when it opened");
}
