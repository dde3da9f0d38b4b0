//! One Orderbell process: the release binary on a private data dir and loopback port, on the
//! embedded SQLite or on the engines' URLs, stopped with SIGTERM (and waited for) when dropped.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::{free_port, signal, wait_listening};

/// Where an instance keeps its data and how it reaches the others: absent, SQLite in its data
/// dir and in-process fan-out only.
#[derive(Default)]
pub struct Urls {
    pub database: Option<String>,
    pub redis: Option<String>,
}

pub struct Instance {
    child: Child,
    pub addr: SocketAddr,
    /// The owner's credential it printed once its database was open.
    pub owner: String,
    dir: tempfile::TempDir,
}

impl Instance {
    /// Starts one and waits until its database is open (migrated, the demo store in place).
    pub async fn start(binary: &Path, urls: &Urls) -> io::Result<Instance> {
        let dir = tempfile::tempdir()?;
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        let mut command = Command::new(binary);
        command
            .args(["serve", "--listen", &addr.to_string(), "--data-dir"])
            .arg(dir.path());
        if let Some(url) = &urls.database {
            command.args(["--database-url", url]);
        }
        if let Some(url) = &urls.redis {
            command.args(["--redis-url", url]);
        }
        let child = command
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()?;
        let mut instance = Instance {
            child,
            addr,
            owner: String::new(),
            dir,
        };
        let ready = match wait_listening(addr, &mut instance.child).await {
            Ok(()) => owner_credential(&mut instance.child).await,
            Err(e) => Err(e),
        };
        match ready {
            Ok(owner) => instance.owner = owner,
            Err(e) => {
                let log = std::fs::read_to_string(instance.dir.path().join("server.log")).unwrap_or_default();
                return Err(io::Error::other(format!(
                    "orderbell did not start: {e}; its log:\n{log}"
                )));
            }
        }
        Ok(instance)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        signal(self.child.id(), rustix::process::Signal::TERM);
        let _ = self.child.wait();
    }
}

/// The owner's credential, from the lines the server prints once its database is open (it
/// listens before that, and its CLI must not open the database while it migrates). The rest of
/// its output is read and dropped, so that it never blocks on a full pipe.
async fn owner_credential(child: &mut Child) -> io::Result<String> {
    let stdout = child.stdout.take().ok_or_else(|| io::Error::other("no stdout"))?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok) {
            if let Some(owner) = line.strip_prefix("owner\t")
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(owner.trim().to_owned());
            }
        }
    });
    match tokio::time::timeout(std::time::Duration::from_secs(60), rx).await {
        Ok(Ok(owner)) => Ok(owner),
        _ => Err(io::Error::other("the server printed no owner credential")),
    }
}
