//! What must not go stale in one instance's memory: a device revoked on A is cut off and refused
//! on B, a table link regenerated on A is refused by B, and a device connected to B is online
//! on A.

use std::time::Duration;

use orderbell_shared::access::IssuedDevice;
use orderbell_shared::heard::Presence;
use orderbell_tests::{Api, PATIENCE, Sse, refused};
use serde_json::json;

use super::two;

#[tokio::test]
async fn a_credential_revoked_on_one_instance_ends_its_stream_on_the_other_and_is_refused_there() {
    let cluster = two().await;
    let (a, b) = (&cluster.instances[0], &cluster.instances[1]);
    let issued = a
        .post(
            "/api/stores/1/devices",
            &a.merchant,
            json!({"name": "厨房平板", "role": "kitchen"}),
        )
        .await;
    assert_eq!(issued.status(), 201);
    let tablet: IssuedDevice = issued.json().await.expect("the issued device");
    let mut stream = Sse::connect(&b.url("/api/stores/1/events?device=tablet"), &tablet.credential, None)
        .connected()
        .await;

    let revoke = a
        .http
        .delete(a.url(&format!("/api/stores/1/devices/{}", tablet.device_id)))
        .bearer_auth(&a.merchant)
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoke.status(), 204);

    // The tablet's stream on B ends with the reason, then B refuses the credential.
    loop {
        let event = stream.next_event().await;
        if event.event_type == "error" {
            assert!(event.data.contains("device_revoked"), "{}", event.data);
            break;
        }
    }
    refused(
        b.get("/api/stores/1/orders", &tablet.credential).await,
        401,
        "device_revoked",
    )
    .await;
    cluster.stop().await;
}

#[tokio::test]
async fn a_table_link_regenerated_on_one_instance_is_refused_by_the_other() {
    let cluster = two().await;
    let (a, b) = (&cluster.instances[0], &cluster.instances[1]);
    let old = b.table_token(4).to_owned();
    // B knows the link (it checked it), and a phone watches the table through B with it.
    let mut watching = b
        .http
        .get(b.url(&format!("/api/store/order/sse/4?token={old}")))
        .send()
        .await
        .expect("the table stream on B");
    assert_eq!(watching.status(), 200);

    let regenerated = a.post_empty("/api/stores/1/tables/4/link", &a.merchant).await;
    assert_eq!(regenerated.status(), 200, "the owner regenerates the link on A");

    // B ends the stream opened with the old link, then refuses the link.
    tokio::time::timeout(PATIENCE, async {
        while watching.chunk().await.ok().flatten().is_some() {}
    })
    .await
    .expect("the stream on B ends");
    let cart = b.get("/api/store/order/cart/4", &old).await;
    refused(cart, 401, "link_revoked").await;
    let rejoin = b.post("/api/tables/4/diners", &old, json!({})).await;
    refused(rejoin, 401, "link_revoked").await;
    cluster.stop().await;
}

/// Whether the customer page served by `api` says someone at the restaurant will hear an order.
async fn merchant_online(api: &Api) -> bool {
    let answer = api.get("/api/tables/1/presence", api.table_token(1)).await;
    assert_eq!(answer.status(), 200);
    answer.json::<Presence>().await.expect("presence").merchant_online
}

/// Wait, bounded, until `api` says the merchant is `online`.
async fn merchant_becomes(api: &Api, online: bool) {
    let wait = async {
        while merchant_online(api).await != online {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .unwrap_or_else(|_| panic!("the merchant never became online={online}"));
}

#[tokio::test]
async fn a_device_connected_to_one_instance_is_online_on_the_other_until_it_leaves() {
    let cluster = two().await;
    let (a, b) = (&cluster.instances[0], &cluster.instances[1]);
    assert!(!merchant_online(a).await, "no device yet");
    // The counter's app connects to B: A counts it online, so A's alert round does not escalate
    // an order paid through A as heard by nobody.
    let app = Sse::connect(&b.url("/api/stores/1/events?device=counter"), &b.merchant, None)
        .connected()
        .await;
    merchant_becomes(a, true).await;
    drop(app);
    merchant_becomes(a, false).await;
    cluster.stop().await;
}
