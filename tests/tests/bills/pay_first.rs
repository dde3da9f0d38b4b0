//! 先付后吃 as before: each order is paid online before the kitchen hears of it, and is a round of
//! the table's bill all the same.

use std::time::Duration;

use orderbell_shared::bills::{BillDTO, OrderingMode};
use orderbell_shared::{Event, Money, OrderStatus};
use orderbell_tests::{PATIENCE, TestServer};

use crate::{KUNG_PAO, MAPO, get};

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
            let bill: BillDTO = get(&server, &format!("/api/bills/{bill_id}"), &server.merchant)
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
