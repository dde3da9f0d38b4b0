//! Two instances on one database and one Redis (`--redis-url`): what is done on one reaches the
//! clients of the other — carts, menus, payments, 催单 — a merchant resumes on either without
//! loss or duplicates, revocations hold on both, and Redis killed mid-flow loses nothing.
//!
//! A private `redis-server` runs beside each test (`tests/src/services/redis.rs`).

mod access;
mod carts;
mod durable;
mod outage;

use orderbell_shared::SubmittedOrder;
use orderbell_tests::Api;
use orderbell_tests::cluster::Cluster;

/// Two instances, both subscribed to Redis.
pub async fn two() -> Cluster {
    let cluster = Cluster::start(2).await;
    for instance in &cluster.instances {
        instance.connected().await;
    }
    cluster
}

/// The order's 催单, as its customer presses it.
pub async fn remind(api: &Api, order: &SubmittedOrder) {
    let path = format!("/api/orders/{}/reminders", order.order.order_id);
    let answer = api.post_empty(&path, &order.token).await;
    assert_eq!(answer.status(), 201, "a paid order's customer may 催单");
}
