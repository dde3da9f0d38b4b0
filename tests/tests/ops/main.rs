//! Operations: what a person running Orderbell depends on besides the API. `/metrics` after real
//! traffic, `/healthz` and `/readyz`, JSON logs carrying each request's id, an online backup that
//! restores to a working server (the embedded database's, and PostgreSQL's documented dump), and
//! the Debian package's contents.

mod backup;
mod health;
mod logs;
mod metrics;
mod package;
mod pg_dump;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use orderbell_shared::{OrderStatus, SubmittedOrder};
pub use orderbell_tests::providers::webhook_provider as provider;
use orderbell_tests::providers::{FakeWebhook, paid_now};
use orderbell_tests::{Api, PATIENCE};

/// `provider`'s signed notification that `order` is paid, as it arrives: the server's answer.
pub async fn notify_paid(api: &Api, provider: &FakeWebhook, order: &SubmittedOrder) -> reqwest::Response {
    api.notify("hmac", &paid_now(provider, order)).await
}

/// Diners at three tables order and pay, one order after another; once 12 are paid, `take` runs
/// (a backup, say), and the flow goes on for 6 more after it: `take` never held the server up.
/// The orders paid before `take` began.
pub async fn while_orders_are_paid<F: Future<Output = ()>>(
    server: &Api,
    provider: &FakeWebhook,
    take: impl FnOnce() -> F,
) -> Vec<SubmittedOrder> {
    let paid: Mutex<Vec<SubmittedOrder>> = Mutex::default();
    let stop = AtomicBool::new(false);
    let flow = futures_util::future::join_all((1..=3).map(|table| pay_until(server, provider, table, &paid, &stop)));
    let paid_count = || paid.lock().expect("lock").len();
    let wait_for = |n: usize| async move {
        let reached = async {
            while paid_count() < n {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        };
        tokio::time::timeout(PATIENCE * 4, reached)
            .await
            .expect("orders keep being paid");
    };
    let taken = async {
        wait_for(12).await;
        let before: Vec<SubmittedOrder> = paid.lock().expect("lock").clone();
        take().await;
        wait_for(paid_count() + 6).await;
        stop.store(true, Ordering::SeqCst);
        before
    };
    let (_, before) = tokio::join!(flow, taken);
    println!("{} orders paid before it began, {} in all", before.len(), paid_count());
    before
}

/// A diner at `table` orders and pays, one order after another, until `stop`.
async fn pay_until(
    server: &Api,
    provider: &FakeWebhook,
    table: i64,
    paid: &Mutex<Vec<SubmittedOrder>>,
    stop: &AtomicBool,
) {
    while !stop.load(Ordering::SeqCst) {
        let order = server.order(table, &[(1001, 1)]).await;
        assert_eq!(notify_paid(server, provider, &order).await.status(), 204);
        paid.lock().expect("lock").push(order);
    }
}

/// A server on a restored database: every order paid before the backup began is there, paid,
/// and it takes and is paid for new ones (its ids go on from the restored ones).
pub async fn a_restored_server_works(restored: &Api, provider: &FakeWebhook, before: &[SubmittedOrder]) {
    for order in before {
        let now = restored.fetch_order(order).await;
        assert_eq!(
            now.status,
            OrderStatus::Paid,
            "{} was paid before the backup began",
            order.order.order_no
        );
    }
    let order = restored.order(4, &[(1001, 1)]).await;
    assert_eq!(notify_paid(restored, provider, &order).await.status(), 204);
    assert_eq!(restored.fetch_order(&order).await.status, OrderStatus::Paid);
}
