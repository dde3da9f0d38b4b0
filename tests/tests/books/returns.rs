//! 退菜: what may go back, the refund due when it was paid, the events the kitchen and the
//! customer hear, and one outcome when two counters give back the last portion at once.

use orderbell_shared::reports::DaySummary;
use orderbell_shared::{Actor, Event, Money, OrderStatus};
use orderbell_tests::TestServer;

use super::{counter, get_json, give_back, local_date, now, refused, returned};

#[tokio::test]
async fn each_refusal_has_its_code_and_says_what_to_do() {
    let server = TestServer::start().await;
    let order = server.paid(1, &[(1001, 2), (1011, 1)]).await;
    let id = order.order.order_id;
    let back = |line, quantity, reason: &str| give_back(&server, &server.merchant, id, line, quantity, reason);

    refused(back(2, 1, "上错了").await, 400, "invalid_line").await;
    refused(back(0, 0, "上错了").await, 400, "return_too_many").await;
    let too_many = refused(back(0, 3, "上错了").await, 400, "return_too_many").await;
    assert_eq!(too_many.message, "这一行最多还能退 2 份");
    refused(back(0, 1, "   ").await, 400, "reason_required").await;
    refused(back(0, 1, &"太".repeat(51)).await, 400, "reason_required").await;
    // The kitchen cooks; it does not take money back. Another store sees nothing.
    refused(
        give_back(&server, &server.kitchen, id, 0, 1, "上错了").await,
        403,
        "role_not_allowed",
    )
    .await;
    refused(
        give_back(&server, &server.other_merchant, id, 0, 1, "上错了").await,
        403,
        "forbidden",
    )
    .await;
    let after_one = returned(&server, id, 0, 1, "上错了").await;
    let again = refused(back(0, 2, "上错了").await, 400, "return_too_many").await;
    assert_eq!(again.message, "这一行最多还能退 1 份", "one of two is already back");
    assert_eq!(after_one.items[0].returned_quantity, 1);

    // Cooked dishes stay: ready (and later) orders are not returnable.
    let step = |name: &'static str| server.post_empty(&format!("/api/orders/{id}/{name}"), &server.merchant);
    assert_eq!(step("accept").await.status(), 200);
    assert_eq!(step("ready").await.status(), 200);
    let cooked = refused(back(1, 1, "不要了").await, 409, "not_returnable").await;
    assert_eq!(cooked.current_status, Some(OrderStatus::Ready));
    // An unpaid order is the customer's to cancel.
    let unpaid = server.order(2, &[(1002, 1)]).await;
    refused(
        give_back(&server, &server.merchant, unpaid.order.order_id, 0, 1, "不要了").await,
        409,
        "not_returnable",
    )
    .await;
    refused(
        give_back(&server, &server.merchant, 999_999, 0, 1, "不要了").await,
        404,
        "order_not_found",
    )
    .await;
}

#[tokio::test]
async fn a_paid_line_given_back_is_a_refund_due_heard_by_the_store_and_the_customer() {
    let server = TestServer::start().await;
    let front = counter(&server, "前台电脑").await;
    let order = server.paid(3, &[(1001, 2), (1011, 1)]).await;
    let id = order.order.order_id;
    let mut merchant = server.store_stream(None).await;

    let response = give_back(&server, &front, id, 1, 1, " 酸梅汤洒了 ").await;
    assert_eq!(response.status(), 200);
    let after: orderbell_shared::OrderDTO = response.json().await.expect("the order");
    assert_eq!(after.status, OrderStatus::Paid, "part of the order is still coming");
    assert_eq!(after.total_amount, Money::from_cents(7600), "net of the returned drink");
    assert_eq!(
        (after.items[1].returned_quantity, after.items[1].subtotal_amount),
        (1, Money::ZERO)
    );

    let (seq, event) = merchant.next_typed().await;
    let Event::ItemReturned(heard) = event else {
        panic!("the store hears of the return: {event:?}")
    };
    assert_eq!(
        (heard.order_id, heard.line, heard.cuisine_name.as_str(), heard.quantity),
        (id, 1, "酸梅汤", 1)
    );
    assert_eq!(
        (heard.amount, heard.refund_due),
        (Money::from_cents(850), Some(Money::from_cents(850)))
    );
    assert_eq!((heard.reason.as_str(), heard.by.as_str()), ("酸梅汤洒了", "前台电脑"));
    assert_eq!((heard.table_number.as_str(), &heard.order), ("A03", &after));

    // Durable: a merchant who was away replays it from the journal, with the same id.
    let mut back = orderbell_tests::Sse::connect(&server.url("/api/stores/1/events"), &server.merchant, Some(seq - 1));
    let (again, replayed) = back.next_typed().await;
    assert_eq!(again, seq);
    assert!(
        matches!(replayed, Event::ItemReturned(ref r) if r.order == after),
        "{replayed:?}"
    );

    // The customer's page hears it on the order's stream.
    let mut customer = server.order_stream(&order);
    let heard_by_customer = async {
        loop {
            if let (_, Event::ItemReturned(r)) = customer.next_typed().await {
                return r;
            }
        }
    };
    let theirs = tokio::time::timeout(orderbell_tests::PATIENCE, heard_by_customer)
        .await
        .expect("the order stream carries the return");
    assert_eq!(theirs.refund_due, Some(Money::from_cents(850)));

    let today = local_date(now(&server));
    let summary: DaySummary = get_json(&server, &format!("/api/stores/1/reports/day?date={today}"), &front).await;
    assert_eq!((summary.refunds, summary.refund_count), (Money::from_cents(850), 1));
    assert_eq!(summary.sales, Money::from_cents(7600), "sales are net of 退菜");
}

#[tokio::test]
async fn giving_back_everything_cancels_the_order_with_the_reason() {
    let server = TestServer::start().await;
    let order = server.paid(4, &[(1002, 2)]).await;
    let id = order.order.order_id;
    let mut merchant = server.store_stream(None).await;

    let after = returned(&server, id, 0, 2, "客人有急事走了").await;
    assert_eq!(after.status, OrderStatus::Cancelled);
    assert_eq!(after.reject_reason.as_deref(), Some("全部退菜：客人有急事走了"));
    assert_eq!(after.total_amount, Money::ZERO);

    let (first, returned_event) = merchant.next_typed().await;
    assert!(
        matches!(returned_event, Event::ItemReturned(ref r) if r.refund_due == Some(Money::from_cents(6400))),
        "{returned_event:?}"
    );
    let (second, change) = merchant.next_typed().await;
    assert_eq!(second, first + 1);
    let Event::OrderStatus(change) = change else {
        panic!("the cancellation follows: {change:?}")
    };
    assert_eq!(
        (change.from, change.to, change.by),
        (Some(OrderStatus::Paid), OrderStatus::Cancelled, Actor::Merchant)
    );
    assert_eq!(change.reason.as_deref(), Some("全部退菜：客人有急事走了"));
    refused(
        give_back(&server, &server.merchant, id, 0, 1, "再退").await,
        409,
        "not_returnable",
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
        (summary.orders, summary.sales),
        (0, Money::ZERO),
        "a cancelled order sold nothing"
    );
    assert_eq!((summary.refunds, summary.refund_count), (Money::from_cents(6400), 1));
}

#[tokio::test]
async fn two_counters_giving_back_the_last_portion_at_once_one_wins() {
    let server = TestServer::start().await;
    let (one, two) = (counter(&server, "前台一").await, counter(&server, "前台二").await);
    // The order's only portion: the winner cancels the order, the loser finds nothing to return.
    let single = server.paid(5, &[(1001, 1)]).await.order.order_id;
    // The last portion of one line of two: the loser finds the line empty.
    let double = server.paid(6, &[(1001, 1), (1011, 1)]).await.order.order_id;
    for (id, loser_code) in [(single, "not_returnable"), (double, "return_too_many")] {
        let (a, b) = tokio::join!(
            give_back(&server, &one, id, 0, 1, "上错桌了"),
            give_back(&server, &two, id, 0, 1, "上错桌了")
        );
        let (winner, loser) = match (a.status().as_u16(), b.status().as_u16()) {
            (200, _) => (a, b),
            (_, 200) => (b, a),
            other => panic!("one of the two returns must win: {other:?}"),
        };
        let after: orderbell_shared::OrderDTO = winner.json().await.expect("the order");
        assert_eq!(after.items[0].returned_quantity, 1, "returned once");
        let status = if loser_code == "not_returnable" { 409 } else { 400 };
        refused(loser, status, loser_code).await;
    }
    let today = local_date(now(&server));
    let summary: DaySummary = get_json(&server, &format!("/api/stores/1/reports/day?date={today}"), &one).await;
    assert_eq!(
        (summary.refunds, summary.refund_count),
        (Money::from_cents(2 * 3800), 2),
        "each portion refunded once"
    );
    assert_eq!(summary.sales, Money::from_cents(850), "what is left: the drink");
}
