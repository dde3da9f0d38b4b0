//! Menu management end to end: the owner's categories and dishes, 估清 seen live on the table
//! streams, photos, and import/export — the real server, real sockets, real client crates.

mod bad_input;
mod live;
mod manage;
mod photos;
mod transfer;

use orderbell_shared::{DishDTO, MenuDTO};
use orderbell_tests::TestServer;
pub use orderbell_tests::refused;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A request with `token` and an optional JSON body; the raw response.
pub async fn send(
    server: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = server.http.request(method, server.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request reaches the server")
}

/// As the demo store's owner.
pub async fn owner(server: &TestServer, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
    send(server, method, path, &server.merchant, body).await
}

/// Assert a success with `status`, and read its body.
pub async fn ok<T: DeserializeOwned>(response: reqwest::Response, status: u16) -> T {
    let got = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(got, status, "expected {status}: {text}");
    serde_json::from_str(&text).expect("the documented body")
}

pub async fn menu(server: &TestServer) -> MenuDTO {
    let response = server
        .http
        .get(server.url("/api/stores/1/menu"))
        .send()
        .await
        .expect("menu");
    ok(response, 200).await
}

pub fn dish<'a>(menu: &'a MenuDTO, name: &str) -> &'a DishDTO {
    menu.categories
        .iter()
        .flat_map(|c| &c.dishes)
        .find(|d| d.cuisine_name == name)
        .unwrap_or_else(|| panic!("{name} is on the menu"))
}
