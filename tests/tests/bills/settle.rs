//! Settling at the counter: each method recorded with who and how, refusals with their codes, and
//! the table free for the next party — whose scan starts a fresh bill while the previous party's
//! phones can change nothing.

use orderbell_shared::bills::{BillDTO, BillStatus, PayMethod};
use orderbell_shared::ws::{AddItem, CartCommand};
use orderbell_shared::{Event, Money};
use orderbell_tests::{TestServer, Ws};
use serde_json::json;

use crate::{KUNG_PAO, MAPO, act, add, bill_until, refusal, round, submit, table_bill, table_stream};

async fn settled(response: reqwest::Response) -> BillDTO {
    assert_eq!(response.status(), 200, "the counter settles the bill");
    response.json().await.expect("the settled bill")
}

#[tokio::test]
async fn every_method_is_recorded_with_who_and_how() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let mut merchant = server.store_stream(None).await;
    let mut bills = Vec::new();
    for table in 1..=5 {
        let diner = server.join(table, None).await;
        bills.push(
            round(&server, &diner, &[(KUNG_PAO, 2)])
                .await
                .order
                .bill_id
                .expect("bill"),
        );
        merchant.next_typed().await; // order_submitted
    }
    let diner = server.join(1, None).await;
    let mut phone = table_stream(&server, 1, &diner.token).await;

    let owed = json!(76.00);
    let (status, code) = refusal(
        act(
            &server,
            bills[0],
            "settle",
            json!({"method": "online", "expectedOwed": owed}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (400, "invalid_method"),
        "online is the customer's"
    );
    let short = json!({"method": "cash", "expectedOwed": owed, "received": 50});
    assert_eq!(
        refusal(act(&server, bills[0], "settle", short).await).await,
        (400, "cash_short".to_owned())
    );
    let no_cash = json!({"method": "cash", "expectedOwed": owed});
    assert_eq!(
        refusal(act(&server, bills[0], "settle", no_cash).await).await,
        (400, "cash_short".to_owned())
    );
    let card_received = json!({"method": "card", "expectedOwed": owed, "received": 100});
    assert_eq!(
        refusal(act(&server, bills[0], "settle", card_received).await).await,
        (400, "invalid_received".to_owned())
    );
    let free = json!({"method": "free", "expectedOwed": owed, "reason": "   "});
    assert_eq!(
        refusal(act(&server, bills[0], "settle", free).await).await,
        (400, "reason_required".to_owned())
    );

    let cash = settled(
        act(
            &server,
            bills[0],
            "settle",
            json!({"method": "cash", "expectedOwed": owed, "received": 100}),
        )
        .await,
    )
    .await;
    assert_eq!(cash.status, BillStatus::Settled);
    assert_eq!(cash.owed, Money::ZERO);
    let s = cash.settlement.clone().expect("a settlement");
    assert_eq!((s.method, s.amount), (PayMethod::Cash, Money::from_cents(7600)));
    assert_eq!(
        (s.received, s.change),
        (Some(Money::from_cents(10000)), Some(Money::from_cents(2400)))
    );
    assert_eq!(s.by, "店主", "who took the money: the device's name");

    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(&event, Event::BillSettled(b) if b.bill_id == bills[0] && b.settlement.is_some()),
        "{event:?}"
    );
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(&event, Event::TableClosed(c) if c.bill_id == bills[0] && c.status == BillStatus::Settled),
        "{event:?}"
    );
    let seen = bill_until(&mut phone, |b| b.status == BillStatus::Settled).await;
    assert_eq!(seen.settlement, cash.settlement, "the table's phones see it settled");

    for (bill, method, reason) in [
        (bills[1], "store_qr", None),
        (bills[2], "card", None),
        (bills[3], "credit", Some("张总公司月结")),
        (bills[4], "free", Some("老板请客")),
    ] {
        let body = json!({"method": method, "expectedOwed": owed, "reason": reason});
        let done = settled(act(&server, bill, "settle", body).await).await;
        let s = done.settlement.expect("a settlement");
        assert_eq!(s.method.as_str(), method);
        assert_eq!(s.amount, Money::from_cents(7600));
        assert_eq!(s.reason.as_deref(), reason);
        assert_eq!(done.close_reason.as_deref(), reason);
        assert_eq!((s.received, s.change), (None, None));
    }
}

#[tokio::test]
async fn a_bill_is_settled_once_and_only_as_the_counter_saw_it() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let first = server.join(2, None).await;
    let bill_id = round(&server, &first, &[(KUNG_PAO, 1)])
        .await
        .order
        .bill_id
        .expect("bill");
    let shown = table_bill(&server, 2, &server.merchant).await;
    assert_eq!(shown.owed, Money::from_cents(3800));

    // A phone adds a round while the counter has the old total on screen.
    round(&server, &first, &[(MAPO, 1)]).await;
    let stale = json!({"method": "card", "expectedOwed": shown.owed});
    assert_eq!(
        refusal(act(&server, bill_id, "settle", stale).await).await,
        (409, "bill_changed".to_owned()),
        "nothing is taken for a bill the counter did not see"
    );
    let fresh = table_bill(&server, 2, &server.merchant).await;
    assert_eq!(fresh.owed, Money::from_cents(6000));
    let body = json!({"method": "card", "expectedOwed": fresh.owed});
    let done = settled(act(&server, bill_id, "settle", body.clone()).await).await;
    assert_eq!(done.settlement.expect("settled").amount, Money::from_cents(6000));
    assert_eq!(
        refusal(act(&server, bill_id, "settle", body).await).await,
        (409, "bill_not_open".to_owned()),
        "settling twice takes nothing twice"
    );
    let kitchen = server
        .post(&format!("/api/bills/{bill_id}/close"), &server.kitchen, json!({}))
        .await;
    assert_eq!(refusal(kitchen).await, (403, "role_not_allowed".to_owned()));
}

#[tokio::test]
async fn after_the_party_leaves_its_phones_change_nothing_and_the_next_scan_starts_afresh() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let old = server.join(5, None).await;
    let bill_id = round(&server, &old, &[(KUNG_PAO, 1)])
        .await
        .order
        .bill_id
        .expect("bill");
    add(&server, &old, MAPO, 1).await;
    let mut socket = Ws::connect(&server.ws_url(&format!("/ws/cart/5?token={}", old.token)))
        .await
        .expect("WebSocket");
    socket.next().await; // connected
    let body = json!({"method": "cash", "expectedOwed": 38, "received": 38});
    settled(act(&server, bill_id, "settle", body).await).await;

    // A socket opened before the party left changes nothing after.
    let add_item = CartCommand::AddItem(AddItem {
        cuisine_id: MAPO,
        quantity: 1,
        remark: None,
    });
    socket.send(&add_item).await;
    let reply = socket.reply().await;
    assert_eq!(reply.code.as_deref(), Some("bill_closed"), "{reply:?}");

    let add_body = json!({"tableId": 5, "cuisineId": MAPO, "quantity": 1});
    assert_eq!(
        refusal(server.add(&old.token, add_body).await).await,
        (401, "bill_closed".to_owned())
    );
    assert_eq!(
        refusal(submit(&server, &old).await).await,
        (401, "bill_closed".to_owned())
    );
    assert_eq!(
        refusal(server.get("/api/tables/5/bill", &old.token).await).await,
        (401, "bill_closed".to_owned())
    );
    let past = server.get(&format!("/api/bills/{bill_id}"), &old.token).await;
    assert_eq!(past.status(), 200, "the party's phones still read what they paid");
    let past: BillDTO = past.json().await.expect("bill");
    assert_eq!(past.status, BillStatus::Settled);

    let next = server.join(5, None).await;
    assert!(server.cart(5).await.items.is_empty(), "the party's cart left with it");
    let fresh = table_bill(&server, 5, &next.token).await;
    assert_ne!(fresh.bill_id, bill_id, "a fresh bill");
    assert!(fresh.rounds.is_empty());
    let other = server.get(&format!("/api/bills/{bill_id}"), &next.token).await;
    assert_eq!(
        other.status(),
        403,
        "the next party does not read the previous one's bill"
    );
    let r1 = round(&server, &next, &[(MAPO, 1)]).await;
    assert_eq!((r1.order.bill_id, r1.order.round), (Some(fresh.bill_id), Some(1)));
}

#[tokio::test]
async fn closing_a_table_that_owes_needs_a_reason() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let mut merchant = server.store_stream(None).await;
    let diner = server.join(6, None).await;
    let bill_id = round(&server, &diner, &[(KUNG_PAO, 1)])
        .await
        .order
        .bill_id
        .expect("bill");
    merchant.next_typed().await;
    assert_eq!(
        refusal(act(&server, bill_id, "close", json!({})).await).await,
        (400, "reason_required".to_owned())
    );
    let closed = act(&server, bill_id, "close", json!({"reason": "客人跑单，已报警"})).await;
    assert_eq!(closed.status(), 200);
    let closed: BillDTO = closed.json().await.expect("bill");
    assert_eq!(closed.status, BillStatus::Closed);
    let unpaid = closed.settlement.expect("recorded as 未结");
    assert_eq!(
        (unpaid.method, unpaid.amount),
        (PayMethod::Unpaid, Money::from_cents(3800))
    );
    assert_eq!(closed.close_reason.as_deref(), Some("客人跑单，已报警"));
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(&event, Event::TableClosed(c) if c.status == BillStatus::Closed && c.reason.is_some()),
        "{event:?}"
    );

    // A party that ordered nothing is cleared without a word.
    server.join(6, None).await;
    let empty = table_bill(&server, 6, &server.merchant).await;
    assert_eq!(
        refusal(
            act(
                &server,
                empty.bill_id,
                "settle",
                json!({"method": "card", "expectedOwed": 0})
            )
            .await
        )
        .await,
        (409, "nothing_owed".to_owned()),
        "nothing to settle: that is 清台"
    );
    let cleared = act(&server, empty.bill_id, "close", json!({})).await;
    assert_eq!(cleared.status(), 200);
    let cleared: BillDTO = cleared.json().await.expect("bill");
    assert_eq!((cleared.status, cleared.settlement), (BillStatus::Closed, None));
    assert_eq!(
        refusal(
            act(
                &server,
                empty.bill_id,
                "settle",
                json!({"method": "card", "expectedOwed": 0})
            )
            .await
        )
        .await,
        (409, "bill_not_open".to_owned())
    );
}
