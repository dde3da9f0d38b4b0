//! 换桌 and 并台: the party's bill, unfinished rounds and cart go with it; the table left is free,
//! and the phones there are sent to the new table's code.

use orderbell_shared::bills::{BillDTO, BillStatus};
use orderbell_shared::{Event, Money};
use orderbell_tests::TestServer;
use serde_json::json;

use crate::{KUNG_PAO, MAPO, act, add, bill_until, refusal, round, table_bill, table_stream};

async fn done(response: reqwest::Response) -> BillDTO {
    assert_eq!(response.status(), 200, "the counter moves the party");
    response.json().await.expect("a bill")
}

#[tokio::test]
async fn a_party_moves_to_a_free_table_with_its_bill_and_cart() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let mut merchant = server.store_stream(None).await;
    let phone = server.join(1, None).await;
    let r1 = round(&server, &phone, &[(KUNG_PAO, 1)]).await;
    let bill_id = r1.order.bill_id.expect("bill");
    merchant.next_typed().await;
    add(&server, &phone, MAPO, 2).await;
    let mut old_table = table_stream(&server, 1, &phone.token).await;
    // Someone scanned table 2 but ordered nothing: it is free to move to.
    let idle = server.join(2, None).await;

    let busy = server.join(3, None).await;
    round(&server, &busy, &[(MAPO, 1)]).await;
    merchant.next_typed().await;
    let occupied = act(&server, bill_id, "move", json!({"tableId": 3})).await;
    assert_eq!(refusal(occupied).await, (409, "table_occupied".to_owned()));
    let same = act(&server, bill_id, "move", json!({"tableId": 1})).await;
    assert_eq!(refusal(same).await, (409, "same_table".to_owned()));
    let nowhere = act(&server, bill_id, "move", json!({"tableId": 9999})).await;
    assert_eq!(refusal(nowhere).await, (404, "table_not_found".to_owned()));

    let moved = done(act(&server, bill_id, "move", json!({"tableId": 2})).await).await;
    assert_eq!(
        (moved.bill_id, moved.table_id, moved.table_number.as_str()),
        (bill_id, 2, "A02")
    );
    assert_eq!(moved.status, BillStatus::Open);
    assert_eq!(
        moved.rounds[0].table_number, "A02",
        "the kitchen serves the round at the new table"
    );
    assert_eq!(
        moved.diners.len(),
        2,
        "the phone that scanned the free table joins the party"
    );
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(&event, Event::BillMoved(m) if m.from_table_id == 1 && m.to_table_id == 2 && m.by == "店主"),
        "{event:?}"
    );
    let told = bill_until(&mut old_table, |b| b.next_table_number.is_some()).await;
    assert_eq!(
        told.next_table_number.as_deref(),
        Some("A02"),
        "the old phones learn where to go"
    );

    let cart = server.cart(2).await;
    assert_eq!(
        cart.items
            .iter()
            .map(|i| (i.cuisine_id, i.quantity))
            .collect::<Vec<_>>(),
        [(MAPO, 2)]
    );
    assert!(server.cart(1).await.items.is_empty());
    let refused = server.get("/api/tables/1/bill", &phone.token).await;
    assert_eq!(refusal(refused).await, (401, "bill_closed".to_owned()));
    assert_eq!(
        table_bill(&server, 2, &idle.token).await.bill_id,
        bill_id,
        "the phone at table 2 is on it"
    );
    let rescanned = server.join(2, None).await;
    assert_eq!(
        table_bill(&server, 2, &rescanned.token).await.bill_id,
        bill_id,
        "the same bill there"
    );
    let next_party = server.join(1, None).await;
    assert_ne!(
        table_bill(&server, 1, &next_party.token).await.bill_id,
        bill_id,
        "table 1 starts afresh"
    );
}

#[tokio::test]
async fn merging_joins_rounds_diners_and_carts_into_the_other_tables_bill() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let mut merchant = server.store_stream(None).await;
    let here = server.join(4, None).await;
    let from = round(&server, &here, &[(KUNG_PAO, 1)])
        .await
        .order
        .bill_id
        .expect("bill");
    add(&server, &here, MAPO, 2).await;
    let there = server.join(5, None).await;
    round(&server, &there, &[(MAPO, 1)]).await;
    round(&server, &there, &[(KUNG_PAO, 1)]).await;
    add(&server, &there, MAPO, 1).await;
    for _ in 0..3 {
        merchant.next_typed().await;
    }
    let mut here_sees = table_stream(&server, 4, &here.token).await;

    let nobody = act(&server, from, "merge", json!({"tableId": 6})).await;
    assert_eq!(refusal(nobody).await, (409, "no_open_bill".to_owned()));
    let joined = done(act(&server, from, "merge", json!({"tableId": 5})).await).await;
    assert_eq!(joined.table_number, "A05");
    let rounds: Vec<Option<u32>> = joined.rounds.iter().map(|r| r.round).collect();
    assert_eq!(rounds, [Some(1), Some(2), Some(3)], "the merged round is numbered on");
    assert_eq!(joined.total, Money::from_cents(2200 + 3800 + 3800));
    assert_eq!(joined.diners.len(), 2);
    let cart = server.cart(5).await;
    assert_eq!(
        cart.items
            .iter()
            .map(|i| (i.cuisine_id, i.quantity))
            .collect::<Vec<_>>(),
        [(MAPO, 3)]
    );

    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(&event, Event::TableClosed(c) if c.bill_id == from && c.status == BillStatus::Merged
            && c.next_table_number.as_deref() == Some("A05")),
        "{event:?}"
    );
    let merged = bill_until(&mut here_sees, |b| b.status == BillStatus::Merged).await;
    assert_eq!(merged.next_table_number.as_deref(), Some("A05"));
    assert_eq!(merged.owed, Money::ZERO, "its money is on the other bill now");
    let again = act(&server, from, "merge", json!({"tableId": 5})).await;
    assert_eq!(refusal(again).await, (409, "bill_not_open".to_owned()));
}

#[tokio::test]
async fn a_merge_that_would_overfill_a_cart_line_changes_nothing() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let here = server.join(7, None).await;
    add(&server, &here, KUNG_PAO, 60).await;
    let there = server.join(8, None).await;
    add(&server, &there, KUNG_PAO, 50).await;
    let from = table_bill(&server, 7, &here.token).await.bill_id;
    let full = act(&server, from, "merge", json!({"tableId": 8})).await;
    assert_eq!(refusal(full).await, (409, "cart_too_full".to_owned()));
    assert_eq!(table_bill(&server, 7, &here.token).await.status, BillStatus::Open);
    assert_eq!(server.cart(8).await.items[0].quantity, 50);
}
