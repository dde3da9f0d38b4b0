//! 先付后吃 as before: each order is paid online before the kitchen hears of it, and is a round of
//! the table's bill all the same.

use std::time::Duration;

use orderbell_shared::bills::{BillDTO, OrderingMode};
use orderbell_shared::{Event, Money, OrderStatus};
use orderbell_tests::{PATIENCE, TestServer};

use crate::{KUNG_PAO, MAPO};

#[tokio::test]
async fn pay_first_orders_are_paid_before_the_kitchen_hears_and_count_on_the_bill() {
    let server = TestServer::start().await;
    let mut merchant = server.store_stream(None).await;
    let first = server.order(3, &[(KUNG_PAO, 1)]).await;
    assert_eq!(first.order.status, OrderStatus::PendingPayment);
    assert_eq!(first.order.round, Some(1));
    let bill_id = first.order.bill_id.expect("a round of the table's bill");
    server.pay(&first).await;
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(&event, Event::OrderPaid(o) if o.order_id == first.order.order_id),
        "the store hears of it once paid, as before: {event:?}"
    );
    let second = server.order(3, &[(MAPO, 1)]).await;
    assert_eq!((second.order.bill_id, second.order.round), (Some(bill_id), Some(2)));

    let bill = async {
        loop {
            let bill: BillDTO = server
                .get(&format!("/api/bills/{bill_id}"), &server.merchant)
                .await
                .json()
                .await
                .expect("bill");
            if bill.paid.cents() > 0 {
                return bill;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let bill = tokio::time::timeout(PATIENCE, bill).await.expect("the payment lands");
    assert_eq!(bill.mode, OrderingMode::PayFirst);
    assert_eq!(bill.rounds.len(), 2, "the unpaid order is listed with its status");
    assert_eq!(bill.total, Money::from_cents(3800), "only the paid order counts");
    assert_eq!((bill.paid, bill.owed), (Money::from_cents(3800), Money::ZERO));
}

#[tokio::test]
async fn a_table_left_for_hours_with_nothing_to_make_or_pay_starts_afresh() {
    let server = TestServer::start().await;
    let order = server.order(11, &[(KUNG_PAO, 1)]).await;
    let bill_id = order.order.bill_id.expect("bill");
    server.pay(&order).await;
    let paid = async {
        while server.fetch_order(&order).await.status != OrderStatus::Paid {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(PATIENCE, paid).await.expect("the payment lands");
    let kept = server.join(11, None).await;
    server.clock.advance_secs(5 * 3600);
    let another = server.join(11, None).await;
    assert_eq!(
        crate::table_bill(&server, 11, &another.token).await.bill_id,
        bill_id,
        "a round still to be made keeps the bill, however long"
    );
    for step in ["accept", "ready", "complete"] {
        let path = format!("/api/orders/{}/{step}", order.order.order_id);
        assert_eq!(server.post_empty(&path, &server.merchant).await.status(), 200, "{step}");
    }
    server.clock.advance_secs(5 * 3600);
    let mut merchant = server.store_stream(None).await;
    let next = server.join(11, None).await;
    let fresh = crate::table_bill(&server, 11, &next.token).await;
    assert_ne!(
        fresh.bill_id, bill_id,
        "the next party does not inherit the day's orders"
    );
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(&event, Event::TableClosed(c) if c.bill_id == bill_id && c.by == "系统"),
        "{event:?}"
    );
    let old = server.get("/api/tables/11/bill", &kept.token).await;
    assert_eq!(old.status(), 401, "the phones of the party that left are done");
}
