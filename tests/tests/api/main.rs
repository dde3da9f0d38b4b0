//! The HTTP API's OpenAPI document (`/api/openapi.json`) against the routes actually mounted.
//!
//! The server mounts each handler and adds its description in one call (`utoipa_axum::routes!`),
//! and clippy forbids mounting a route any other way, so nothing is served undescribed. This test
//! checks the other direction and the document's own soundness: every operation it lists is
//! answered by a handler (never `route_not_found` or `method_not_allowed`), and every schema it
//! refers to is defined. And, the document being the whole API, it drives the check that no
//! store's credential reaches another store's anything, route by route.

use orderbell_shared::{ErrorBody, OrderStatus};
use orderbell_tests::TestServer;
use serde_json::Value;

async fn document(server: &TestServer) -> Value {
    let response = server
        .http
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json", "served as JSON");
    response.json().await.expect("the document is JSON")
}

/// A concrete URL for a templated path: ids become 1, a payment provider the simulator's.
fn concrete(path: &str) -> String {
    concrete_with(path, 1)
}

/// As [`concrete`], with `order` for the order id.
fn concrete_with(path: &str, order: i64) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{provider}" => "hmac".to_owned(),
            "{file}" => "customer.js".to_owned(),
            "{order_id}" => order.to_string(),
            s if s.starts_with('{') => "1".to_owned(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether an operation is open to anyone (`security: [{}]`, e.g. the public menu).
fn public(operation: &Value) -> bool {
    operation["security"]
        .as_array()
        .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|o| o.is_empty())))
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")),
        "OpenAPI 3.1: {}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    assert!(
        paths.len() >= 10,
        "the document lists the API, not a stub: {} paths",
        paths.len()
    );
    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            operations += 1;
            assert!(
                operation["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{method} {path} has a tag"
            );
            assert!(
                operation["responses"].is_object(),
                "{method} {path} lists its responses"
            );
            let url = server.url(&concrete(path));
            let request = match method.as_str() {
                "get" => server.http.get(&url),
                "post" => server.http.post(&url).json(&serde_json::json!({})),
                "put" => server.http.put(&url).json(&serde_json::json!({})),
                "patch" => server.http.patch(&url).json(&serde_json::json!({})),
                "delete" => server.http.delete(&url),
                other => panic!("{other} {path}: a method the test does not know"),
            };
            let response = request.send().await.expect("request");
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            if let Ok(error) = serde_json::from_str::<ErrorBody>(&body) {
                assert!(
                    !["route_not_found", "method_not_allowed"].contains(&error.code.as_str()),
                    "{method} {path} is documented but not served: {status} {}",
                    error.code
                );
            }
        }
    }
    assert!(operations >= paths.len());
}

#[tokio::test]
async fn every_schema_referred_to_is_defined() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    let schemas = doc["components"]["schemas"].as_object().expect("component schemas");
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty(), "operations refer to their bodies' schemas");
    for reference in refs {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("an unexpected reference {reference}"));
        assert!(schemas.contains_key(name), "{reference} is referred to but not defined");
    }
    // The errors every route answers with are described once, as the README says they look.
    let error = &schemas["ErrorBody"]["properties"];
    assert!(error["code"].is_object() && error["message"].is_object(), "{error}");
}

fn collect_refs(value: &Value, refs: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => refs.push(r.clone()),
                    _ => collect_refs(v, refs),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

#[tokio::test]
async fn no_route_of_one_store_answers_another_stores_credential() {
    let server = TestServer::start().await;
    let order = server.order(1, &[(1001, 1)]).await;
    server.pay(&order).await;
    let paid = async {
        while server.fetch_order(&order).await.status != OrderStatus::Paid {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(orderbell_tests::PATIENCE, paid)
        .await
        .expect("the payment lands");
    let doc = document(&server).await;
    let before = server
        .http
        .get(server.url("/api/stores/1/orders"))
        .bearer_auth(&server.merchant)
        .send()
        .await;
    let before: Value = before.expect("snapshot").json().await.expect("snapshot JSON");
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let of_store_one = ["{store_id}", "{order_id}", "{table_id}"]
            .iter()
            .any(|p| path.contains(p));
        for (method, operation) in item.as_object().expect("path item") {
            if !of_store_one || public(operation) {
                continue;
            }
            let url = concrete_with(path, order.order.order_id);
            let status = if path.starts_with("/ws/") {
                let request = format!("{}?token={}", server.ws_url(&url), server.other_merchant);
                match tokio_tungstenite::connect_async(request).await {
                    Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
                    other => panic!("{path}: another store's credential opened a socket: {other:?}"),
                }
            } else {
                // A body the route would take, so that only the credential can refuse it.
                let body = operation["requestBody"]["content"]["application/json"]["schema"].clone();
                let request = server
                    .http
                    .request(method.to_uppercase().parse().expect("a method"), server.url(&url))
                    .bearer_auth(&server.other_merchant)
                    .json(&sample(&body, &doc));
                request.send().await.expect("request").status().as_u16()
            };
            assert!(
                status == 403 || status == 404,
                "{method} {path}: another store's owner got {status}, not 403 or 404"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "the store's routes were tried: {checked}");
    let after = server
        .http
        .get(server.url("/api/stores/1/orders"))
        .bearer_auth(&server.merchant)
        .send()
        .await;
    let after: Value = after.expect("snapshot").json().await.expect("snapshot JSON");
    assert_eq!(before["orders"], after["orders"], "nothing of store 1 changed");
}

/// The smallest instance of `schema` that has every required field: what a well-formed request
/// looks like, built from the document alone.
fn sample(schema: &Value, doc: &Value) -> Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return sample(&doc["components"]["schemas"][name], doc);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema[key]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["type"] != "null"))
        {
            return sample(first, doc);
        }
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null").cloned().unwrap_or(Value::Null),
        kind => kind.clone(),
    };
    match kind.as_str() {
        Some("object") => {
            let mut object = serde_json::Map::new();
            for field in schema["required"].as_array().into_iter().flatten() {
                let name = field.as_str().expect("a field name");
                object.insert(name.to_owned(), sample(&schema["properties"][name], doc));
            }
            Value::Object(object)
        }
        Some("array") => Value::Array(Vec::new()),
        Some("string") => Value::String("样例".into()),
        Some("integer") => serde_json::json!(1),
        Some("number") => serde_json::json!(1.5),
        Some("boolean") => Value::Bool(false),
        _ => serde_json::json!({}),
    }
}
