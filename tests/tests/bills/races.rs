//! The races of dine-in, each with one clear outcome and no money counted twice: a table closed
//! while a phone is submitting, and an online payment of the bill while the counter takes cash.

use orderbell_server::clock::Clock as _;
use orderbell_shared::bills::{BillDTO, BillStatus, PayMethod, bill_no};
use orderbell_shared::events::AnomalyKind;
use orderbell_shared::{Event, Money};
use orderbell_tests::providers::FakeWebhook;
use orderbell_tests::{Sse, TestServer};
use serde_json::json;

use crate::{KUNG_PAO, MAPO, act, add, refusal, round, submit, table_bill};

/// A server that trusts the fake Standard Webhooks sender (the simulator signs the same way).
async fn server_with_webhook() -> (TestServer, FakeWebhook) {
    let webhook = FakeWebhook::new();
    let server = TestServer::start_with(|c| {
        c.payments.webhook_secret = Some(webhook.secret.parse().expect("secret"));
        c.payments.webhook_merchant_id = webhook.merchant_id.clone();
    })
    .await;
    server.pay_later().await;
    (server, webhook)
}

async fn notify(server: &TestServer, webhook: &FakeWebhook, bill_id: i64, transaction: &str, amount: Money) -> u16 {
    let signed = webhook.notify(&bill_no(bill_id), transaction, amount, server.clock.now_ms() / 1000);
    let response = server.notify("hmac", &signed).await;
    response.status().as_u16()
}

async fn bill(server: &TestServer, bill_id: i64) -> BillDTO {
    server
        .get(&format!("/api/bills/{bill_id}"), &server.merchant)
        .await
        .json()
        .await
        .expect("bill")
}

/// The store's next events up to and including the first that `last` matches.
async fn events_until(merchant: &mut Sse, last: impl Fn(&Event) -> bool) -> Vec<Event> {
    let mut seen = Vec::new();
    loop {
        let (_, event) = merchant.next_typed().await;
        let done = last(&event);
        seen.push(event);
        if done {
            return seen;
        }
    }
}

#[tokio::test]
async fn a_table_closed_while_a_phone_submits_keeps_the_round_or_refuses_it() {
    let server = TestServer::start().await;
    server.pay_later().await;
    for table in [7, 8, 9] {
        let diner = server.join(table, None).await;
        let bill_id = round(&server, &diner, &[(KUNG_PAO, 1)])
            .await
            .order
            .bill_id
            .expect("bill");
        add(&server, &diner, MAPO, 1).await;
        let settle = act(
            &server,
            bill_id,
            "settle",
            json!({"method": "card", "expectedOwed": 38}),
        );
        let (submitted, settled) = tokio::join!(submit(&server, &diner), settle);
        let after = bill(&server, bill_id).await;
        match (submitted.status().as_u16(), settled.status().as_u16()) {
            (201, 409) => {
                assert_eq!(refusal(settled).await.1, "bill_changed");
                assert_eq!(after.status, BillStatus::Open, "the round came first: the bill goes on");
                assert_eq!(after.owed, Money::from_cents(6000));
            }
            (401, 200) => {
                assert_eq!(refusal(submitted).await.1, "bill_closed");
                assert_eq!(
                    after.status,
                    BillStatus::Settled,
                    "the table closed first: the round never was"
                );
                assert_eq!(after.rounds.len(), 1);
                assert!(
                    server.cart(table).await.items.is_empty(),
                    "its cart left with the party"
                );
            }
            other => panic!("a race with no clear outcome: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_online_payment_after_the_counter_took_cash_is_owed_back_once() {
    let (server, webhook) = server_with_webhook().await;
    let mut merchant = server.store_stream(None).await;
    let diner = server.join(1, None).await;
    let bill_id = round(&server, &diner, &[(KUNG_PAO, 1)])
        .await
        .order
        .bill_id
        .expect("bill");
    let cash = act(
        &server,
        bill_id,
        "settle",
        json!({"method": "cash", "expectedOwed": 38, "received": 50}),
    )
    .await;
    assert_eq!(cash.status(), 200);
    for _ in 0..3 {
        // The provider retries; the payment is one payment.
        assert_eq!(
            notify(&server, &webhook, bill_id, "TXLATE1", Money::from_cents(3800)).await,
            204
        );
    }
    let events = events_until(&mut merchant, |e| matches!(e, Event::PaymentAnomaly(_))).await;
    let Some(Event::PaymentAnomaly(anomaly)) = events.last() else {
        unreachable!("events_until ends on an anomaly")
    };
    assert_eq!(anomaly.order_no, bill_no(bill_id), "the bill's number, as it was paid");
    assert_eq!(
        (anomaly.kind, anomaly.amount),
        (AnomalyKind::DuplicatePayment, Money::from_cents(3800))
    );
    let settled = bill(&server, bill_id).await;
    assert_eq!(
        settled.settlement.expect("settled").method,
        PayMethod::Cash,
        "cash stands"
    );

    // Only one anomaly was raised, and one refund: up to the next thing that happened, only
    // that refund's progress (owed, then refunded by the simulator) may come between.
    let marker = server.join(2, None).await;
    round(&server, &marker, &[(MAPO, 1)]).await;
    let between = events_until(&mut merchant, |e| matches!(e, Event::OrderSubmitted(_))).await;
    let between = &between[..between.len() - 1];
    assert!(
        between
            .iter()
            .all(|e| matches!(e, Event::RefundUpdate(r) if r.transaction_id.as_deref() == Some("TXLATE1"))),
        "a repeated notification raised nothing: {between:?}"
    );
}

#[tokio::test]
async fn cash_after_an_online_payment_is_refused_and_the_payment_counts_once() {
    let (server, webhook) = server_with_webhook().await;
    let diner = server.join(1, None).await;
    let bill_id = round(&server, &diner, &[(KUNG_PAO, 1)])
        .await
        .order
        .bill_id
        .expect("bill");
    for _ in 0..2 {
        assert_eq!(
            notify(&server, &webhook, bill_id, "TXONLINE1", Money::from_cents(3800)).await,
            204
        );
    }
    let paid = bill(&server, bill_id).await;
    assert_eq!(paid.status, BillStatus::Settled);
    let s = paid.settlement.expect("settled online");
    assert_eq!(
        (s.method, s.amount, s.by.as_str()),
        (PayMethod::Online, Money::from_cents(3800), "顾客在线支付")
    );
    assert_eq!(
        (s.provider.as_deref(), s.transaction_id.as_deref()),
        (Some("hmac"), Some("TXONLINE1"))
    );
    let cash = act(
        &server,
        bill_id,
        "settle",
        json!({"method": "cash", "expectedOwed": 38, "received": 50}),
    )
    .await;
    assert_eq!(refusal(cash).await, (409, "bill_not_open".to_owned()));
}

#[tokio::test]
async fn a_payment_for_what_the_bill_owed_before_a_new_round_settles_nothing() {
    let (server, webhook) = server_with_webhook().await;
    let mut merchant = server.store_stream(None).await;
    let diner = server.join(1, None).await;
    let bill_id = round(&server, &diner, &[(KUNG_PAO, 1)])
        .await
        .order
        .bill_id
        .expect("bill");
    round(&server, &diner, &[(MAPO, 1)]).await;
    assert_eq!(
        notify(&server, &webhook, bill_id, "TXOLD", Money::from_cents(3800)).await,
        204
    );
    let events = events_until(&mut merchant, |e| matches!(e, Event::PaymentAnomaly(_))).await;
    assert!(!events.iter().any(|e| matches!(e, Event::BillSettled(_))), "{events:?}");
    let open = table_bill(&server, 1, &diner.token).await;
    assert_eq!((open.status, open.owed), (BillStatus::Open, Money::from_cents(6000)));
}

#[tokio::test]
async fn paying_online_while_the_counter_takes_cash_settles_the_bill_once() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let mut merchant = server.store_stream(None).await;
    let diner = server.join(3, None).await;
    let bill_id = round(&server, &diner, &[(KUNG_PAO, 2)])
        .await
        .order
        .bill_id
        .expect("bill");
    merchant.next_typed().await;
    let pay = server.post_empty(&format!("/api/bills/{bill_id}/pay"), &diner.token);
    let cash = act(
        &server,
        bill_id,
        "settle",
        json!({"method": "cash", "expectedOwed": 76, "received": 100}),
    );
    let (pay, cash) = tokio::join!(pay, cash);
    let (pay, cash) = (pay.status().as_u16(), cash.status().as_u16());
    let settled = |e: &Event| matches!(e, Event::BillSettled(b) if b.bill_id == bill_id);
    let events = match (pay, cash) {
        // Cash first, the payment after: owed back.
        (202, 200) => events_until(&mut merchant, |e| matches!(e, Event::PaymentAnomaly(_))).await,
        // The payment landed first: the counter is told the bill is settled.
        (202, 409) => events_until(&mut merchant, |e| matches!(e, Event::TableClosed(_))).await,
        // The counter closed the table before the phone paid: its credential is refused (401
        // bill_closed), or, had it just passed that check, the bill is no longer open (409
        // bill_not_open). Either way nothing is charged.
        (401 | 409, 200) => events_until(&mut merchant, |e| matches!(e, Event::TableClosed(_))).await,
        other => panic!("a race with no clear outcome: {other:?}"),
    };
    assert_eq!(
        events.iter().filter(|e| settled(e)).count(),
        1,
        "settled once: {events:?}"
    );
    let done = bill(&server, bill_id).await;
    let method = done.settlement.expect("settled").method;
    assert_eq!(
        method,
        if cash == 200 {
            PayMethod::Cash
        } else {
            PayMethod::Online
        }
    );
}

#[tokio::test]
async fn two_phones_submitting_at_once_make_one_round() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let (first, second) = (server.join(10, None).await, server.join(10, None).await);
    add(&server, &first, KUNG_PAO, 1).await;
    add(&server, &second, MAPO, 1).await;
    let (a, b) = tokio::join!(submit(&server, &first), submit(&server, &second));
    let mut outcomes = [a.status().as_u16(), b.status().as_u16()];
    outcomes.sort_unstable();
    assert_eq!(
        outcomes,
        [201, 422],
        "one round takes the whole cart, the other finds it empty"
    );
    let loser = if a.status() == 201 { b } else { a };
    assert_eq!(refusal(loser).await.1, "cart_empty");
    let bill = table_bill(&server, 10, &first.token).await;
    assert_eq!(bill.rounds.len(), 1);
    assert_eq!(bill.rounds[0].items.len(), 2, "both phones' dishes, once");
    assert_eq!(bill.owed, Money::from_cents(3800 + 2200));
}
