//! A merchant app catching up across pruning: it resumes from an old but still kept id and reads
//! slowly while many new events are written and maintenance prunes the old ones under it. Over
//! SSE and over WebSocket, it gets consecutive ids, and where a hole appears, a `resync` first:
//! never a silent jump.

use std::time::Duration;

use orderbell_tests::{PATIENCE, ServerProcess};

use crate::follow::{Follower, Transport};
use crate::{accepted_order, big_orders, flip, head, provider, scale, send_buffer_max};

const RETENTION: u64 = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catching_up_across_pruning_never_jumps_silently() {
    let new_events: usize = scale(1_000, 10_000);
    let (provider, mut flags) = provider();
    flags.extend(
        [
            "--event-retention",
            &RETENTION.to_string(),
            "--maintenance-millis",
            "100",
        ]
        .map(str::to_owned),
    );
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = ServerProcess::start(&flags).await;
    let orders = [
        accepted_order(&server, &provider, 1).await,
        accepted_order(&server, &provider, 2).await,
    ];
    flip(&server, &orders[0], 2 * usize::try_from(RETENTION).expect("small")).await;
    // Old, but still kept: within the newest RETENTION events.
    let resume_from = head(&server).await - RETENTION * 4 / 5;

    let slow = Duration::from_millis(200);
    let followers = [
        ("SSE", Follower::start(&server, Transport::Sse, Some(resume_from), slow)),
        (
            "WebSocket",
            Follower::start(&server, Transport::Ws, Some(resume_from), slow),
        ),
    ];
    // Past the kernel's buffers too: only then does the server's cursor itself fall behind the
    // pruning, rather than the bytes waiting in the socket.
    let lag_bytes = send_buffer_max() * 3 / 2;
    let flips = futures_util::future::join_all(orders.iter().map(|order| flip(&server, order, new_events / 2)));
    let big = futures_util::future::join_all((5..=8).map(|table| big_orders(&server, &provider, table, lag_bytes / 4)));
    futures_util::future::join(flips, big).await;
    let last = head(&server).await;

    for (name, follower) in &followers {
        follower.set_delay(Duration::ZERO);
        let seen = follower.until(last, PATIENCE * 4).await;
        seen.assert_no_silent_jump(&format!("catching up over {name}"));
        assert_eq!(
            seen.ids().first(),
            Some(&(resume_from + 1)),
            "{name} resumes right after its id, which was still kept"
        );
        println!(
            "catch-up over {name}: from id {resume_from} to {last} with retention {RETENTION}: {} events, {} resyncs, {} connections",
            seen.ids().len(),
            seen.resyncs(),
            seen.connects
        );
    }
}
