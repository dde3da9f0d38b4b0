//! The engines a scale-out target runs on: a private PostgreSQL and a private Redis, each on a
//! loopback port and in a temporary folder, fresh for every scenario like the server itself
//! (initdb takes half a second), and stopped by PID when dropped (also on an error path).
//! PostgreSQL refuses to run as root: initdb and the server run as the `postgres` user that
//! Debian's package creates (the process's uid and gid are switched, as `runuser -u postgres`
//! would, so that the PID held is the postmaster's own).

use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::{free_port, signal, wait_listening};
use crate::procfs;

/// Debian's PostgreSQL 15 (`apt-get install postgresql`; scripts/bench installs it).
const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A process stopped with `stop_signal` and waited for when dropped.
struct Process {
    child: Child,
    stop_signal: rustix::process::Signal,
}

impl Drop for Process {
    fn drop(&mut self) {
        signal(self.child.id(), self.stop_signal);
        let _ = self.child.wait();
    }
}

/// The uid and gid of a system user, from /etc/passwd.
fn user_ids(name: &str) -> io::Result<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd")?;
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&name))
        .and_then(|fields| Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?)))
        .ok_or_else(|| io::Error::other(format!("no user `{name}`: install postgresql (scripts/bench does)")))
}

pub struct Postgres {
    // Dropped first: the server stops before its folder goes.
    server: Process,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Postgres {
    pub async fn start() -> io::Result<Postgres> {
        let (uid, gid) = user_ids("postgres")?;
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("data");
        std::fs::create_dir(&data)?;
        // The postgres user must reach its data folder (and the socket, kept beside it).
        std::os::unix::fs::chown(&data, Some(uid), Some(gid))?;
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
        let initdb = Command::new(Path::new(PG_BIN).join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "postgres", "--no-sync"])
            // Chinese text: UTF-8 whatever this machine's locale.
            .args(["-E", "UTF8", "--locale=C.UTF-8"])
            .uid(uid)
            .gid(gid)
            .stdout(Stdio::null())
            .output()?;
        if !initdb.status.success() {
            return Err(io::Error::other(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&initdb.stderr)
            )));
        }
        let port = free_port()?;
        let log = data.join("server.log");
        // Durable as shipped (fsync, synchronous commit): the embedded default syncs every
        // change too. Enough connections for eight instances' pools.
        let child = Command::new(Path::new(PG_BIN).join("postgres"))
            .args(["-D", &data.display().to_string(), "-p", &port.to_string()])
            .args(["-k", &data.display().to_string(), "-h", "127.0.0.1"])
            .args(["-c", "max_connections=400"])
            .uid(uid)
            .gid(gid)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        let server = Process {
            child,
            stop_signal: rustix::process::Signal::INT,
        };
        ready(&log, "ready to accept connections").await?;
        Ok(Postgres {
            server,
            port,
            _dir: dir,
        })
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The postmaster and its backends and helpers, as they are now.
    pub fn pids(&self) -> Vec<u32> {
        let postmaster = self.server.child.id();
        let mut pids = vec![postmaster];
        pids.extend(procfs::children(postmaster));
        pids
    }

    pub fn postmaster(&self) -> u32 {
        self.server.child.id()
    }
}

/// Waits (at most 60 s) for `line` in a log: PostgreSQL listens before it accepts queries.
async fn ready(log: &Path, line: &str) -> io::Result<()> {
    for _ in 0..600 {
        if std::fs::read_to_string(log).is_ok_and(|text| text.contains(line)) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    Err(io::Error::other(format!(
        "PostgreSQL did not start within 60 s:\n{text}"
    )))
}

pub struct Redis {
    server: Process,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Redis {
    pub async fn start() -> io::Result<Redis> {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(["--dir", &dir.path().display().to_string(), "--logfile", "redis.log"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let mut server = Process {
            child,
            stop_signal: rustix::process::Signal::TERM,
        };
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        wait_listening(addr, &mut server.child).await?;
        Ok(Redis {
            server,
            port,
            _dir: dir,
        })
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.server.child.id()
    }
}
