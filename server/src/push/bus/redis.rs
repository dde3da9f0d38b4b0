//! The bus's connections to Redis: one subscribed to the channel every instance publishes on,
//! one that publishes this instance's notes in pipelined batches, and the presence round. Each
//! keeps trying after Redis goes away; meanwhile writes commit as ever and this instance's
//! clients are fed from the database ([`Recipient::catch_up`]).

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use ::redis::aio::{MultiplexedConnection, PubSub};
use ::redis::{AsyncConnectionConfig, Client};
use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{Bus, Depth, Note, Recipient, Remote, wire};

/// The one channel: every instance hears every note, and its feeds drop at once what nobody
/// connected to it watches (a topic without listeners does not exist).
const CHANNEL: &str = "orderbell:push";
/// Between attempts to reach Redis, and between polls of the database while it is away.
const RETRY: Duration = Duration::from_secs(1);
/// A connection attempt or a command that takes longer counts as Redis being away.
const TIMEOUT: Duration = Duration::from_secs(5);
/// How often a quiet subscription is checked with a PING.
const CHECK: Duration = Duration::from_secs(5);
/// Notes per pipelined publish.
const BATCH: usize = 256;
/// How often each instance says which devices are connected to it; what is not said again
/// within three rounds is forgotten (the instance died).
const PRESENCE_ROUND: Duration = Duration::from_secs(5);

/// Run the bus until `shutdown`, handing what it hears to `here` (nothing to do on a single
/// node).
pub async fn run(bus: Arc<Bus>, shutdown: CancellationToken, here: impl Recipient) {
    let Some(remote) = &bus.remote else { return };
    let outgoing = remote.outgoing.lock().unwrap_or_else(PoisonError::into_inner).take();
    let Some(outgoing) = outgoing else { return };
    tokio::join!(
        listen(&shutdown, remote, &here),
        publish(&shutdown, remote, outgoing),
        presence(&shutdown, remote, &here)
    );
}

/// Subscribe, catch up, then hand every note to this instance; again after each disconnect.
async fn listen(shutdown: &CancellationToken, remote: &Remote, here: &impl Recipient) {
    loop {
        let subscribed = tokio::select! {
            () = shutdown.cancelled() => return,
            subscribed = tokio::time::timeout(TIMEOUT, subscribe(&remote.client)) => subscribed,
        };
        match subscribed {
            Ok(Ok(pubsub)) => {
                remote.health.up();
                // Subscribed first, then read: a change committed before is in the database, one
                // committed after comes on the channel (the feeds drop a copy of both).
                here.catch_up(Depth::Full).await;
                let (mut sink, mut messages) = pubsub.split();
                let mut check = tokio::time::interval(CHECK);
                check.reset();
                loop {
                    let message = tokio::select! {
                        () = shutdown.cancelled() => return,
                        message = messages.next() => message,
                        // A connection that hangs without closing (no reset) is found out here.
                        _ = check.tick() => match tokio::time::timeout(TIMEOUT, sink.ping::<::redis::Value>()).await {
                            Ok(Ok(_)) => continue,
                            _ => break,
                        },
                    };
                    let Some(message) = message else { break };
                    match wire::decode(message.get_payload_bytes()) {
                        Some((origin, _)) if origin == remote.origin => {}
                        Some((origin, note)) => here.deliver(origin, note).await,
                        None => tracing::warn!("a note on the bus could not be read; ignored"),
                    }
                }
                remote.health.down(&"the connection closed");
            }
            Ok(Err(e)) => remote.health.down(&e),
            Err(_) => remote.health.down(&"no answer in time"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(RETRY) => {}
        }
        // Degraded: clients here stay near-live from the database until Redis is back.
        here.catch_up(Depth::Poll).await;
    }
}

async fn subscribe(client: &Client) -> ::redis::RedisResult<PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(CHANNEL).await?;
    Ok(pubsub)
}

async fn connect(client: &Client) -> ::redis::RedisResult<MultiplexedConnection> {
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(TIMEOUT))
        .set_response_timeout(Some(TIMEOUT));
    client.get_multiplexed_async_connection_with_config(&config).await
}

/// Publish this instance's notes in order, a batch per round trip. Notes that cannot be
/// published are dropped, and once Redis takes notes again the first says `CatchUp`: the other
/// instances read from the database what they missed.
async fn publish(shutdown: &CancellationToken, remote: &Remote, mut outgoing: mpsc::Receiver<Note>) {
    let mut connection: Option<MultiplexedConnection> = None;
    let mut batch = Vec::with_capacity(BATCH);
    let mut lost = false;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            taken = outgoing.recv_many(&mut batch, BATCH) => if taken == 0 { return },
            // Nothing to send, but the others must hear `CatchUp` as soon as Redis is back.
            () = tokio::time::sleep(RETRY), if lost => {}
        }
        lost |= remote.health.overflowed.swap(false, Ordering::Relaxed);
        if connection.is_none() {
            connection = connect(&remote.client).await.ok();
        }
        let Some(open) = connection.as_mut() else {
            drop_notes(remote, &mut batch);
            lost = true;
            continue;
        };
        let mut pipe = ::redis::pipe();
        if lost {
            pipe.publish(CHANNEL, wire::encode(remote.origin, &Note::CatchUp))
                .ignore();
        }
        for note in &batch {
            pipe.publish(CHANNEL, wire::encode(remote.origin, note)).ignore();
        }
        match pipe.query_async::<()>(open).await {
            Ok(()) => {
                batch.clear();
                lost = false;
            }
            Err(e) => {
                tracing::debug!(error = %e, "publishing to Redis failed");
                connection = None;
                drop_notes(remote, &mut batch);
                lost = true;
            }
        }
    }
}

fn drop_notes(remote: &Remote, batch: &mut Vec<Note>) {
    let n = u64::try_from(batch.len()).unwrap_or(u64::MAX);
    remote.health.dropped.fetch_add(n, Ordering::Relaxed);
    batch.clear();
}

/// Say again which devices are connected here, and forget what other instances stopped saying.
/// Nothing is forgotten while Redis is away: an instance that cannot be heard is not presumed
/// dead (an alert must not escalate because its device sits on another instance).
async fn presence(shutdown: &CancellationToken, remote: &Remote, here: &impl Recipient) {
    let mut round = tokio::time::interval(PRESENCE_ROUND);
    round.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = round.tick() => {}
        }
        if !remote.health.connected.load(Ordering::Relaxed) {
            continue;
        }
        for (store_id, devices) in here.presence_round(PRESENCE_ROUND * 3) {
            remote.note(Note::Presence { store_id, devices });
        }
    }
}
