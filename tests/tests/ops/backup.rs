//! `orderbell backup FILE` while orders are being paid, then the documented restore: stop, put
//! the file in a data folder as `orderbell.db`, start. Every order paid before the backup began
//! is there, paid, and the restored server takes new orders.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use orderbell_shared::{OrderStatus, SubmittedOrder};
use orderbell_tests::providers::FakeWebhook;
use orderbell_tests::{PATIENCE, ServerProcess, binary};

use crate::{notify_paid, provider};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_orders_are_paid_restores_to_a_working_server() {
    // The embedded database's backup; PostgreSQL's is pg_dump (docs/DEPLOY.md).
    if orderbell_tests::skip_on_postgres("orderbell backup copies the embedded SQLite database") {
        return;
    }
    let (provider, flags) = provider();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = ServerProcess::start(&flags).await;
    let backups = tempfile::tempdir().expect("dir");
    let file = backups.path().join("orderbell-backup.db");

    // Diners at three tables order and pay, one order after another, until told to stop.
    let paid: Mutex<Vec<SubmittedOrder>> = Mutex::default();
    let stop = AtomicBool::new(false);
    let flow = futures_util::future::join_all((1..=3).map(|table| pay_until(&server, &provider, table, &paid, &stop)));
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
    let backup = async {
        wait_for(12).await;
        let before: Vec<SubmittedOrder> = paid.lock().expect("lock").clone();
        let taken = tokio::process::Command::new(binary())
            .arg("backup")
            .arg(&file)
            .arg("--data-dir")
            .arg(server.data_dir())
            .output()
            .await
            .expect("orderbell backup runs");
        assert!(
            taken.status.success(),
            "the backup succeeds while the server serves: {}",
            String::from_utf8_lossy(&taken.stderr)
        );
        // The flow goes on after the backup: it never held the server up.
        wait_for(paid_count() + 6).await;
        stop.store(true, Ordering::SeqCst);
        before
    };
    let (_, before) = tokio::join!(flow, backup);
    println!(
        "backup: {} orders paid before it began, {} in all",
        before.len(),
        paid_count()
    );

    // Restore as docs/DEPLOY.md says, into a fresh data folder, and start a server on it.
    let restored_dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(restored_dir.path().join("data")).expect("data dir");
    std::fs::copy(&file, restored_dir.path().join("data/orderbell.db")).expect("put the backup in place");
    drop(server);
    let restored = ServerProcess::start_in(restored_dir, &flags).await;
    for order in &before {
        let now = restored.fetch_order(order).await;
        assert_eq!(
            now.status,
            OrderStatus::Paid,
            "{} was paid before the backup began",
            order.order.order_no
        );
    }
    let order = restored.order(4, &[(1001, 1)]).await;
    assert_eq!(notify_paid(&restored, &provider, &order).await.status(), 204);
    assert_eq!(restored.fetch_order(&order).await.status, OrderStatus::Paid);
}

/// A diner at `table` orders and pays, one order after another, until `stop`.
async fn pay_until(
    server: &ServerProcess,
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
