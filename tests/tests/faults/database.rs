//! The database refusing writes during a payment callback: locked by another process (the
//! `sqlite3` shell holding `BEGIN EXCLUSIVE`), or on a full disk (a small tmpfs, filled). The
//! provider is answered 5xx so that it retries, nothing is half-written, and once the lock is
//! released or space freed the retried callback pays the order exactly once, with no restart.
//! Both faults are the SQLite file's: on PostgreSQL they say so and pass (its outage is
//! faults/postgres.rs's).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use orderbell_shared::{OrderStatus, SubmittedOrder};
use orderbell_tests::ServerProcess;
use orderbell_tests::providers::FakeWebhook;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};

use crate::{deliver, deliver_once, head, paid_counts, provider, replay_store};

/// After the fault is gone: the retried callback pays `order` once, and the store stream holds
/// exactly one `order_paid` for it, on the same server process.
async fn retried_callback_pays_once(server: &ServerProcess, provider: &FakeWebhook, order: &SubmittedOrder, pid: u32) {
    deliver(&server.url(""), &server.http, provider, order).await;
    assert_eq!(server.fetch_order(order).await.status, OrderStatus::Paid);
    let paid = paid_counts(&replay_store(server).await);
    assert_eq!(paid.get(&order.order.order_id), Some(&1), "exactly one order_paid");
    assert_eq!(server.pid(), pid, "the same process, never restarted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_refuses_the_callback_and_the_retry_pays_once() {
    if orderbell_tests::skip_on_postgres("the lock is SQLite's file lock (faults/postgres.rs stops PostgreSQL instead)")
    {
        return;
    }
    let (provider, flags) = provider();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = ServerProcess::start(&flags).await;
    let pid = server.pid();
    let order = server.order(3, &[(1001, 2)]).await;
    let events = head(&server).await;

    let mut shell = tokio::process::Command::new("sqlite3")
        .arg(server.data_dir().join("orderbell.db"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the sqlite3 shell (apt package sqlite3) runs");
    let mut input = shell.stdin.take().expect("stdin");
    input
        .write_all(b"BEGIN EXCLUSIVE;\nSELECT 'locked';\n")
        .await
        .expect("write");
    let mut output = BufReader::new(shell.stdout.take().expect("stdout")).lines();
    assert_eq!(output.next_line().await.expect("read").as_deref(), Some("locked"));

    let started = std::time::Instant::now();
    let answer = deliver_once(&server, &provider, &order).await;
    println!(
        "locked database: the callback was answered {answer:?} after {:?}",
        started.elapsed()
    );
    assert!(
        answer.is_some_and(|status| status >= 500),
        "a callback the database cannot take gets a 5xx, so the provider retries: {answer:?}"
    );
    assert_eq!(
        server.fetch_order(&order).await.status,
        OrderStatus::PendingPayment,
        "nothing half-written"
    );
    assert_eq!(head(&server).await, events, "no event written");

    input.write_all(b"COMMIT;\n.quit\n").await.expect("write");
    drop(input);
    shell.wait().await.expect("the shell exits");
    retried_callback_pays_once(&server, &provider, &order, pid).await;
}

/// A tmpfs mounted for the test's data; unmounted when dropped (lazily: the server may still
/// hold files open while it dies).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Self {
        std::fs::create_dir_all(at).expect("mount point");
        let as_root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout == b"0\n");
        let mut command = std::process::Command::new(if as_root { "mount" } else { "sudo" });
        if !as_root {
            command.args(["-n", "mount"]);
        }
        let mounted = command
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            mounted,
            "the disk-full fault mounts a small tmpfs: run the tests as root or with passwordless sudo"
        );
        Tmpfs(at.to_owned())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::process::Command::new("sudo")
            .args(["-n", "umount", "-l"])
            .arg(&self.0)
            .status();
    }
}

/// Fill the file system at `dir` up to the last byte.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write as _;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).expect("filler");
    let chunk = vec![0_u8; 4096];
    while file.write_all(&chunk).is_ok() {}
    while file.write_all(&[0]).is_ok() {}
    let _ = file.sync_all();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_the_callback_and_the_retry_pays_once() {
    if orderbell_tests::skip_on_postgres("the filled disk holds the SQLite file; PostgreSQL's is elsewhere") {
        return;
    }
    let (provider, flags) = provider();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let dir = tempfile::tempdir().expect("temporary dir");
    let tmpfs = Tmpfs::mount(&dir.path().join("data"), "16m");
    let mut server = ServerProcess::start_in(dir, &flags).await;
    let pid = server.pid();
    let orders = crate::many_orders(&server, 48).await;

    // Empty the write-ahead log first: a log that was just checkpointed and restarted has room
    // for many writes inside the file it already has, and a full disk would never be felt.
    let checkpoint = std::process::Command::new("sqlite3")
        .arg(server.data_dir().join("orderbell.db"))
        .arg("PRAGMA wal_checkpoint(TRUNCATE);")
        .output()
        .expect("the sqlite3 shell (apt package sqlite3) runs");
    assert!(checkpoint.status.success(), "{checkpoint:?}");
    let filler = fill(&server.data_dir());
    // SQLite may still fit a write into pages it already holds: pay orders until one is refused.
    let mut refused = None;
    for order in &orders {
        let answer = deliver_once(&server, &provider, order).await;
        match answer {
            Some(status) if (200..300).contains(&status) => {
                assert_eq!(server.fetch_order(order).await.status, OrderStatus::Paid);
            }
            Some(status) if status >= 500 => {
                refused = Some(order);
                break;
            }
            other => panic!("a callback on a full disk answered {other:?}: neither paid nor retryable"),
        }
    }
    let order = refused.expect("the full disk refused a payment within 48 callbacks");
    println!(
        "full disk: the callback for {} was refused with a 5xx",
        order.order.order_no
    );
    assert_eq!(
        server.fetch_order(order).await.status,
        OrderStatus::PendingPayment,
        "nothing half-written"
    );

    std::fs::remove_file(filler).expect("free the space");
    retried_callback_pays_once(&server, &provider, order, pid).await;
    // Stopped before the unmount, so that the data dir is removed with everything in it.
    server.kill9().await;
    drop(tmpfs);
}
