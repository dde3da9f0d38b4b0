//! Stores, roles and device credentials, end to end: the operator creates a store, its owner
//! issues and revokes devices, each role does only its part, and two stores never see each other.

mod devices;
mod isolation;
mod revoke;
mod stores;

use orderbell_shared::access::{IssuedDevice, Role};
use orderbell_shared::heard::DeviceDTO;
use orderbell_tests::TestServer;
pub use orderbell_tests::refused;
use serde_json::json;

/// GET `path` with `token`: the raw response.
pub async fn get(server: &TestServer, path: &str, token: &str) -> reqwest::Response {
    server
        .http
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent")
}

/// The store's device list, as its owner sees it.
pub async fn devices(server: &TestServer, store: i64, owner: &str) -> Vec<DeviceDTO> {
    let response = get(server, &format!("/api/stores/{store}/devices"), owner).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("the device list")
}

/// The owner issues a credential for a new device.
pub async fn issue(server: &TestServer, store: i64, owner: &str, name: &str, role: Role) -> IssuedDevice {
    let response = server
        .post(
            &format!("/api/stores/{store}/devices"),
            owner,
            json!({"name": name, "role": role}),
        )
        .await;
    assert_eq!(response.status(), 201, "the owner issues a device");
    response.json().await.expect("the issued device")
}
