//! The HTTP API's OpenAPI document (`/api/openapi.json`) against the routes actually mounted.
//!
//! The server mounts each handler and adds its description in one call (`utoipa_axum::routes!`),
//! and clippy forbids mounting a route any other way, so nothing is served undescribed. This test
//! checks the other direction and the document's own soundness: every operation it lists is
//! answered by a handler (never `route_not_found` or `method_not_allowed`), and every schema it
//! refers to is defined.

use orderbell_shared::ErrorBody;
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
    path.split('/')
        .map(|segment| match segment {
            "{provider}" => "hmac",
            "{file}" => "customer.js",
            s if s.starts_with('{') => "1",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
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
