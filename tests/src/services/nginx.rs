//! nginx in front of the instances, running the shipped `deploy/nginx/orderbell.conf` itself: the
//! test puts in its own ports (and, when it asks, a shorter stream read timeout) and wraps the file
//! in a main configuration whose pid, logs and temporary files live in a private folder. The
//! master is stopped by PID when the guard drops (SIGTERM, which takes its workers with it).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::{Api, PATIENCE};

/// Debian's nginx (`apt-get install nginx`; scripts/lib.sh's SCALEOUT_TEST_PACKAGES).
const NGINX: &str = "/usr/sbin/nginx";

/// The values the shipped file spells that a test replaces; rendering fails loudly when one is
/// gone, so the file and its test cannot drift apart.
const LISTEN_V4: &str = "listen 80 default_server;";
const LISTEN_V6: &str = "listen [::]:80 default_server;";
const STREAM_READ_TIMEOUT: &str = "proxy_read_timeout 60s;";

pub struct Nginx {
    pub addr: SocketAddr,
    master: Child,
    dir: TempDir,
}

impl Nginx {
    /// The shipped configuration in front of `upstreams`, as shipped otherwise.
    pub async fn start(upstreams: &[SocketAddr]) -> Nginx {
        Self::start_with(upstreams, None).await
    }

    /// As [`Self::start`], with the streams' `proxy_read_timeout` set to `read_timeout`.
    pub async fn start_with(upstreams: &[SocketAddr], read_timeout: Option<Duration>) -> Nginx {
        let shipped = std::fs::read_to_string(shipped_config()).expect("deploy/nginx/orderbell.conf");
        let mut last = String::new();
        // A free port can be taken between choosing it and nginx binding it: try a few.
        for _ in 0..5 {
            let addr = free_port();
            let dir = private_dir();
            let site = render(&shipped, addr, upstreams, read_timeout);
            std::fs::write(dir.path().join("orderbell.conf"), site).expect("the rendered site");
            std::fs::write(dir.path().join("nginx.conf"), main_config(dir.path())).expect("nginx.conf");
            let master = Command::new(NGINX)
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(dir.path().join("nginx.conf"))
                .arg("-e")
                .arg(dir.path().join("error.log"))
                .args(["-g", "daemon off;"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {NGINX} ({e}): apt-get install nginx"));
            let mut nginx = Nginx { addr, master, dir };
            match nginx.listening().await {
                Ok(()) => {
                    eprintln!(
                        "nginx pid {} on {addr}, error log {}",
                        nginx.master.id(),
                        nginx.error_log_path().display()
                    );
                    return nginx;
                }
                Err(why) => last = why,
            }
        }
        panic!("nginx did not start: {last}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `api`'s server as a phone reaches it through nginx: the same credentials and table links,
    /// nginx's address.
    pub fn front(&self, api: &Api) -> Api {
        Api {
            addr: self.addr,
            links: api.links.clone(),
            http: reqwest::Client::new(),
            merchant: api.merchant.clone(),
            kitchen: api.kitchen.clone(),
        }
    }

    /// What nginx logged: the first thing to read when a test through it fails.
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.error_log_path()).unwrap_or_default()
    }

    fn error_log_path(&self) -> PathBuf {
        self.dir.path().join("error.log")
    }

    /// Wait until nginx accepts connections; an error (with its log) when it exited instead.
    async fn listening(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.master.try_wait() {
                return Err(format!("nginx exited ({status}): {}", self.error_log()));
            }
            if TcpStream::connect(self.addr).is_ok() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(format!("nginx is not listening on {}: {}", self.addr, self.error_log()))
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM to the master, by PID: it stops its workers and exits. A SIGKILL would leave
        // the workers running.
        let _ = Command::new("kill")
            .args(["-TERM", &self.master.id().to_string()])
            .status();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if !matches!(self.master.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.master.kill();
        let _ = self.master.wait();
    }
}

/// The shipped site file (`deploy/nginx/orderbell.conf` at the workspace's root).
fn shipped_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .join("deploy/nginx/orderbell.conf")
}

/// The shipped site with this test's address, upstream instances and (when given) stream read
/// timeout in place of the shipped ones; every other line as shipped.
fn render(shipped: &str, listen: SocketAddr, upstreams: &[SocketAddr], read_timeout: Option<Duration>) -> String {
    assert!(!upstreams.is_empty(), "nginx needs an instance behind it");
    let mut out = String::new();
    let (mut in_upstream, mut servers_written, mut listens, mut timeouts) = (false, false, 0, 0);
    for line in shipped.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let code = line.trim();
        if code.starts_with("upstream orderbell ") {
            in_upstream = true;
        } else if in_upstream && code == "}" {
            in_upstream = false;
        }
        let replaced = if in_upstream && code.starts_with("server ") {
            if servers_written {
                continue;
            }
            servers_written = true;
            upstreams
                .iter()
                .map(|addr| format!("{indent}server {addr};"))
                .collect::<Vec<_>>()
                .join("\n")
        } else if code == LISTEN_V4 {
            listens += 1;
            format!("{indent}listen {listen};")
        } else if code == LISTEN_V6 {
            continue;
        } else if code == STREAM_READ_TIMEOUT {
            timeouts += 1;
            match read_timeout {
                Some(timeout) => format!("{indent}proxy_read_timeout {}s;", timeout.as_secs().max(1)),
                None => line.to_owned(),
            }
        } else {
            line.to_owned()
        };
        out.push_str(&replaced);
        out.push('\n');
    }
    assert!(
        servers_written,
        "the shipped config has no `upstream orderbell` servers"
    );
    assert_eq!(listens, 1, "the shipped config listens with `{LISTEN_V4}`");
    assert_eq!(
        timeouts, 2,
        "the shipped SSE and WebSocket locations each say `{STREAM_READ_TIMEOUT}`"
    );
    out
}

/// What Debian's /etc/nginx/nginx.conf provides around a conf.d file, with every path private.
fn main_config(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {d}/orderbell.conf;
}}
"
    )
}

/// A folder nginx's workers can use: run as root, nginx drops them to `nobody`, who must reach
/// the temporary files (a photo upload is spooled there).
fn private_dir() -> TempDir {
    let dir = tempfile::tempdir().expect("temporary dir");
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}
