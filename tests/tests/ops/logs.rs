//! `--log-format json`: the real binary writes one JSON object a line, and every line written
//! while serving a request carries that request's id, the one its response names.

use serde_json::Value;

use orderbell_tests::ServerProcess;
use orderbell_tests::providers::{FakeWebhook, paid_now};

use crate::{notify_paid, provider};

#[tokio::test]
async fn json_log_lines_carry_the_request_id_of_the_response() {
    let (provider, mut flags) = provider();
    flags.extend(["--log-format".to_owned(), "json".to_owned()]);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    // At the tests' usual `RUST_LOG=warn`: the lines that matter most carry their id too.
    let server = ServerProcess::start(&flags).await;

    // A proxy's id is kept: a forged callback, logged as refused under that id.
    let order = server.order(1, &[(1001, 1)]).await;
    let forger = FakeWebhook {
        merchant_id: provider.merchant_id.clone(),
        ..FakeWebhook::new()
    };
    let forged = |id: Option<&str>| {
        let signed = paid_now(&forger, &order);
        let mut request = server
            .http
            .post(server.url("/api/pay/notify/hmac"))
            .headers(signed.header_map())
            .body(signed.body);
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        async move { request.send().await.expect("notification") }
    };
    let refused = forged(Some("proxy-4f2a.7")).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(request_id(&refused), "proxy-4f2a.7", "the proxy's id comes back");

    // Without one, the server makes one.
    let refused_again = forged(None).await;
    assert_eq!(refused_again.status(), 401);
    let made = request_id(&refused_again);
    assert!(
        made.len() == 32 && made.bytes().all(|b| b.is_ascii_hexdigit()),
        "a made id: {made}"
    );
    let applied = notify_paid(&server, &provider, &order).await;
    assert_eq!(applied.status(), 204);
    assert_ne!(request_id(&applied), made, "each request its own id");

    // An id that is not a plain token is replaced, never copied into the logs.
    let odd = server
        .http
        .get(server.url("/healthz"))
        .header("x-request-id", "a b\"c")
        .send()
        .await
        .expect("healthz");
    assert_ne!(request_id(&odd), "a b\"c");

    let log = server.log();
    let lines: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect();
    assert!(!lines.is_empty(), "the server logged");
    let line_of = |id: &str, message: &str| {
        lines
            .iter()
            .find(|line| line["span"]["request_id"] == id && line["fields"]["message"] == message)
            .unwrap_or_else(|| panic!("no line {message:?} with request id {id} in:\n{log}"))
            .clone()
    };
    for id in ["proxy-4f2a.7", made.as_str()] {
        let refusal = line_of(id, "payment notification refused");
        assert_eq!(refusal["level"], "WARN");
        assert_eq!(refusal["fields"]["code"], "bad_signature");
        assert_eq!(refusal["span"]["route"], "/api/pay/notify/{provider}");
        assert_eq!(refusal["span"]["method"], "POST");
    }
}

fn request_id(response: &reqwest::Response) -> String {
    response.headers()["x-request-id"].to_str().expect("ASCII").to_owned()
}
