//! What must not go stale in one instance's memory: a device revoked on A is cut off and refused
//! on B, and a table link regenerated on A is refused by B.

use orderbell_shared::access::IssuedDevice;
use orderbell_tests::{PATIENCE, Sse, refused};
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
