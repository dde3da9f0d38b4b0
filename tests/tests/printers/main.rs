//! The store's printers, end to end: a device adds a printer (it becomes that device's), the
//! owner edits it and hands it to another device, removes it; every device reads the list, each
//! change is told on the store stream, and bad input, a printer added twice, a kitchen device
//! and another store are refused without changing anything.

mod manage;
mod refusals;

use orderbell_shared::MenuDTO;
use orderbell_shared::access::{CredentialInfo, IssuedDevice, Role};
use orderbell_shared::printing::PrinterDTO;
use orderbell_tests::TestServer;
use serde_json::{Value, json};

/// A network printer body, as the app's form sends it.
pub fn network(name: &str, host: &str) -> Value {
    json!({
        "name": name,
        "role": "kitchen",
        "connection": {"kind": "network", "host": host, "port": 9100},
        "paper": "mm80",
    })
}

pub async fn add(server: &TestServer, token: &str, body: Value) -> reqwest::Response {
    server.post("/api/stores/1/printers", token, body).await
}

/// Add a printer that must be taken.
pub async fn added(server: &TestServer, token: &str, body: Value) -> PrinterDTO {
    let response = add(server, token, body).await;
    let status = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(status, 201, "the printer is added: {text}");
    serde_json::from_str(&text).expect("a printer")
}

pub async fn patch(server: &TestServer, token: &str, printer_id: i64, body: Value) -> reqwest::Response {
    let request = server
        .http
        .patch(server.url(&format!("/api/printers/{printer_id}")))
        .bearer_auth(token)
        .json(&body);
    request.send().await.expect("PATCH reaches the server")
}

pub async fn delete(server: &TestServer, token: &str, printer_id: i64) -> reqwest::Response {
    let request = server
        .http
        .delete(server.url(&format!("/api/printers/{printer_id}")))
        .bearer_auth(token);
    request.send().await.expect("DELETE reaches the server")
}

/// The store's printers as `token`'s device reads them.
pub async fn printers(server: &TestServer, token: &str) -> Vec<PrinterDTO> {
    let response = server.get("/api/stores/1/printers", token).await;
    assert_eq!(response.status(), 200, "a device of the store reads its printers");
    response.json().await.expect("the printer list")
}

/// Who `token` is: its device id as printers name it.
pub async fn device_of(server: &TestServer, token: &str) -> CredentialInfo {
    let response = server.get("/api/credential", token).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("the credential")
}

/// The owner pairs a new device of store 1.
pub async fn issue(server: &TestServer, name: &str, role: Role) -> IssuedDevice {
    let body = json!({"name": name, "role": role});
    let response = server.post("/api/stores/1/devices", &server.merchant, body).await;
    assert_eq!(response.status(), 201, "the owner issues a device");
    response.json().await.expect("the issued device")
}

/// The demo menu's categories, by name.
pub async fn category(server: &TestServer, name: &str) -> i64 {
    let response = server.get("/api/stores/1/menu", &server.merchant).await;
    let menu: MenuDTO = response.json().await.expect("the menu");
    let found = menu.categories.iter().find(|c| c.name == name);
    found.unwrap_or_else(|| panic!("the demo menu has {name}")).category_id
}
