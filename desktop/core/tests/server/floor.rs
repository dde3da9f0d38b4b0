//! 先吃后付 at the counter through the core, against the real server: two phones at A03 order two
//! rounds, the desk hears them as changes of the table map, the floor and the bill show them; a
//! settle at the amount seen before the second round is refused (`bill_changed`) and takes
//! nothing, too little cash is refused, then cash with change settles the bill, the table is free
//! again, and the day's books have it under 现金.

use orderbell_desktop_core::ActionError;
use orderbell_desktop_core::floor::Floor;
use orderbell_shared::bills::{BillStatus, OrderingMode, PayMethod, SettleRequest, TableState};
use orderbell_shared::store::StoreSettingsPatch;
use orderbell_shared::{DinerSession, Money, OrderStatus, SubmitOrderRequest, SubmittedOrder};
use orderbell_tests::TestServer;
use serde_json::json;

use crate::App;
use crate::books::store_day;

const A03: i64 = 3;

/// `diner` puts `dishes` in the table's cart and submits it: a round of the table's bill.
pub async fn round(server: &TestServer, diner: &DinerSession, dishes: &[(i64, u32)], key: &str) -> SubmittedOrder {
    for (dish, quantity) in dishes {
        let body = json!({"tableId": diner.table_id, "cuisineId": dish, "quantity": quantity});
        assert_eq!(
            server.add(&diner.token, body).await.status(),
            200,
            "the diner adds a dish"
        );
    }
    let request = SubmitOrderRequest {
        table_id: diner.table_id,
        idempotency_key: key.to_owned(),
        cart_version: None,
    };
    let body = serde_json::to_value(request).expect("a submit request");
    let response = server.post("/api/orders", &diner.token, body).await;
    assert_eq!(response.status(), 201, "the round is submitted");
    response.json().await.expect("the submitted round")
}

pub fn yuan(cents: i64) -> Money {
    Money::from_cents(cents)
}

fn refused(error: orderbell_desktop_core::Error) -> String {
    ActionError::from(error).code
}

/// The owner switches the demo store to 先吃后付 from the app.
async fn pay_later(app: &App) {
    let patch = StoreSettingsPatch {
        ordering_mode: Some(OrderingMode::PayLater),
        ..StoreSettingsPatch::default()
    };
    app.desk
        .setup()
        .change_store(&patch)
        .await
        .expect("the owner switches to 先吃后付");
}

/// The open bill of `table_id` on the map now.
async fn bill_at(floor: &Floor, table_id: i64) -> Option<i64> {
    let map = floor.floor().await.expect("the floor");
    map.tables
        .iter()
        .find(|t| t.table_id == table_id)
        .expect("the table is on the map")
        .bill_id
}

#[tokio::test]
async fn the_counter_sees_the_table_map_and_settles_a_bill_by_cash() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let floor = app.desk.floor();
    pay_later(&app).await;

    let empty = floor.floor().await.expect("the counter reads the floor");
    assert_eq!(empty.mode, OrderingMode::PayLater);
    assert!(
        empty.tables.iter().all(|t| t.state == TableState::Free),
        "nobody seated yet"
    );

    // Two phones at A03: 宫保鸡丁×2 (76.00), then 加菜 鱼香肉丝 (32.00).
    let first = server.join(A03, None).await;
    let second = server.join(A03, Some("13800001234")).await;
    let one = round(&server, &first, &[(1001, 2)], "round-1").await;
    assert_eq!(one.order.status, OrderStatus::Submitted);
    app.until(|v| v.floor_changes >= 1).await;
    let map = floor.floor().await.expect("the floor");
    let a03 = map.tables.iter().find(|t| t.table_id == A03).expect("A03 on the map");
    assert_eq!(
        (a03.state, a03.owed, a03.rounds, a03.unserved),
        (TableState::Eating, yuan(7600), 1, 1)
    );
    let bill_id = a03.bill_id.expect("A03 has a bill");
    assert!(a03.seated_at.is_some(), "the map knows since when");
    let seen = floor.bill(bill_id).await.expect("the bill");
    assert_eq!(seen.owed, yuan(7600));

    let changes = app.desk.view().borrow().floor_changes;
    round(&server, &second, &[(1002, 1)], "round-2").await;
    app.until(|v| v.floor_changes > changes).await;
    let bill = floor.bill(bill_id).await.expect("the bill with 加菜");
    let rounds: Vec<_> = bill.rounds.iter().map(|o| (o.round, o.status)).collect();
    assert_eq!(
        rounds,
        [(Some(1), OrderStatus::Submitted), (Some(2), OrderStatus::Submitted)]
    );
    assert_eq!((bill.total, bill.owed), (yuan(10800), yuan(10800)));
    assert_eq!(bill.diners.len(), 2);
    assert!(
        bill.diners.iter().any(|d| d.label.contains("1234")),
        "a phone's label: {:?}",
        bill.diners
    );

    // Settled at the amount seen before the 加菜: refused, nothing taken.
    let stale = SettleRequest {
        method: PayMethod::Cash,
        expected_owed: seen.owed,
        received: Some(yuan(10000)),
        reason: None,
    };
    let error = floor.settle(bill_id, &stale).await.expect_err("the bill changed");
    assert_eq!(refused(error), "bill_changed");
    assert_eq!(floor.bill(bill_id).await.expect("the bill").status, BillStatus::Open);
    let short = SettleRequest {
        expected_owed: bill.owed,
        ..stale.clone()
    };
    let error = floor.settle(bill_id, &short).await.expect_err("100 is short of 108");
    assert_eq!(refused(error), "cash_short");
    let free_without_reason = SettleRequest {
        method: PayMethod::Free,
        expected_owed: bill.owed,
        received: None,
        reason: Some("  ".into()),
    };
    let error = floor
        .settle(bill_id, &free_without_reason)
        .await
        .expect_err("免单 needs a reason");
    assert_eq!(refused(error), "reason_required");

    let cash = SettleRequest {
        received: Some(yuan(20000)),
        ..short
    };
    let changes = app.desk.view().borrow().floor_changes;
    let settled = floor.settle(bill_id, &cash).await.expect("settled by cash");
    assert_eq!((settled.status, settled.owed), (BillStatus::Settled, Money::ZERO));
    let settlement = settled.settlement.expect("how it was settled");
    assert_eq!(
        (
            settlement.method,
            settlement.amount,
            settlement.received,
            settlement.change
        ),
        (PayMethod::Cash, yuan(10800), Some(yuan(20000)), Some(yuan(9200)))
    );
    assert!(!settlement.by.is_empty(), "who took the money");
    // bill_settled then table_closed: the open map reads the floor again.
    app.until(|v| v.floor_changes >= changes + 2).await;
    let map = floor.floor().await.expect("the floor after");
    let a03 = map.tables.iter().find(|t| t.table_id == A03).expect("A03 on the map");
    assert_eq!(
        (a03.state, a03.bill_id, a03.owed),
        (TableState::Free, None, Money::ZERO)
    );
    let error = floor.settle(bill_id, &cash).await.expect_err("settled once only");
    assert_eq!(refused(error), "bill_not_open");
    assert_eq!(
        floor.bill(bill_id).await.expect("still readable").status,
        BillStatus::Settled
    );

    let day = app.desk.books().day(&store_day(settlement.at)).await.expect("the day");
    let cash_total = day
        .by_method
        .iter()
        .find(|m| m.method == PayMethod::Cash)
        .expect("cash that day");
    assert_eq!(
        (cash_total.count, cash_total.amount),
        (2, yuan(10800)),
        "both rounds, under 现金"
    );
    assert_eq!((day.sales, day.received, day.bills), (yuan(10800), yuan(10800), 1));
}

#[tokio::test]
async fn the_counter_moves_a_party_merges_two_tables_and_closes_one_owing_with_a_reason() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let floor = app.desk.floor();
    pay_later(&app).await;
    let (a05, a06) = (5, 6);
    round(&server, &server.join(A03, None).await, &[(1001, 1)], "a03").await;
    round(&server, &server.join(a05, None).await, &[(1002, 1)], "a05").await;
    let party = bill_at(&floor, A03).await.expect("A03 has a bill");
    let a05_bill = bill_at(&floor, a05).await.expect("A05 has a bill");

    // 换桌: only to a free table.
    let error = floor.move_to(party, a05).await.expect_err("A05 has its own party");
    assert_eq!(refused(error), "table_occupied");
    let moved = floor.move_to(party, a06).await.expect("A03 moves to A06");
    assert_eq!(
        (moved.table_id, moved.table_number.as_str(), moved.status),
        (a06, "A06", BillStatus::Open)
    );
    assert_eq!(bill_at(&floor, A03).await, None, "A03 is free");
    assert_eq!(bill_at(&floor, a06).await, Some(party), "the same bill, at A06");

    // 并台: A06's party joins A05's bill; A06 is free.
    let error = floor.merge_into(party, A03).await.expect_err("nobody at A03");
    assert_eq!(refused(error), "no_open_bill");
    let together = floor.merge_into(party, a05).await.expect("A06 joins A05");
    assert_eq!(together.bill_id, a05_bill, "the answer is the bill joined");
    assert_eq!((together.rounds.len(), together.owed), (2, yuan(3800 + 3200)));
    assert_eq!(bill_at(&floor, a06).await, None, "A06 is free");
    let gone = floor.bill(party).await.expect("the merged bill is still readable");
    assert_eq!(
        (gone.status, gone.next_table_number.as_deref()),
        (BillStatus::Merged, Some("A05"))
    );

    // 清台 with money owed: only with a reason, booked as 未结.
    let error = floor.close(a05_bill, None).await.expect_err("70.00 is owed");
    assert_eq!(refused(error), "reason_required");
    let closed = floor
        .close(a05_bill, Some("客人有急事先走，明天来结".into()))
        .await
        .expect("closed with a reason");
    assert_eq!(closed.status, BillStatus::Closed);
    let unpaid = closed.settlement.expect("the unpaid amount is recorded");
    assert_eq!((unpaid.method, unpaid.amount), (PayMethod::Unpaid, yuan(7000)));
    assert_eq!(bill_at(&floor, a05).await, None, "A05 is free");
}
