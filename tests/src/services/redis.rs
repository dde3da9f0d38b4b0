//! A private `redis-server` on loopback: its own port and folder, nothing saved to disk, killed
//! by PID when the guard drops. Tests kill it (`SIGKILL`, as a crash or a lost machine) and
//! start it again on the same port mid-flow. Installed by `scripts/lib.sh`
//! (`SCALEOUT_TEST_PACKAGES`).

use std::process::Stdio;
use std::time::Duration;

use tempfile::TempDir;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::PATIENCE;

pub struct RedisServer {
    port: u16,
    dir: TempDir,
    child: Option<Child>,
}

impl RedisServer {
    /// A fresh server on a free port, answering once this returns.
    pub async fn start() -> Self {
        let port = free_port();
        let dir = tempfile::tempdir().expect("a folder for redis-server");
        let mut redis = RedisServer { port, dir, child: None };
        redis.run().await;
        redis
    }

    /// `redis://127.0.0.1:PORT`, for `--redis-url`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// SIGKILL: every connection drops at once, and what was published meanwhile is gone.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().expect("SIGKILL redis-server");
            tokio::time::timeout(PATIENCE, child.wait())
                .await
                .expect("redis-server dies")
                .expect("wait for redis-server");
        }
    }

    /// Start it again on the same port (empty: nothing was saved).
    pub async fn restart(&mut self) {
        self.kill().await;
        self.run().await;
    }

    async fn run(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server runs (scripts/lib.sh installs it: apt-get install redis-server)");
        self.child = Some(child);
        tokio::time::timeout(PATIENCE, self.answers())
            .await
            .expect("redis-server answers PING");
    }

    async fn answers(&self) {
        loop {
            if let Ok(mut socket) = TcpStream::connect(("127.0.0.1", self.port)).await {
                let mut reply = [0; 7];
                if socket.write_all(b"PING\r\n").await.is_ok()
                    && socket.read_exact(&mut reply).await.is_ok()
                    && &reply == b"+PONG\r\n"
                {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A port nobody listens on now (the kernel's pick; released for redis-server to take).
fn free_port() -> u16 {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    socket.local_addr().expect("its address").port()
}
