//! Redis killed and started again in the middle of a flow of 500 paid orders: payments still
//! commit on A, the merchant on B is fed from the database meanwhile, and in the end has every
//! order event exactly once, in id order; the bus's counters say delivery was degraded.

use std::collections::HashMap;

use futures_util::StreamExt as _;
use orderbell_shared::Event;
use orderbell_tests::Api;
use orderbell_tests::metrics::{scrape, value};

use super::two;

const ORDERS: usize = 500;

/// `n` orders paid on `api`: the twelve demo tables in parallel, one order after another at each
/// (a table has one shared cart).
async fn flow(api: &Api, n: usize) {
    futures_util::stream::iter(0..12)
        .for_each_concurrent(12, |table| async move {
            for _ in (table..n).step_by(12) {
                api.paid(1 + i64::try_from(table).expect("small"), &[(1001, 1)]).await;
            }
        })
        .await;
}

/// Wait until `/readyz` of `api` says `ready` (200) or not (503, naming Redis).
async fn eventually_ready(api: &Api, ready: bool) {
    let wait = async {
        loop {
            let response = api.get("/readyz", "").await;
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            if ready && status == 200 {
                return;
            }
            if !ready && status == 503 {
                assert!(body.contains("\"redis\":{\"status\":\"unavailable\"}"), "{body}");
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(orderbell_tests::PATIENCE, wait)
        .await
        .unwrap_or_else(|_| panic!("/readyz never said ready={ready}"));
}

#[tokio::test]
async fn redis_killed_and_restarted_mid_flow_loses_and_doubles_no_order_event() {
    let mut cluster = two().await;
    let mut merchant = cluster.instances[1].store_stream(None).await;
    let mut paid: HashMap<i64, usize> = HashMap::new();
    let mut ids = Vec::new();
    let mut outage = 0;
    // The flow borrows the instances; it ends before the cluster stops.
    {
        let payments = flow(&cluster.instances[0], ORDERS);
        tokio::pin!(payments);
        let mut flowing = true;
        while paid.len() < ORDERS {
            let event = tokio::select! {
                () = &mut payments, if flowing => { flowing = false; continue }
                event = merchant.next_durable() => event.expect("no resync: nothing was pruned"),
            };
            let (id, event) = event;
            ids.push(id);
            if let Event::OrderPaid(order) = event {
                *paid.entry(order.order_id).or_default() += 1;
            }
            // A third of the way: kill Redis. Two thirds: start it again.
            if outage == 0 && paid.len() >= ORDERS / 3 {
                cluster.redis.kill().await;
                outage = 1;
                // A balancer or a person reading /readyz on the other instance sees it.
                eventually_ready(&cluster.instances[1], false).await;
            } else if outage == 1 && paid.len() >= 2 * ORDERS / 3 {
                cluster.redis.restart().await;
                outage = 2;
            }
        }
        if flowing {
            payments.await;
        }
    }
    if outage == 1 {
        cluster.redis.restart().await;
    }
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "every event once, in id order: {ids:?}"
    );
    assert!(
        paid.values().all(|&n| n == 1),
        "each order's payment heard exactly once"
    );
    for instance in &cluster.instances {
        instance.connected().await;
        let status = instance.bus.status();
        assert_eq!(
            status.reconnects, 1,
            "one outage, one reconnect, no flapping: {status:?}"
        );
        assert!(
            status.outage_seconds > 0.0,
            "the counters say delivery was degraded: {status:?}"
        );
        eventually_ready(instance, true).await;
        let metrics = scrape(instance).await;
        let value = |series: &str| value(&metrics, series);
        assert_eq!(value("orderbell_redis_connected"), 1.0, "subscribed again");
        assert_eq!(value("orderbell_redis_reconnects_total"), 1.0, "one reconnect");
        assert!(
            value("orderbell_redis_outage_seconds_total") > 0.0,
            "the outage is on record"
        );
    }
    cluster.stop().await;
}
