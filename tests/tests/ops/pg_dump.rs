//! PostgreSQL's backup and restore exactly as docs/DEPLOY.md gives them: `pg_dump
//! --format=custom` while an instance takes paid orders, then stop, `dropdb`, `createdb
//! --owner=orderbell`, `pg_restore --no-owner --role=orderbell`, start. Every order paid before
//! the dump began is there, paid, and the instance takes new orders: the stream heads and
//! sequences came back with the rows.

use orderbell_tests::ServerProcess;
use orderbell_tests::services::postgres::PostgresServer;

use crate::{a_restored_server_works, provider, while_orders_are_paid};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_dump_taken_while_orders_are_paid_restores_to_a_working_instance() {
    // A cluster of its own, with the role and database docs/DEPLOY.md creates.
    let postgres = PostgresServer::start().await;
    postgres.run_tool("createuser", &["-U", "postgres", "orderbell"]).await;
    postgres
        .run_tool("createdb", &["-U", "postgres", "--owner=orderbell", "orderbell"])
        .await;
    let url = postgres.url_as("orderbell", "orderbell");
    let (provider, flags) = provider();
    let mut flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    flags.extend(["--database-url", &url]);
    let server = ServerProcess::start(&flags).await;
    let dumps = tempfile::tempdir().expect("dir");
    let dump = dumps.path().join("orderbell.dump");
    let dump_arg = format!("--file={}", dump.display());

    let before = while_orders_are_paid(&server, &provider, || async {
        postgres
            .run_tool("pg_dump", &["--format=custom", &dump_arg, &url])
            .await;
    })
    .await;

    // Restore: stop the instance, recreate the database, load the dump, start it again.
    drop(server);
    postgres.run_tool("dropdb", &["-U", "postgres", "orderbell"]).await;
    postgres
        .run_tool("createdb", &["-U", "postgres", "--owner=orderbell", "orderbell"])
        .await;
    let dump_path = dump.display().to_string();
    postgres
        .run_tool(
            "pg_restore",
            &[
                "-U",
                "postgres",
                "--no-owner",
                "--role=orderbell",
                "--dbname=orderbell",
                &dump_path,
            ],
        )
        .await;
    let restored = ServerProcess::start(&flags).await;
    a_restored_server_works(&restored, &provider, &before).await;
}
