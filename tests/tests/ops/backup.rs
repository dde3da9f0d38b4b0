//! `orderbell backup FILE` while orders are being paid, then the documented restore: stop, put
//! the file in a data folder as `orderbell.db`, start. Every order paid before the backup began
//! is there, paid, and the restored server takes new orders.

use orderbell_tests::{ServerProcess, binary};

use crate::{a_restored_server_works, provider, while_orders_are_paid};

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

    let before = while_orders_are_paid(&server, &provider, || async {
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
    })
    .await;

    // Restore as docs/DEPLOY.md says, into a fresh data folder, and start a server on it.
    let restored_dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(restored_dir.path().join("data")).expect("data dir");
    std::fs::copy(&file, restored_dir.path().join("data/orderbell.db")).expect("put the backup in place");
    drop(server);
    let restored = ServerProcess::start_in(restored_dir, &flags).await;
    a_restored_server_works(&restored, &provider, &before).await;
}
