//! `/healthz` and `/readyz`, as a load balancer or systemd reads them.

use orderbell_tests::TestServer;
use serde_json::{Value, json};

#[tokio::test]
async fn a_serving_server_is_alive_and_ready() {
    let server = TestServer::start().await;
    let get = |path: &'static str| {
        let request = server.http.get(server.url(path)).send();
        async move {
            let response = request.await.expect("request");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.expect("JSON"))
        }
    };
    assert_eq!(get("/healthz").await, (200, json!({"status": "ok"})));
    assert_eq!(
        get("/readyz").await,
        (200, json!({"status": "ok", "checks": {"database": {"status": "ok"}}})),
        "the database answers"
    );
}
