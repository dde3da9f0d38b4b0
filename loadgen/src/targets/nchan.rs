//! nginx + nchan as the reference: Debian's nginx with a private config on a loopback port, one
//! worker, `/pub` (a bare publish, no database) and `/sub` (EventSource and WebSocket). Channel
//! ids are fresh per scenario: nchan replays a channel's buffered messages to new subscribers.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::{free_port, wait_listening};
use crate::http::Request;
use crate::procfs;
use crate::worker::MARKER;

pub struct Nchan {
    master: Child,
    worker: u32,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
    run: u64,
    next_channel: u64,
}

fn config(dir: &Path, addr: SocketAddr, module: &Path) -> String {
    let d = dir.display();
    format!(
        "load_module {module};
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 30000; multi_accept on; }}
http {{
    access_log off;
    keepalive_requests 10000000;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen {addr};
        location = /pub {{ nchan_publisher http; nchan_channel_id $arg_id; }}
        location = /sub {{ nchan_subscriber eventsource websocket; nchan_channel_id $arg_id; }}
    }}
}}
",
        module = module.display()
    )
}

impl Nchan {
    pub async fn start(nginx: &Path, module: &Path) -> io::Result<Nchan> {
        let dir = tempfile::tempdir()?;
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, config(dir.path(), addr, module))?;
        let mut master = Command::new(nginx)
            .arg("-c")
            .arg(&conf)
            .arg("-p")
            .arg(format!("{}/", dir.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        wait_listening(addr, &mut master).await?;
        let mut worker = None;
        for _ in 0..100 {
            worker = procfs::children(master.id()).first().copied();
            if worker.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(Nchan {
            worker: worker.ok_or_else(|| io::Error::other("nginx started no worker"))?,
            master,
            addr,
            _dir: dir,
            run: crate::clock::now_ns(),
            next_channel: 0,
        })
    }

    /// The worker: what serves the connections (the master only watches it).
    pub fn pid(&self) -> u32 {
        self.worker
    }

    /// A channel id never used before.
    pub fn fresh_channel(&mut self) -> String {
        self.next_channel += 1;
        format!("{:x}-{}", self.run, self.next_channel)
    }

    pub fn sub_path(channel: &str) -> String {
        format!("/sub?id={channel}")
    }

    pub fn publish(channel: &str, seq: u64) -> Vec<Request> {
        vec![Request {
            method: "POST",
            path: format!("/pub?id={channel}"),
            auth: None,
            body: Some(format!("{}{seq}", String::from_utf8_lossy(MARKER)).into_bytes()),
        }]
    }

    /// `kill -QUIT`: nginx's graceful stop.
    pub fn stop(&mut self) {
        super::signal(self.master.id(), rustix::process::Signal::QUIT);
        let _ = self.master.wait();
    }
}
