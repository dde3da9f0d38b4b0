//! 日结 in 先吃后付: bills settled at the counter in cash and by 收款码, one paid online from the
//! phone, one closed owing money, one still eating. Each round belongs to the day its bill was settled, with the bill's method.

use orderbell_server::clock::Clock as _;
use orderbell_shared::bills::{BillDTO, PayMethod, bill_no};
use orderbell_shared::reports::{DaySummary, HistoryPage};
use orderbell_shared::{Event, Money, OrderStatus, SubmitOrderRequest, SubmittedOrder, sse};
use orderbell_tests::providers::FakeWebhook;
use orderbell_tests::{Sse, TestServer};
use serde_json::json;

use super::{get_json, later, local_date, next_local_day_at, now, returned};

fn fen(cents: i64) -> Money {
    Money::from_cents(cents)
}

fn bill_of(order: &SubmittedOrder) -> i64 {
    order.order.bill_id.expect("every round is on its table's bill")
}

async fn owed(server: &TestServer, bill_id: i64) -> Money {
    get_json::<BillDTO>(server, &format!("/api/bills/{bill_id}"), &server.merchant)
        .await
        .owed
}

async fn settle(server: &TestServer, bill_id: i64, body: serde_json::Value) -> BillDTO {
    let response = server
        .post(&format!("/api/bills/{bill_id}/settle"), &server.merchant, body)
        .await;
    assert_eq!(response.status(), 200, "the counter settles the bill");
    response.json().await.expect("the settled bill")
}

#[tokio::test]
async fn an_evening_of_bills_settled_at_the_counter_adds_up_by_method() {
    let provider = FakeWebhook::new();
    let server = TestServer::start_with(|c| {
        c.payments.webhook_secret = Some(provider.secret.parse().expect("secret"));
        c.payments.webhook_merchant_id = provider.merchant_id.clone();
    })
    .await;
    server.pay_later().await;
    next_local_day_at(&server, 18, 0);
    let evening = local_date(now(&server));

    // A01: two phones, two rounds; one drink given back (unpaid: no refund). Cash, with change.
    let first = server.order(1, &[(1001, 2)]).await;
    assert_eq!(first.order.status, OrderStatus::Submitted);
    later(&server, 20);
    let second = server.order(1, &[(1011, 2)]).await;
    assert_eq!(bill_of(&first), bill_of(&second), "加菜 joins the same bill");
    let mut phones = Sse::connect(&server.url("/api/store/order/sse/1"), server.table_token(1), None);
    phones.next_cart().await;
    let second_after = returned(&server, second.order.order_id, 0, 1, "多点了").await;
    assert_eq!(second_after.total_amount, fen(850));
    // The phones at the table see the bill change.
    let changed = async {
        loop {
            let event = phones.next_event().await;
            if event.event_type != sse::BILL_UPDATE {
                continue;
            }
            let bill: BillDTO = serde_json::from_str(&event.data).expect("bill_update carries a BillDTO");
            if bill
                .rounds
                .iter()
                .any(|r| r.order_id == second.order.order_id && r.items[0].returned_quantity == 1)
            {
                return bill;
            }
        }
    };
    let seen = tokio::time::timeout(orderbell_tests::PATIENCE, changed)
        .await
        .expect("a bill_update after 退菜");
    assert_eq!((seen.total, seen.owed), (fen(7600 + 850), fen(7600 + 850)));
    // A02: one round, paid by the store's 收款码.
    let qr = server.order(2, &[(1002, 1)]).await;
    // A03: still eating at the end of the evening.
    let eating = server.order(3, &[(1001, 1)]).await;
    // A04: the party left without paying; the counter closes the table with a reason.
    let left = server.order(4, &[(1011, 1)]).await;
    // A05: the party pays the whole bill online from the phone.
    let phone = server.join(5, None).await;
    let added = server
        .add(&phone.token, json!({"tableId": 5, "cuisineId": 1002, "quantity": 2}))
        .await;
    assert_eq!(added.status(), 200);
    let request = SubmitOrderRequest {
        table_id: 5,
        idempotency_key: "online-bill".into(),
        cart_version: None,
    };
    let submitted = server
        .post(
            "/api/orders",
            &phone.token,
            serde_json::to_value(request).expect("json"),
        )
        .await;
    assert_eq!(submitted.status(), 201);
    let online: SubmittedOrder = submitted.json().await.expect("the round");
    later(&server, 60);

    let table1 = bill_of(&first);
    let owed1 = owed(&server, table1).await;
    assert_eq!(owed1, fen(7600 + 850));
    let cash = settle(
        &server,
        table1,
        json!({"method": "cash", "expectedOwed": owed1, "received": 100}),
    )
    .await;
    let settlement = cash.settlement.expect("settled");
    assert_eq!((settlement.amount, settlement.change), (owed1, Some(fen(10000 - 8450))));
    // The phone's online payment for A01 arrives after the counter took cash: due back, once.
    let secs = server.clock.now_ms() / 1000;
    let late = provider.notify(&bill_no(table1), "TX-AFTER-CASH", owed1, secs);
    for _ in 0..2 {
        let response = server.notify("hmac", &late).await;
        assert_eq!(response.status(), 204, "acknowledged, so the provider stops");
    }
    let owed2 = owed(&server, bill_of(&qr)).await;
    settle(
        &server,
        bill_of(&qr),
        json!({"method": "store_qr", "expectedOwed": owed2}),
    )
    .await;
    let closed = server
        .post(
            &format!("/api/bills/{}/close", bill_of(&left)),
            &server.merchant,
            json!({"reason": "客人说明天来付"}),
        )
        .await;
    assert_eq!(closed.status(), 200, "closing owing money with a reason");
    let paying = server
        .post_empty(&format!("/api/bills/{}/pay", bill_of(&online)), &phone.token)
        .await;
    assert_eq!(paying.status(), 202, "the simulator takes the payment");
    let settled_online = async {
        while owed(&server, bill_of(&online)).await != Money::ZERO {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(orderbell_tests::PATIENCE, settled_online)
        .await
        .expect("the bill payment lands");

    let summary: DaySummary = get_json(
        &server,
        &format!("/api/stores/1/reports/day?date={evening}"),
        &server.merchant,
    )
    .await;
    let methods: Vec<(PayMethod, u32, Money)> = summary
        .by_method
        .iter()
        .map(|m| (m.method, m.count, m.amount))
        .collect();
    assert_eq!(
        methods,
        vec![
            (PayMethod::Cash, 2, fen(8450)),
            (PayMethod::StoreQr, 1, fen(3200)),
            (PayMethod::Online, 1, fen(6400)),
            (PayMethod::Unpaid, 1, fen(850)),
        ]
    );
    assert_eq!(
        summary.orders, 5,
        "A01's two rounds, A02, A04 and A05; A03 is still eating"
    );
    assert_eq!(summary.sales, fen(8450 + 3200 + 6400 + 850));
    assert_eq!(
        (summary.received, summary.discounts),
        (fen(8450 + 3200 + 6400), fen(850))
    );
    assert_eq!((summary.bills, summary.covers), (4, 5), "A01 had two phones");
    assert_eq!(
        (summary.refunds, summary.refund_count),
        (owed1, 1),
        "the online payment after the cash, sent twice, is one refund; 退菜 of unpaid rounds none"
    );
    assert_eq!(summary.average_ticket, fen(4725), "189.00 / 4");

    let history: HistoryPage = get_json(
        &server,
        &format!("/api/stores/1/orders/history?from={evening}&to={evening}"),
        &server.merchant,
    )
    .await;
    assert_eq!(history.total_count, 6, "A03's round is listed on the day it was made");
    assert_eq!(history.total_amount, summary.sales, "A03's round is not sold yet");
    let still = history
        .orders
        .iter()
        .find(|h| h.order.order_id == eating.order.order_id)
        .expect("A03");
    assert_eq!((still.method, still.settled_at), (None, None));
    let round = history
        .orders
        .iter()
        .find(|h| h.order.order_id == first.order.order_id)
        .expect("A01's first round");
    assert_eq!(
        (round.method, round.settled_at),
        (Some(PayMethod::Cash), Some(settlement.at))
    );

    let response = server
        .get(
            &format!("/api/stores/1/reports/day.csv?date={evening}"),
            &server.merchant,
        )
        .await;
    let text = response.text().await.expect("the CSV");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    let orders: Vec<&csv::StringRecord> = rows[1..].iter().filter(|r| r.len() == 9).collect();
    assert_eq!(orders.len(), 5);
    let total: Money = orders.iter().map(|r| r[6].parse::<Money>().expect("an amount")).sum();
    assert_eq!(total, summary.sales);
    assert!(orders.iter().any(|r| &r[7] == "收款码" && &r[3] == "1"));
    assert!(orders.iter().any(|r| &r[7] == "在线支付" && &r[6] == "64.00"));
    assert!(rows.iter().any(|r| r.len() == 2 && &r[0] == "现金" && &r[1] == "84.50"));
}

#[tokio::test]
async fn dishes_given_back_after_the_bill_was_settled_are_refunds_due_if_money_was_taken() {
    let server = TestServer::start().await;
    server.pay_later().await;
    // A01 pays cash; A02 is waived (免单). Neither kitchen started its round.
    let cash = server.order(1, &[(1001, 2)]).await;
    let free = server.order(2, &[(1002, 2)]).await;
    let owed1 = owed(&server, bill_of(&cash)).await;
    settle(
        &server,
        bill_of(&cash),
        json!({"method": "cash", "expectedOwed": owed1, "received": owed1}),
    )
    .await;
    let owed2 = owed(&server, bill_of(&free)).await;
    settle(
        &server,
        bill_of(&free),
        json!({"method": "free", "expectedOwed": owed2, "reason": "老板的朋友"}),
    )
    .await;
    let mut merchant = server.store_stream(None).await;

    returned(&server, cash.order.order_id, 0, 1, "做不出来了").await;
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(event, Event::ItemReturned(ref r) if r.refund_due == Some(fen(3800))),
        "paid in cash: due back: {event:?}"
    );
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(event, Event::RefundUpdate(ref r) if r.amount == fen(3800) && r.provider.is_none()),
        "taken in cash, so handed back at the counter, not by a provider: {event:?}"
    );
    returned(&server, free.order.order_id, 0, 1, "做不出来了").await;
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(event, Event::ItemReturned(ref r) if r.refund_due.is_none()),
        "waived: nothing to give back: {event:?}"
    );

    let today = local_date(now(&server));
    let summary: DaySummary = get_json(
        &server,
        &format!("/api/stores/1/reports/day?date={today}"),
        &server.merchant,
    )
    .await;
    assert_eq!((summary.refunds, summary.refund_count), (fen(3800), 1));
    assert_eq!(summary.sales, fen(3800 + 3200), "net of both returns");
}

#[tokio::test]
async fn merged_tables_are_one_party_settled_once() {
    let server = TestServer::start().await;
    server.pay_later().await;
    // A06 (one phone) joins A07 (two phones, two rounds) for 并台; the whole party pays by card.
    let alone = server.order(6, &[(1002, 1)]).await;
    let host = server.order(7, &[(1001, 1)]).await;
    server.order(7, &[(1011, 2)]).await;
    let merged = server
        .post(
            &format!("/api/bills/{}/merge", bill_of(&alone)),
            &server.merchant,
            json!({"tableId": 7}),
        )
        .await;
    assert_eq!(merged.status(), 200, "并台");
    let owed7 = owed(&server, bill_of(&host)).await;
    assert_eq!(owed7, fen(3200 + 3800 + 1700));
    settle(
        &server,
        bill_of(&host),
        json!({"method": "card", "expectedOwed": owed7}),
    )
    .await;

    let today = local_date(now(&server));
    let summary: DaySummary = get_json(
        &server,
        &format!("/api/stores/1/reports/day?date={today}"),
        &server.merchant,
    )
    .await;
    assert_eq!(
        (summary.orders, summary.bills, summary.covers),
        (3, 1, 3),
        "one party of three phones"
    );
    assert_eq!(summary.by_method.len(), 1);
    assert_eq!(
        (summary.by_method[0].method, summary.by_method[0].amount),
        (PayMethod::Card, owed7)
    );
    assert_eq!(summary.sales, owed7, "the settlement is the day's sales, once");
}
