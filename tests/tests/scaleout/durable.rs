//! The durable streams across instances: a payment callback and a 催单 handled by A reach the
//! merchant and the customer connected to B, and a merchant who drops off A resumes on B with
//! `Last-Event-ID` and gets every event once, in order (the database numbers them).

use orderbell_shared::{Event, SubmittedOrder};
use orderbell_tests::{Api, Sse};

use super::{remind, two};

#[tokio::test]
async fn a_payment_and_a_reminder_handled_on_one_instance_reach_the_merchant_and_customer_on_the_other() {
    let cluster = two().await;
    let (a, b) = (&cluster.instances[0], &cluster.instances[1]);
    let mut merchant = b.store_stream(None).await;
    let order = a.order(5, &[(1001, 1)]).await;
    let mut customer = Sse::connect(
        &b.url(&format!("/api/orders/{}/events", order.order.order_id)),
        &order.token,
        None,
    );
    let (_, submitted) = customer.next_typed().await;
    assert!(matches!(submitted, Event::OrderStatus(_)), "{submitted:?}");

    // The provider's callback lands on A (the simulator calls the instance that took the payment).
    a.pay(&order).await;
    let (_, paid) = merchant.next_typed().await;
    let Event::OrderPaid(paid) = paid else {
        panic!("the merchant on B hears the payment: {paid:?}")
    };
    assert_eq!(paid.order_id, order.order.order_id);
    let (_, status) = customer.next_typed().await;
    assert!(
        matches!(status, Event::OrderStatus(_)),
        "the customer on B sees it paid: {status:?}"
    );

    // 催单 on A: the merchant on B hears it.
    remind(a, &order).await;
    let (_, reminder) = merchant.next_typed().await;
    let Event::OrderReminder(reminder) = reminder else {
        panic!("the merchant on B hears the 催单: {reminder:?}")
    };
    assert_eq!(reminder.order.order_id, order.order.order_id);
    cluster.stop().await;
}

/// `n` orders paid through `api`, one table after another.
async fn pay_orders(api: &Api, n: usize) -> Vec<SubmittedOrder> {
    let mut orders = Vec::with_capacity(n);
    for k in 0..n {
        let table = 1 + i64::try_from(k % 12).expect("small");
        orders.push(api.paid(table, &[(1001, 1)]).await);
    }
    orders
}

#[tokio::test]
async fn a_merchant_resumes_on_the_other_instance_without_loss_or_duplicates() {
    let cluster = two().await;
    let (a, b) = (&cluster.instances[0], &cluster.instances[1]);
    let mut on_a = a.store_stream(None).await;
    pay_orders(a, 3).await;
    let mut seen = Vec::new();
    while seen.len() < 3 {
        seen.push(on_a.next_typed().await.0);
    }
    // The app drops off A (a deploy, a balancer's choice) while orders go on being paid on A.
    drop(on_a);
    pay_orders(a, 4).await;
    let last = *seen.last().expect("events were read");
    let mut on_b = Sse::connect(&b.url("/api/stores/1/events"), &b.merchant, Some(last))
        .connected()
        .await;
    // And go on after it resumed: those come live from A.
    pay_orders(a, 2).await;

    // Every event from the full journal after `last`, once each and in order.
    let mut journal = Sse::connect(&b.url("/api/stores/1/events"), &b.merchant, Some(0));
    let mut all = Vec::new();
    loop {
        let (id, _) = journal.next_typed().await;
        all.push(id);
        if all.iter().filter(|&&i| i > last).count() >= 6 {
            break;
        }
    }
    let head = *all.last().expect("the journal has events");
    let mut resumed = Vec::new();
    while resumed.last().is_none_or(|&id| id < head) {
        resumed.push(on_b.next_typed().await.0);
    }
    let expected: Vec<u64> = all.into_iter().filter(|&id| id > last).collect();
    assert_eq!(
        resumed, expected,
        "resumed on B from {last}: nothing lost, nothing doubled"
    );
    cluster.stop().await;
}
