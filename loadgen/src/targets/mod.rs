//! The servers under test, started and stopped by the run, and how each is subscribed to and
//! triggered. Scenarios see a [`Target`] and name channels; each target maps them to its own
//! paths and requests.

mod engines;
mod instance;
mod nchan;
mod orderbell;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

pub use nchan::Nchan;
pub use orderbell::{Engine, Orderbell};

use crate::http::{Conn, Request};
use crate::procfs::{CpuMeter, rss_kib};
use crate::worker::Group;

/// Something subscribers watch and triggers change.
#[derive(Clone, Debug)]
pub enum Channel {
    /// Orderbell: a table of the run, by index.
    Table(usize),
    /// Orderbell: the store stream.
    Store,
    Nchan(String),
}

pub enum Target {
    Orderbell(Box<Orderbell>),
    Nchan(Nchan),
}

impl Target {
    pub fn name(&self) -> &'static str {
        match self {
            Target::Orderbell(o) => o.name(),
            Target::Nchan(_) => "nchan",
        }
    }

    /// Server processes serving the connections.
    pub fn instance_count(&self) -> usize {
        match self {
            Target::Orderbell(o) => o.instance_count(),
            Target::Nchan(_) => 1,
        }
    }

    /// Where `channel`'s subscribers connect.
    pub fn sub_addr(&self, channel: &Channel) -> SocketAddr {
        match (self, channel) {
            (Target::Orderbell(o), Channel::Table(i)) => o.sub_addr(Some(*i)),
            (Target::Orderbell(o), _) => o.sub_addr(None),
            (Target::Nchan(n), _) => n.addr,
        }
    }

    /// Where `channel`'s triggers go: in a cluster, another instance than its subscribers'.
    pub fn trigger_addr(&self, channel: &Channel) -> SocketAddr {
        match (self, channel) {
            (Target::Orderbell(o), Channel::Table(i)) => o.trigger_addr(Some(*i)),
            (Target::Orderbell(o), _) => o.trigger_addr(None),
            (Target::Nchan(n), _) => n.addr,
        }
    }

    /// `count` subscribers of `channel`, at its address.
    pub fn group(&self, channel: &Channel, count: u32, websocket: bool) -> Group {
        Group {
            server: self.sub_addr(channel),
            path: self.sub_path(channel, websocket),
            count,
        }
    }

    /// The processes serving the connections (Orderbell's instances; nginx's one worker).
    pub fn pids(&self) -> Vec<u32> {
        match self {
            Target::Orderbell(o) => o.pids(),
            Target::Nchan(n) => vec![n.pid()],
        }
    }

    /// The serving processes' resident memory together, in KiB.
    pub fn rss_kib(&self) -> u64 {
        self.pids().into_iter().map(rss_kib).sum()
    }

    /// CPU of the engines behind the servers (PostgreSQL, Redis) from now on, when there are.
    pub fn engine_meter(&self) -> Option<CpuMeter> {
        match self {
            Target::Orderbell(o) => o.engine_meter(),
            Target::Nchan(_) => None,
        }
    }

    pub fn engine_pss_mib(&self) -> Option<f64> {
        match self {
            Target::Orderbell(o) => o.engine_pss_mib(),
            Target::Nchan(_) => None,
        }
    }

    /// `count` table-like channels: Orderbell's first tables (reused: a new subscriber's first
    /// cart is older than any trigger of the scenario), nchan's fresh ones.
    pub fn tables(&mut self, count: usize) -> Vec<Channel> {
        match self {
            Target::Orderbell(o) => (0..count.min(o.table_count())).map(Channel::Table).collect(),
            Target::Nchan(n) => (0..count).map(|_| Channel::Nchan(n.fresh_channel())).collect(),
        }
    }

    /// A table no scenario has changed yet (fan-out), counted from the end of the tables.
    pub fn fresh_table(&mut self, used: &mut usize) -> Channel {
        match self {
            Target::Orderbell(o) => {
                *used += 1;
                Channel::Table(o.table_count() - *used)
            }
            Target::Nchan(n) => Channel::Nchan(n.fresh_channel()),
        }
    }

    pub fn store(&mut self) -> Channel {
        match self {
            Target::Orderbell(_) => Channel::Store,
            Target::Nchan(n) => Channel::Nchan(n.fresh_channel()),
        }
    }

    pub fn sub_path(&self, channel: &Channel, websocket: bool) -> String {
        match (self, channel) {
            (Target::Orderbell(o), Channel::Table(i)) => o.table_path(*i, websocket),
            (Target::Orderbell(o), _) => o.store_path(websocket),
            (Target::Nchan(_), Channel::Nchan(id)) => Nchan::sub_path(id),
            (Target::Nchan(_), _) => Nchan::sub_path("unused"),
        }
    }

    pub fn filter(&self, channel: &Channel, websocket: bool) -> Option<String> {
        match self {
            Target::Orderbell(_) => Some(Orderbell::filter(matches!(channel, Channel::Store), websocket)),
            Target::Nchan(_) => None,
        }
    }

    /// Before a store-stream scenario: what each payment needs in place (an unpaid order whose
    /// dish carries the sequence number, on table `seq % tables`).
    pub async fn prepare(&mut self, channel: &Channel, seqs: std::ops::Range<u64>) -> io::Result<()> {
        if let (Target::Orderbell(o), Channel::Store) = (self, channel) {
            let tables = o.table_count() as u64;
            for seq in seqs {
                o.prepare_order((seq % tables) as usize, seq).await?;
            }
        }
        Ok(())
    }

    /// The requests that trigger `seq` on `channel`; the last one is the one timed.
    pub fn trigger(&mut self, channel: &Channel, seq: u64) -> Vec<Request> {
        match (self, channel) {
            (Target::Orderbell(o), Channel::Table(i)) => o.cart_change(*i, seq),
            (Target::Orderbell(o), _) => o.payment(seq),
            (Target::Nchan(_), Channel::Nchan(id)) => Nchan::publish(id, seq),
            (Target::Nchan(_), _) => Vec::new(),
        }
    }

    pub fn stop(&mut self) {
        match self {
            Target::Orderbell(o) => o.stop(),
            Target::Nchan(n) => n.stop(),
        }
    }
}

/// A loopback port free right now (the server binds it a moment later).
fn free_port() -> io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits (at most 60 s) until `addr`, served by `process`, accepts a connection; fails at once
/// when the process has exited.
async fn wait_listening(addr: SocketAddr, process: &mut std::process::Child) -> io::Result<()> {
    for _ in 0..600 {
        if Conn::connect(addr).await.is_ok() {
            return Ok(());
        }
        if let Some(status) = process.try_wait()? {
            return Err(io::Error::other(format!("the server for {addr} exited ({status})")));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(io::Error::other(format!("nothing listens on {addr} after 60 s")))
}

fn signal(pid: u32, signal: rustix::process::Signal) {
    if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
        let _ = rustix::process::kill_process(pid, signal);
    }
}
