//! The owner's table requests, and what the answers hold.

use orderbell_shared::{ErrorBody, StoreTablesDTO, TableDTO};
use orderbell_tests::Api;

/// `GET /api/stores/1/tables` as the owner.
pub async fn tables(api: &Api) -> StoreTablesDTO {
    let response = api
        .http
        .get(api.url("/api/stores/1/tables"))
        .bearer_auth(&api.merchant)
        .send()
        .await
        .expect("list request");
    assert_eq!(response.status(), 200, "the owner lists the tables");
    response.json().await.expect("tables")
}

/// Every table of the store, area by area.
pub fn all(tables: &StoreTablesDTO) -> Vec<&TableDTO> {
    tables.areas.iter().flat_map(|a| &a.tables).collect()
}

pub async fn table(api: &Api, number: &str) -> TableDTO {
    let tables = tables(api).await;
    all(&tables)
        .into_iter()
        .find(|t| t.number == number)
        .cloned()
        .unwrap_or_else(|| panic!("table {number} is listed"))
}

/// `GET` a generated file as the owner: its content type and bytes.
pub async fn file(api: &Api, path: &str) -> (String, Vec<u8>) {
    let response = api
        .http
        .get(api.url(path))
        .bearer_auth(&api.merchant)
        .send()
        .await
        .expect("file request");
    assert_eq!(response.status(), 200, "{path}");
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (kind, response.bytes().await.expect("file body").to_vec())
}

/// A refusal's status and code.
pub async fn refusal(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: ErrorBody = response.json().await.expect("JSON error body");
    assert!(
        body.message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "a person reads it in Chinese: {}",
        body.message
    );
    (status, body.code)
}

/// The token in a table link.
pub fn token_of(link: &str) -> &str {
    link.split_once("token=").map(|(_, t)| t).expect("a token in the link")
}
