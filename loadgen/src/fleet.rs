//! The coordinator's side of the worker processes: start them with their share of the
//! subscribers, wait until every connection is up, follow their progress, collect the arrivals
//! they recorded, end them.

use std::net::Ipv4Addr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

use crate::worker::{Group, Spec};

/// At most this many connections per worker process (the open-file limit is 20,000).
pub const PER_WORKER: u64 = 15_000;

pub enum Report {
    Ready {
        ok: u64,
        failed: u64,
        first: u64,
        last: u64,
    },
    /// Arrivals (sequence number, count) since a worker's last progress line.
    Progress(Vec<(u64, u64)>),
    /// A worker's first arrivals (sequence number, ns) and duplicates since its last `Arrivals`.
    Arrivals {
        arrivals: Vec<(u64, u64)>,
        duplicates: u64,
    },
    Done {
        dropped: u64,
    },
}

pub struct Fleet {
    workers: Vec<(Child, Option<ChildStdin>)>,
    pub events: mpsc::UnboundedReceiver<Report>,
}

/// Connections up (or failed) across the workers; `first`..`last` spans from the first attempt to
/// the last connection ready.
#[derive(Default, Clone, Copy)]
pub struct Ready {
    pub ok: u64,
    pub failed: u64,
    pub first: u64,
    pub last: u64,
}

/// What the workers recorded: every first arrival, and the copies that came again.
#[derive(Default)]
pub struct Collected {
    pub arrivals: Vec<(u64, u64)>,
    pub duplicates: u64,
}

#[derive(Default)]
pub struct Ended {
    pub collected: Collected,
    pub dropped: u64,
}

/// Splits `groups` over `workers` processes of nearly equal size, splitting a group when needed.
fn split(groups: &[Group], workers: usize) -> Vec<Vec<Group>> {
    let total: u64 = groups.iter().map(|g| u64::from(g.count)).sum();
    let quota = total.div_ceil(workers as u64).max(1);
    let mut shares = vec![Vec::new()];
    let mut filled = 0u64;
    for group in groups {
        let mut left = u64::from(group.count);
        while left > 0 {
            if filled == quota {
                shares.push(Vec::new());
                filled = 0;
            }
            let take = left.min(quota - filled);
            if let Some(share) = shares.last_mut() {
                share.push(Group {
                    count: take as u32,
                    ..group.clone()
                });
            }
            filled += take;
            left -= take;
        }
    }
    shares
}

impl Fleet {
    /// Starts enough workers for `spec.groups` (at least `min_workers`), each with its share.
    pub async fn start(spec: &Spec, min_workers: usize) -> std::io::Result<Fleet> {
        let total: u64 = spec.groups.iter().map(|g| u64::from(g.count)).sum();
        let count = (total.div_ceil(PER_WORKER) as usize).max(min_workers);
        let exe = std::env::current_exe()?;
        let (tx, events) = mpsc::unbounded_channel();
        let mut workers = Vec::new();
        for (i, groups) in split(&spec.groups, count).into_iter().enumerate() {
            // Each worker its own source addresses, so that ports never run short.
            let sources = (0..4)
                .map(|k| Ipv4Addr::new(127, 0, 0, 2 + (i * 4 + k) as u8 % 250))
                .collect();
            let share = Spec {
                groups,
                sources,
                ..spec.clone()
            };
            let mut child = Command::new(&exe)
                .arg("worker")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .kill_on_drop(true)
                .spawn()?;
            let mut stdin = child.stdin.take();
            if let Some(stdin) = &mut stdin {
                let line = serde_json::to_string(&share).map_err(std::io::Error::other)? + "\n";
                stdin.write_all(line.as_bytes()).await?;
            }
            if let Some(stdout) = child.stdout.take() {
                tokio::spawn(forward(BufReader::new(stdout), tx.clone()));
            }
            workers.push((child, stdin));
        }
        Ok(Fleet { workers, events })
    }

    pub fn pids(&self) -> Vec<u32> {
        self.workers.iter().filter_map(|(c, _)| c.id()).collect()
    }

    /// Waits until every worker has every connection up or failed.
    pub async fn ready(&mut self, limit: Duration) -> Ready {
        let mut ready = Ready {
            first: u64::MAX,
            ..Ready::default()
        };
        let mut reported = 0;
        let deadline = tokio::time::Instant::now() + limit;
        while reported < self.workers.len() {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(Report::Ready {
                    ok,
                    failed,
                    first,
                    last,
                })) => {
                    reported += 1;
                    ready.ok += ok;
                    ready.failed += failed;
                    ready.first = ready.first.min(first);
                    ready.last = ready.last.max(last);
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        ready
    }

    /// The arrivals every worker recorded since the last time (progress lines meanwhile are
    /// dropped: the caller has what it needed from them).
    pub async fn collect(&mut self) -> Collected {
        let mut asked = 0;
        for (_, stdin) in &mut self.workers {
            if let Some(stdin) = stdin
                && stdin.write_all(b"A\n").await.is_ok()
            {
                asked += 1;
            }
        }
        let mut collected = Collected::default();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let mut answered = 0;
        while answered < asked {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(Report::Arrivals { arrivals, duplicates })) => {
                    answered += 1;
                    collected.add(Collected { arrivals, duplicates });
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        collected
    }

    /// Closes every worker's connections and collects what they recorded since the last time.
    pub async fn end(mut self) -> Ended {
        let mut ended = Ended::default();
        for (_, stdin) in &mut self.workers {
            stdin.take();
        }
        let mut done = 0;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while done < self.workers.len() {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(Report::Done { dropped })) => {
                    done += 1;
                    ended.dropped += dropped;
                }
                Ok(Some(Report::Arrivals { arrivals, duplicates })) => {
                    ended.collected.add(Collected { arrivals, duplicates })
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        for (child, _) in &mut self.workers {
            if tokio::time::timeout(Duration::from_secs(5), child.wait())
                .await
                .is_err()
            {
                let _ = child.kill().await;
            }
        }
        ended
    }
}

impl Collected {
    pub fn add(&mut self, mut more: Collected) {
        self.arrivals.append(&mut more.arrivals);
        self.duplicates += more.duplicates;
    }
}

async fn forward(mut from: BufReader<tokio::process::ChildStdout>, tx: mpsc::UnboundedSender<Report>) {
    let mut line = String::new();
    while from.read_line(&mut line).await.is_ok_and(|n| n > 0) {
        let mut fields = line.split_whitespace();
        let kind = fields.next();
        let mut numbers = fields.map(|v| v.parse::<u64>().unwrap_or(0));
        let mut number = || numbers.next().unwrap_or(0);
        let report = match kind {
            Some("P") => {
                let mut pairs = Vec::new();
                loop {
                    let (key, count) = (number(), number());
                    if count == 0 {
                        break;
                    }
                    pairs.push((key, count));
                }
                Report::Progress(pairs)
            }
            Some("A") => {
                let (count, duplicates) = (number(), number());
                let mut bytes = vec![0; count as usize * 16];
                if from.read_exact(&mut bytes).await.is_err() {
                    return;
                }
                let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
                let arrivals = bytes.chunks_exact(16).map(|p| (word(&p[..8]), word(&p[8..]))).collect();
                Report::Arrivals { arrivals, duplicates }
            }
            Some("R") => Report::Ready {
                ok: number(),
                failed: number(),
                first: number(),
                last: number(),
            },
            Some("D") => Report::Done { dropped: number() },
            _ => {
                line.clear();
                continue;
            }
        };
        line.clear();
        if tx.send(report).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split;
    use crate::worker::Group;

    #[test]
    fn shares_are_even_and_keep_every_subscriber() {
        let group = |port, path: &str, count| Group {
            server: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
            path: path.to_owned(),
            count,
        };
        let groups = vec![group(1, "/a", 10_000), group(2, "/b", 3)];
        let shares = split(&groups, 2);
        assert_eq!(shares.len(), 2);
        let counts: Vec<u32> = shares.iter().map(|s| s.iter().map(|g| g.count).sum()).collect();
        assert_eq!(counts, vec![5_002, 5_001]);
        let servers: Vec<u16> = shares.iter().flatten().map(|g| g.server.port()).collect();
        assert_eq!(servers, vec![1, 1, 2], "a split group keeps its server");
    }
}
