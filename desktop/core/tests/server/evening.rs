//! A 先吃后付 evening at three tables against the real server, as the counter lives it: two
//! phones order at A03 and one adds dishes (加菜), A04 and A05 order, the counter accepts every
//! round, A04 hurries (催单), the counter takes a dish back at A05 (退菜); then A03 pays cash with
//! change, A04 by the store's 收款码 and A05 online from the phone. Checked from the desk's voice
//! log and board, the merchant's store stream (every event once, in order), the closed tables'
//! phones, and the day's books, which must add up to the fen.

use std::collections::BTreeMap;

use orderbell_desktop_core::floor::Floor;
use orderbell_desktop_core::{Action, Effect};
use orderbell_shared::bills::{BillStatus, OrderingMode, PayMethod, ReturnRequest, SettleRequest, TableState};
use orderbell_shared::reports::HistoryQuery;
use orderbell_shared::store::StoreSettingsPatch;
use orderbell_shared::{Event, Money, OrderStatus};
use orderbell_tests::{PATIENCE, TestServer};
use serde_json::json;

use crate::App;
use crate::books::store_day;
use crate::floor::{round, yuan};

const A03: i64 = 3;
const A04: i64 = 4;
const A05: i64 = 5;
/// The demo menu: 宫保鸡丁 38.00, 鱼香肉丝 32.00, 酸梅汤 8.50.
const KUNG_PAO: i64 = 1001;
const YU_XIANG: i64 = 1002;
const PLUM_DRINK: i64 = 1011;

/// What the desk says next, out loud: notifications are shown and speech played on the way, and
/// anything else (a withdrawn notification) is passed over.
async fn said(app: &mut App) -> String {
    loop {
        match app.next().await {
            Effect::Notify(note) => app.desk.shown(note.kind),
            Effect::Speak(plan) => {
                app.desk.sounded(plan.cue);
                app.desk.spoken();
                return plan.text;
            }
            _ => {}
        }
    }
}

/// The bill of `table_id` on the counter's map now.
async fn bill_of(floor: &Floor, table_id: i64) -> i64 {
    let map = floor.floor().await.expect("the floor");
    let table = map.tables.iter().find(|t| t.table_id == table_id).expect("on the map");
    table.bill_id.expect("the table has a bill")
}

/// The counter settles `bill_id` by `method` for what it owes now.
async fn settle(floor: &Floor, bill_id: i64, method: PayMethod, received: Option<Money>) -> Money {
    let owed = floor.bill(bill_id).await.expect("the bill").owed;
    let request = SettleRequest {
        method,
        expected_owed: owed,
        received,
        reason: None,
    };
    let settled = floor.settle(bill_id, &request).await.expect("the counter settles");
    assert_eq!(settled.status, BillStatus::Settled);
    owed
}

#[tokio::test]
async fn an_evening_at_three_tables_is_heard_settled_three_ways_and_adds_up_in_the_books() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let (floor, books) = (app.desk.floor(), app.desk.books());
    let mode = StoreSettingsPatch {
        ordering_mode: Some(OrderingMode::PayLater),
        ..StoreSettingsPatch::default()
    };
    app.desk
        .setup()
        .change_store(&mode)
        .await
        .expect("the owner switches to 先吃后付");

    // The evening's orders, each heard by name.
    let (a03_first, a03_second) = (
        server.join(A03, None).await,
        server.join(A03, Some("13800001234")).await,
    );
    let (a04, a05) = (server.join(A04, None).await, server.join(A05, None).await);
    let r1 = round(&server, &a03_first, &[(KUNG_PAO, 2)], "round-1").await;
    assert_eq!(said(&mut app).await, "A03号桌下单");
    let r2 = round(&server, &a04, &[(YU_XIANG, 1), (PLUM_DRINK, 2)], "round-2").await;
    assert_eq!(said(&mut app).await, "A04号桌下单");
    let r3 = round(&server, &a03_second, &[(PLUM_DRINK, 1)], "round-3").await;
    assert_eq!(said(&mut app).await, "A03号桌加菜");
    let r4 = round(&server, &a05, &[(KUNG_PAO, 1), (YU_XIANG, 1)], "round-4").await;
    assert_eq!(said(&mut app).await, "A05号桌下单");
    assert_eq!(
        (r3.order.bill_id, r3.order.round),
        (r1.order.bill_id, Some(2)),
        "加菜 is A03's round 2"
    );
    let rounds = [&r1, &r2, &r3, &r4];
    app.until(|v| v.unhandled == 4).await;
    for r in rounds {
        app.desk.act(r.order.order_id, Action::Accept).await.expect("accepted");
    }
    app.until(|v| v.unhandled == 0 && v.orders.len() == 4).await;

    // A04 hurries its round with the phone's own credential; the counter hears it.
    let hurried = server
        .post_empty(&format!("/api/orders/{}/reminders", r2.order.order_id), &a04.token)
        .await;
    assert_eq!(hurried.status(), 201, "a diner of the bill may hurry its round");
    assert_eq!(said(&mut app).await, "A04号桌催单");

    // 退菜 at A05 before it is cooked: 鱼香肉丝 is taken back and leaves the bill.
    let back = ReturnRequest {
        line: 1,
        quantity: 1,
        reason: "客人不要了".into(),
    };
    let returned = floor.return_items(r4.order.order_id, &back).await.expect("taken back");
    assert_eq!(returned.total_amount, yuan(3800));
    let view = app
        .until(|v| {
            v.orders
                .iter()
                .any(|o| o.order.order_id == r4.order.order_id && o.order.items[1].returned_quantity == 1)
        })
        .await;
    assert_eq!(view.orders.len(), 4, "a partly returned round stays on the board");
    for r in rounds {
        app.desk.act(r.order.order_id, Action::Ready).await.expect("served");
    }

    // Before paying, the map says who owes what.
    let map = floor.floor().await.expect("the floor");
    let owing: BTreeMap<i64, (TableState, Money)> = map
        .tables
        .iter()
        .filter(|t| t.bill_id.is_some())
        .map(|t| (t.table_id, (t.state, t.owed)))
        .collect();
    assert_eq!(
        owing,
        BTreeMap::from([
            (A03, (TableState::ToPay, yuan(8450))),
            (A04, (TableState::ToPay, yuan(4900))),
            (A05, (TableState::ToPay, yuan(3800))),
        ])
    );

    // Three ways to pay: cash with change, the store's 收款码, and online from the phone.
    let (b03, b04, b05) = (
        bill_of(&floor, A03).await,
        bill_of(&floor, A04).await,
        bill_of(&floor, A05).await,
    );
    assert_eq!(
        settle(&floor, b03, PayMethod::Cash, Some(yuan(10000))).await,
        yuan(8450)
    );
    let cash = floor.bill(b03).await.expect("A03's bill").settlement.expect("settled");
    assert_eq!((cash.received, cash.change), (Some(yuan(10000)), Some(yuan(1550))));
    assert_eq!(settle(&floor, b04, PayMethod::StoreQr, None).await, yuan(4900));
    let pay = server.post_empty(&format!("/api/bills/{b05}/pay"), &a05.token).await;
    assert_eq!(pay.status(), 202, "the phone pays the whole bill online");
    let paid_online = async {
        loop {
            let bill = floor.bill(b05).await.expect("A05's bill");
            if bill.status == BillStatus::Settled {
                return bill;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    let online = tokio::time::timeout(PATIENCE, paid_online)
        .await
        .expect("the payment lands");
    let online = online.settlement.expect("settled online");
    assert_eq!((online.method, online.amount), (PayMethod::Online, yuan(3800)));

    // The tables are free and the evening's phones can change nothing any more.
    let map = floor.floor().await.expect("the floor");
    assert!(
        map.tables.iter().all(|t| t.state == TableState::Free),
        "every table free again"
    );
    for diner in [&a03_first, &a03_second, &a04, &a05] {
        let body = json!({"tableId": diner.table_id, "cuisineId": KUNG_PAO, "quantity": 1});
        assert_eq!(server.add(&diner.token, body).await.status(), 401, "the party has left");
    }

    // The merchant's stream, from the start: every event once, in order, each bill settled then
    // its table closed.
    let mut stream = server.store_stream(Some(0)).await;
    let mut events = Vec::new();
    while events
        .iter()
        .filter(|(_, e)| matches!(e, Event::TableClosed(_)))
        .count()
        < 3
    {
        events.push(stream.next_typed().await);
    }
    let ids: Vec<u64> = events.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>(), "no gap, no repeat");
    let count = |want: fn(&Event) -> bool| events.iter().filter(|(_, e)| want(e)).count();
    assert_eq!(count(|e| matches!(e, Event::OrderSubmitted(_))), 4);
    assert_eq!(count(|e| matches!(e, Event::OrderReminder(_))), 1);
    assert_eq!(count(|e| matches!(e, Event::ItemReturned(_))), 1);
    assert_eq!(count(|e| matches!(e, Event::BillSettled(_))), 3);
    assert_eq!(
        count(|e| matches!(e, Event::OrderPaid(_))),
        0,
        "nothing was paid order by order"
    );
    for (i, (_, event)) in events.iter().enumerate() {
        if let Event::BillSettled(bill) = event {
            assert!(
                matches!(&events[i + 1].1, Event::TableClosed(c) if c.bill_id == bill.bill_id),
                "table_closed follows its bill_settled"
            );
        }
    }

    // 日结: the evening to the fen.
    let date = store_day(online.at);
    let day = books.day(&date).await.expect("the day");
    let method = |m: PayMethod| {
        day.by_method
            .iter()
            .find(|t| t.method == m)
            .map(|t| (t.count, t.amount))
    };
    assert_eq!(method(PayMethod::Cash), Some((2, yuan(8450))), "A03's two rounds");
    assert_eq!(method(PayMethod::StoreQr), Some((1, yuan(4900))));
    assert_eq!(method(PayMethod::Online), Some((1, yuan(3800))));
    assert_eq!(day.by_method.len(), 3, "no other method: {:?}", day.by_method);
    assert_eq!(
        (day.sales, day.received, day.discounts),
        (yuan(17150), yuan(17150), Money::ZERO)
    );
    assert_eq!((day.orders, day.bills, day.covers), (4, 3, 4));
    assert_eq!(
        (day.refunds, day.refund_count),
        (Money::ZERO, 0),
        "the returned dish was never paid"
    );
    assert_eq!(day.average_ticket, yuan(5717), "171.50 over three tables");
    let top = &day.top_dishes[0];
    assert_eq!((top.cuisine_id, top.quantity, top.amount), (KUNG_PAO, 3, yuan(11400)));
    assert_eq!(day.hours.len(), 24);
    assert_eq!(day.hours.iter().map(|h| h.amount).sum::<Money>(), day.sales);

    let history = books
        .history(&HistoryQuery {
            from: date.clone(),
            to: date,
            ..HistoryQuery::default()
        })
        .await
        .expect("the evening's orders");
    assert_eq!((history.total_count, history.total_amount), (4, day.sales));
    assert!(
        history.orders.iter().all(|o| o.order.status == OrderStatus::Ready),
        "served, and settled with their bills"
    );
}
