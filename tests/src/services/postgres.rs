//! A private PostgreSQL cluster on loopback: its own port and folder (data and socket), stopped
//! by PID when the guard drops. Tests stop it (as an outage or a failover would) and start it
//! again on the same port and data. Installed by `scripts/lib.sh` (`SCALEOUT_TEST_PACKAGES`).
//!
//! We run as root and initdb refuses root, so the cluster belongs to the user `postgres`:
//! `runuser` for initdb, `setpriv` for the server so that the child we keep is the postmaster
//! itself (runuser would stay in between, and not pass SIGINT on).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sqlx::Connection as _;
use tempfile::TempDir;
use tokio::process::{Child, Command};

use crate::PATIENCE;

pub struct PostgresServer {
    port: u16,
    dir: TempDir,
    bin: PathBuf,
    child: Option<Child>,
}

impl PostgresServer {
    /// A fresh cluster on a free port, answering once this returns.
    pub async fn start() -> Self {
        let bin = bin_dir();
        let dir = tempfile::tempdir().expect("a folder for PostgreSQL");
        let owned = std::process::Command::new("chown")
            .arg("postgres:")
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(owned, "the user postgres owns the cluster's folder");
        let initdb = std::process::Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(bin.join("initdb"))
            .arg("-D")
            .arg(dir.path().join("data"))
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ])
            .stdout(Stdio::null())
            .output()
            .expect("initdb runs");
        assert!(
            initdb.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        let mut postgres = PostgresServer {
            port: free_port(),
            dir,
            bin,
            child: None,
        };
        postgres.run().await;
        postgres
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`: the admin URL.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// The URL of database `name` in this cluster, as the admin.
    pub fn url_of(&self, name: &str) -> String {
        self.url_as("postgres", name)
    }

    /// The URL of database `name` in this cluster, as `user` (trusted on loopback).
    pub fn url_as(&self, user: &str, name: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{name}", self.port)
    }

    /// One of PostgreSQL's client programs (`psql`, `pg_dump`, `pg_restore`, `createdb` …) of
    /// this installation, run with `args` against this cluster (`--host` and `--port` are
    /// added). Panics, with its stderr, unless it succeeds.
    pub async fn run_tool(&self, program: &str, args: &[&str]) -> String {
        let output = Command::new(self.bin.join(program))
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string()])
            .args(args)
            .output()
            .await
            .unwrap_or_else(|e| panic!("{program} runs: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// PostgreSQL's fast shutdown (SIGINT): open transactions roll back, connections drop, and
    /// nothing answers on the port until [`Self::restart`].
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal(&child, "-INT");
            tokio::time::timeout(PATIENCE, child.wait())
                .await
                .expect("PostgreSQL stops")
                .expect("wait for PostgreSQL");
        }
    }

    /// Start it again on the same port and data.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.run().await;
    }

    async fn run(&mut self) {
        let data = self.dir.path().join("data");
        let child = Command::new("setpriv")
            .args(["--reuid=postgres", "--regid=postgres", "--init-groups", "--"])
            .arg(self.bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &self.port.to_string(), "-h", "127.0.0.1", "-k"])
            .arg(self.dir.path())
            // Room for many test servers' pools; the tests never crash PostgreSQL itself, so
            // what it wrote survives without syncing.
            .args(["-c", "max_connections=300", "-c", "fsync=off"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postgres runs (scripts/lib.sh installs it: apt-get install postgresql)");
        self.child = Some(child);
        tokio::time::timeout(PATIENCE, self.answers())
            .await
            .expect("PostgreSQL answers");
    }

    async fn answers(&self) {
        loop {
            if let Ok(conn) = sqlx::PgConnection::connect(&self.url()).await {
                let _ = conn.close().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        // By PID, this cluster only. Waited for briefly so that its folder goes after it.
        if let Some(mut child) = self.child.take() {
            signal(&child, "-INT");
            for _ in 0..100 {
                if child.try_wait().is_ok_and(|status| status.is_some()) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

fn signal(child: &Child, signal: &str) {
    if let Some(pid) = child.id() {
        let _ = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status();
    }
}

/// The newest installed PostgreSQL's programs (Debian: /usr/lib/postgresql/<major>/bin).
fn bin_dir() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str().and_then(|v| v.parse::<u32>().ok()))
        .max()
        .expect("PostgreSQL is installed (scripts/lib.sh: apt-get install postgresql)");
    root.join(newest.to_string()).join("bin")
}

/// A port nobody listens on now (the kernel's pick; released for PostgreSQL to take).
fn free_port() -> u16 {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    socket.local_addr().expect("its address").port()
}

#[cfg(test)]
mod tests {
    use sqlx::Connection as _;

    use super::PostgresServer;

    /// What the outage tests rely on: stopped, the cluster refuses connections; restarted, it
    /// answers on the same URL with what was committed before.
    #[tokio::test]
    async fn a_stopped_cluster_refuses_and_comes_back_with_its_data() {
        let mut postgres = PostgresServer::start().await;
        let mut conn = sqlx::PgConnection::connect(&postgres.url()).await.expect("connects");
        for statement in ["CREATE TABLE kept (n BIGINT)", "INSERT INTO kept VALUES (7)"] {
            sqlx::query(statement).execute(&mut conn).await.expect("written");
        }
        drop(conn);
        postgres.stop().await;
        assert!(sqlx::PgConnection::connect(&postgres.url()).await.is_err(), "stopped");
        postgres.restart().await;
        let mut conn = sqlx::PgConnection::connect(&postgres.url())
            .await
            .expect("answers again");
        let (n,): (i64,) = sqlx::query_as("SELECT n FROM kept")
            .fetch_one(&mut conn)
            .await
            .expect("read");
        assert_eq!(n, 7);
    }
}
