//! The real `orderbell` binary as a child process, on a port and data dir of its own: what a
//! restaurant runs, so that `kill -9`, SIGTERM, a locked database and a full disk hit exactly
//! what they would hit in production. The process is killed when this guard drops, also when a
//! test panics.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use orderbell_server::TableLink;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

use crate::{Api, PATIENCE};

pub struct ServerProcess {
    api: Api,
    child: Child,
    /// Holds `data/` (the database) and `server.log` (its stderr, across restarts).
    dir: TempDir,
    args: Vec<String>,
}

impl ServerProcess {
    /// `orderbell serve` with the demo store, a fresh data dir, a free port and `args`.
    pub async fn start(args: &[&str]) -> Self {
        Self::start_in(tempfile::tempdir().expect("temporary dir"), args).await
    }

    /// As [`Self::start`], in `dir`, whose `data/` the test may have prepared (a small file
    /// system, say).
    /// On PostgreSQL (see [`crate::engine`]) the database is a fresh one, kept across restarts,
    /// unless `args` name one.
    pub async fn start_in(dir: TempDir, args: &[&str]) -> Self {
        let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        // A test that brings its own database (to stop it, say) keeps it.
        let own_database = args.iter().any(|a| a == "--database-url");
        if !own_database && let Some(url) = crate::fresh_database().await {
            args.extend(["--database-url".to_owned(), url]);
        }
        let (child, api) = spawn(dir.path(), "127.0.0.1:0", &args).await;
        eprintln!(
            "orderbell pid {} on {}, log {}",
            pid_of(&child),
            api.addr,
            log_path(dir.path()).display()
        );
        ServerProcess { api, child, dir, args }
    }

    pub fn pid(&self) -> u32 {
        pid_of(&self.child)
    }

    /// The folder holding the database on SQLite, and media files (`--data-dir`).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// SIGKILL, as a power cut or the OOM killer would: no shutdown code runs.
    pub async fn kill9(&mut self) {
        self.child.start_kill().expect("SIGKILL");
        let status = tokio::time::timeout(PATIENCE, self.child.wait())
            .await
            .expect("the process dies")
            .expect("wait");
        assert!(!status.success(), "a killed process does not exit cleanly");
    }

    /// SIGTERM, as systemd or a container runtime sends; it must stop cleanly.
    pub async fn sigterm(&mut self) {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        let status = tokio::time::timeout(PATIENCE, self.child.wait())
            .await
            .expect("orderbell stops within the patience after SIGTERM, streams open or not")
            .expect("wait");
        assert!(status.success(), "SIGTERM is a clean stop: {status:?}");
    }

    /// Start the binary again on the same address and data, after [`Self::kill9`] or
    /// [`Self::sigterm`].
    pub async fn restart(&mut self) {
        let (child, api) = spawn(self.dir.path(), &self.api.addr.to_string(), &self.args).await;
        self.child = child;
        self.api = api;
    }

    /// The server's resident memory (VmRSS), its open file descriptors and its threads, read
    /// from /proc.
    pub fn resources(&self) -> Resources {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("/proc/PID/status");
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} in /proc/PID/status"))
        };
        let fds = std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .expect("/proc/PID/fd")
            .count();
        Resources {
            rss_kib: field("VmRSS:"),
            fds,
            threads: field("Threads:"),
        }
    }
}

impl std::ops::Deref for ServerProcess {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // By PID, this process only; a no-op when it already exited.
        let _ = self.child.start_kill();
        let _ = self.child.try_wait();
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Resources {
    pub rss_kib: u64,
    pub fds: usize,
    pub threads: u64,
}

fn pid_of(child: &Child) -> u32 {
    child.id().expect("the server is running")
}

fn log_path(dir: &Path) -> PathBuf {
    dir.join("server.log")
}

/// Run `orderbell serve` and read what it prints until its credentials: then it is listening.
/// Retries briefly when the address is still held by the process just killed.
async fn spawn(dir: &Path, listen: &str, args: &[String]) -> (Child, Api) {
    let mut last = String::new();
    for _ in 0..20 {
        match try_spawn(dir, listen, args).await {
            Ok(started) => return started,
            // A refused flag will not be accepted on a second try.
            Err(why) if why.starts_with("usage error") => break,
            Err(why) => last = why,
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let log = std::fs::read_to_string(log_path(dir)).unwrap_or_default();
    let tail: Vec<&str> = log.lines().rev().take(5).collect();
    panic!("orderbell did not start on {listen}: {last}; its log ends: {tail:?}");
}

async fn try_spawn(dir: &Path, listen: &str, args: &[String]) -> Result<(Child, Api), String> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path(dir))
        .expect("log file");
    // Heartbeats every second unless the test says otherwise: streams show they live at once.
    let heartbeat = if args.iter().any(|a| a == "--heartbeat-secs") {
        None
    } else {
        Some("1")
    };
    let mut child = Command::new(binary())
        .arg("serve")
        .args(["--listen", listen])
        .args(heartbeat.map(|secs| ["--heartbeat-secs", secs]).into_iter().flatten())
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .env_remove("ORDERBELL_SECRET")
        .env(
            "RUST_LOG",
            std::env::var("ORDERBELL_TEST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary().display()))?;
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let (mut links, mut merchant) = (Vec::new(), None);
    let read = async {
        while let Some(line) = lines.next_line().await.map_err(|e| e.to_string())? {
            let (name, value) = line.split_once('\t').unwrap_or((&line, ""));
            match name {
                "owner" => merchant = Some(value.to_owned()),
                "kitchen" => return Ok(value.to_owned()),
                _ if value.contains("/t/") => links.push(table_link(name, value)),
                _ => {}
            }
        }
        Err("exited before printing its credentials".to_owned())
    };
    let kitchen = match tokio::time::timeout(PATIENCE, read).await {
        Ok(Ok(kitchen)) => kitchen,
        // clap exits with 2 on a flag this binary does not know.
        Ok(Err(_)) if child.wait().await.is_ok_and(|status| status.code() == Some(2)) => {
            return Err("usage error: the binary refused its flags".into());
        }
        Ok(Err(why)) => return Err(why),
        Err(_) => return Err("printed no credentials in time".into()),
    };
    // Nothing more is printed, but keep the pipe drained so that a write never blocks the server.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let addr: SocketAddr = links
        .first()
        .map(|l: &TableLink| l.url.trim_start_matches("http://"))
        .and_then(|rest| rest.split('/').next())
        .and_then(|addr| addr.parse().ok())
        .ok_or("no table link with an address")?;
    let api = Api {
        addr,
        links,
        http: reqwest::Client::new(),
        merchant: merchant.ok_or("no owner credential")?,
        kitchen,
    };
    Ok((child, api))
}

/// `A01<TAB>http://127.0.0.1:PORT/t/1?token=…`, as `serve` prints it.
fn table_link(number: &str, url: &str) -> TableLink {
    let (path, token) = url.split_once("?token=").expect("a link carries its token");
    let table_id = path.rsplit('/').next().and_then(|id| id.parse().ok()).expect("/t/{id}");
    TableLink {
        table_id,
        store_id: 1,
        table_number: number.to_owned(),
        token: token.to_owned(),
        url: url.to_owned(),
    }
}

/// The `orderbell` binary beside this test's executable (`target/<profile>/`), built first when
/// it is missing or older than the server's sources, so that no test drives a stale server.
/// `ORDERBELL_BIN` names another one.
pub fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("ORDERBELL_BIN") {
            return PathBuf::from(path);
        }
        let exe = std::env::current_exe().expect("the test's executable");
        // target/<profile>/deps/<test>-<hash>
        let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>/deps");
        let binary = profile_dir.join("orderbell");
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
        if !binary.exists() || modified(&binary) < newest_source(workspace) {
            build(workspace, profile_dir, &binary);
        }
        binary
    })
}

fn build(workspace: &Path, profile_dir: &Path, binary: &Path) {
    eprintln!(
        "building {} (missing or older than the server's sources)",
        binary.display()
    );
    let mut command = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(workspace)
        .args(["build", "-p", "orderbell-server", "--bin", "orderbell"]);
    if profile_dir.file_name().is_some_and(|name| name == "release") {
        command.arg("--release");
    }
    let built = command.status().is_ok_and(|s| s.success());
    assert!(
        built && binary.exists(),
        "the fault tests drive the real binary {}, and building it failed: run `cargo build -p orderbell-server` and see why",
        binary.display()
    );
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// The newest change among the sources compiled into the binary.
fn newest_source(workspace: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut pending: Vec<PathBuf> = ["server/src", "server/web", "server/migrations", "shared/src"]
        .iter()
        .map(|dir| workspace.join(dir))
        .collect();
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                newest = newest.max(modified(&path));
            }
        }
    }
    newest
}
