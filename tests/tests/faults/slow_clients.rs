//! A slow merchant app (one event per 100 ms) and a stalled one (a socket that asks for the
//! store stream and never reads) beside 50 ordinary ones, while events flow: the 50 get every
//! event in order, the stalled one is cut off within the write timeout, the server's memory
//! stays bounded, and the slow one ends with every event exactly once.

use std::time::Duration;

use orderbell_tests::{PATIENCE, ServerProcess};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

use crate::follow::{Follower, Transport};
use crate::{
    accepted_order, assert_consecutive, big_orders, flip, head, percentiles, provider, scale, send_buffer_max,
};

const WRITE_TIMEOUT_SECS: u64 = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_stalled_subscribers_delay_no_one_and_lose_nothing() {
    let events_per_order: usize = scale(250, 5_000);
    let (provider, mut flags) = provider();
    flags.extend(["--write-timeout-secs".to_owned(), WRITE_TIMEOUT_SECS.to_string()]);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = ServerProcess::start(&flags).await;

    let orders = [
        accepted_order(&server, &provider, 1).await,
        accepted_order(&server, &provider, 2).await,
        accepted_order(&server, &provider, 3).await,
        accepted_order(&server, &provider, 4).await,
    ];
    let normal: Vec<Follower> = (0..50)
        .map(|_| Follower::start(&server, Transport::Sse, Some(0), Duration::ZERO))
        .collect();
    let slow = Follower::start(&server, Transport::Sse, Some(0), Duration::from_millis(100));
    let mut stalled = stalled_subscriber(&server.url(""), &server.merchant).await;
    let first = head(&server).await;
    for follower in &normal {
        follower.until(first, PATIENCE).await;
    }
    let before = server.resources();

    // Events flow while the server's memory is watched.
    let mut peak_kib = before.rss_kib;
    // More bytes than the kernel buffers for the stalled socket (its send buffer grows up to
    // tcp_wmem's maximum): only then do the server's writes to it stall.
    let stall_bytes = send_buffer_max() * 3 / 2;
    let flips = futures_util::future::join_all(orders.iter().map(|order| flip(&server, order, events_per_order)));
    let big =
        futures_util::future::join_all((5..=8).map(|table| big_orders(&server, &provider, table, stall_bytes / 4)));
    let flow = futures_util::future::join(flips, big);
    tokio::pin!(flow);
    loop {
        tokio::select! {
            _ = &mut flow => break,
            () = tokio::time::sleep(Duration::from_millis(100)) => peak_kib = peak_kib.max(server.resources().rss_kib),
        }
    }
    let last = head(&server).await;
    slow.set_delay(Duration::ZERO);

    let mut latencies = Vec::new();
    for (n, follower) in normal.iter().enumerate() {
        let seen = follower.until(last, PATIENCE * 2).await;
        assert_consecutive(&seen.ids(), 1, &format!("subscriber {n}"));
        // Unheard orders escalate meanwhile, so the head may have moved on; never past it.
        let head_now = head(&server).await;
        assert!(seen.ids().last().is_some_and(|id| (last..=head_now).contains(id)));
        latencies.extend(seen.latencies_ms);
    }
    let seen = slow.until(last, PATIENCE * 4).await;
    assert_consecutive(&seen.ids(), 1, "the slow subscriber, across its reconnects");

    let after = server.resources();
    let (p50, p99) = percentiles(&mut latencies);
    println!(
        "slow clients: {} events ({} KiB of large orders) to 50 subscribers, delivery p50 {p50} ms, p99 {p99} ms",
        last - first,
        stall_bytes / 1024
    );
    println!("slow clients: the slow one connected {} times", seen.connects);
    println!(
        "slow clients: server RSS {} KiB before, {peak_kib} KiB at peak, {} KiB after; fds {} -> {}",
        before.rss_kib, after.rss_kib, before.fds, after.fds
    );
    // The stalled socket, read at last: the server must have closed it long ago.
    tokio::time::sleep(Duration::from_secs(WRITE_TIMEOUT_SECS + 2)).await;
    let mut sink = vec![0; 1 << 16];
    let mut buffered = 0;
    let closed = tokio::time::timeout(PATIENCE, async {
        loop {
            match stalled.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffered += n,
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "the stalled subscriber is still connected {WRITE_TIMEOUT_SECS}s after its writes stopped"
    );
    println!("slow clients: the stalled one was cut off with {buffered} bytes unread");
}

/// A merchant app that sends its request and then never reads: the smallest receive buffer,
/// so the server's writes stall as soon as possible.
async fn stalled_subscriber(base: &str, token: &str) -> TcpStream {
    let addr = base.trim_start_matches("http://").parse().expect("host:port");
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    let mut stream = socket.connect(addr).await.expect("connect");
    let request = format!(
        "GET /api/stores/1/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("request");
    stream
}
