//! The owner issues a credential per device, with a name and a role, and sees them listed; each
//! role does only its part (docs/ROLES.md).

use orderbell_shared::access::{CredentialInfo, Role};
use orderbell_shared::heard::DeviceKind;
use orderbell_tests::{PATIENCE, Sse, TestServer};
use serde_json::json;

use crate::{devices, get, issue, refused};

#[tokio::test]
async fn the_owner_issues_a_device_which_is_listed_with_its_role_and_when_it_was_seen() {
    let server = TestServer::start().await;
    let tablet = issue(&server, 1, &server.merchant, "厨房平板", Role::Kitchen).await;
    assert!(tablet.credential.starts_with("v."), "{}", tablet.credential);
    assert_eq!(
        (tablet.store_id, tablet.role, tablet.name.as_str()),
        (1, Role::Kitchen, "厨房平板")
    );
    assert_eq!(
        tablet.pairing_link,
        format!("{}/?token={}", server.url(""), tablet.credential)
    );

    let listed = devices(&server, 1, &server.merchant).await;
    let row = listed.iter().find(|d| d.device_id == tablet.device_id).expect("listed");
    assert_eq!(
        (row.role, row.kind, row.online, row.revoked),
        (Role::Kitchen, DeviceKind::Kitchen, false, false)
    );
    assert_eq!(row.last_seen_at, None, "never connected yet");

    // It connects: online, and seen. The device is its credential, whatever the query says.
    let url = server.url("/api/stores/1/events?device=somebody-else&deviceName=x");
    let stream = Sse::connect(&url, &tablet.credential, None).connected().await;
    // When it was seen is written beside the stream, not before it.
    let seen = async {
        loop {
            let listed = devices(&server, 1, &server.merchant).await;
            let row = listed
                .iter()
                .find(|d| d.device_id == tablet.device_id)
                .cloned()
                .expect("listed");
            if row.last_seen_at.is_some() {
                return (listed, row);
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    let (listed, row) = tokio::time::timeout(PATIENCE, seen).await.expect("seen");
    assert!(row.online, "{row:?}");
    assert_eq!(row.name, "厨房平板");
    assert!(!listed.iter().any(|d| d.device_id == "somebody-else"));
    drop(stream);

    let me: CredentialInfo = get(&server, "/api/credential", &tablet.credential)
        .await
        .json()
        .await
        .expect("who am I");
    assert_eq!(
        (me.device_id, me.store_id, me.role),
        (tablet.device_id, 1, Role::Kitchen)
    );
}

#[tokio::test]
async fn bad_device_requests_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let before = devices(&server, 1, &server.merchant).await;
    let add = |body: serde_json::Value| server.post("/api/stores/1/devices", &server.merchant, body);
    // The demo store's kitchen is 厨房 already: a name is one device.
    let body = refused(
        add(json!({"name": "厨房", "role": "kitchen"})).await,
        409,
        "device_name_taken",
    )
    .await;
    assert!(body.message.contains("厨房"), "{}", body.message);
    refused(
        add(json!({"name": " ", "role": "counter"})).await,
        422,
        "invalid_device",
    )
    .await;
    refused(
        add(json!({"name": "名".repeat(31), "role": "counter"})).await,
        422,
        "invalid_device",
    )
    .await;
    refused(
        add(json!({"name": "前台", "role": "merchant"})).await,
        422,
        "invalid_body",
    )
    .await;
    refused(add(json!({"name": "前台"})).await, 422, "invalid_body").await;
    refused(
        server
            .http
            .delete(server.url("/api/stores/1/devices/999"))
            .bearer_auth(&server.merchant)
            .send()
            .await
            .expect("sent"),
        404,
        "device_not_found",
    )
    .await;
    assert_eq!(devices(&server, 1, &server.merchant).await, before);
}

#[tokio::test]
async fn counter_and_kitchen_devices_cannot_change_the_devices_or_the_stores_settings() {
    let server = TestServer::start().await;
    let counter = issue(&server, 1, &server.merchant, "前台电脑", Role::Counter).await;
    let before = devices(&server, 1, &server.merchant).await;
    for token in [&counter.credential, &server.kitchen] {
        let body = refused(
            server
                .post(
                    "/api/stores/1/devices",
                    token,
                    json!({"name": "新设备", "role": "owner"}),
                )
                .await,
            403,
            "role_not_allowed",
        )
        .await;
        assert!(
            body.message.contains("店主"),
            "the refusal says who may: {}",
            body.message
        );
        let delete = server
            .http
            .delete(server.url(&format!("/api/stores/1/devices/{}", counter.device_id)))
            .bearer_auth(token)
            .send();
        refused(delete.await.expect("sent"), 403, "role_not_allowed").await;
        let settings = server
            .http
            .put(server.url("/api/stores/1/alert-settings"))
            .bearer_auth(token)
            .json(&json!({"escalateAfterSecs": 30, "unheardAction": "none", "unheardActionAfterSecs": 300}))
            .send();
        refused(settings.await.expect("sent"), 403, "role_not_allowed").await;
    }
    assert_eq!(devices(&server, 1, &server.merchant).await, before, "nothing changed");

    // The counter handles orders and the kitchen cooks; only the kitchen may not accept.
    let order = server.order(1, &[(1001, 1)]).await;
    let id = order.order.order_id;
    server.pay_landed(&order).await;
    refused(
        server
            .post_empty(&format!("/api/orders/{id}/accept"), &server.kitchen)
            .await,
        403,
        "forbidden",
    )
    .await;
    for (step, token) in [
        ("accept", &counter.credential),
        ("ready", &server.kitchen),
        ("complete", &counter.credential),
    ] {
        let response = server.post_empty(&format!("/api/orders/{id}/{step}"), token).await;
        assert_eq!(response.status(), 200, "{step}");
    }
}
