//! `/metrics` after real traffic: a cart change seen over SSE, payment callbacks (one applied,
//! one forged), a resume with `Last-Event-ID` and one from an id the store never had, a device
//! revoked while its stream is open.

use std::path::Path;
use std::time::Duration;

use orderbell_shared::access::{IssuedDevice, Role};
use orderbell_shared::events::kind;
use orderbell_tests::metrics::{scrape, value};
use orderbell_tests::providers::FakeWebhook;
use orderbell_tests::{PATIENCE, Sse, TestServer};
use serde_json::json;

use crate::notify_paid;

#[tokio::test]
async fn metrics_count_connections_events_lag_resumes_payments_and_requests() {
    let provider = FakeWebhook::new();
    let server = TestServer::start_with(|c| {
        c.payments.webhook_secret = Some(provider.secret.parse().expect("secret"));
        c.payments.webhook_merchant_id = provider.merchant_id.clone();
    })
    .await;

    // A phone watches table 1's cart; another diner adds a dish: the phone sees it live.
    let mut phone = Sse::connect(&server.url("/api/store/order/sse/1"), server.table_token(1), None);
    let (first, _) = phone.next_cart().await;
    let diner = server.join(1, None).await;
    let add = json!({"tableId": 1, "cuisineId": 1001, "quantity": 2});
    assert_eq!(server.add(&diner.token, add).await.status(), 200);
    let (version, cart) = phone.next_cart().await;
    assert!(version > first && !cart.items.is_empty(), "the change arrives live");
    let text = scrape(&server).await;
    assert_eq!(
        value(&text, r#"orderbell_connections{transport="sse",stream="cart"}"#),
        1.0
    );
    assert!(value(&text, r#"orderbell_events_published_total{feed="cart"}"#) >= 1.0);
    assert!(
        value(
            &text,
            r#"orderbell_events_delivered_total{transport="sse",stream="cart"}"#
        ) >= 2.0,
        "the cart it started from and the change"
    );
    assert!(
        value(&text, "orderbell_delivery_lag_seconds_count") >= 1.0,
        "the live change's lag is measured"
    );

    // The merchant listens; an order is paid through the provider; a forged callback is refused.
    let mut merchant = server.store_stream(None).await;
    let order = server.order(2, &[(1001, 1)]).await;
    assert_eq!(notify_paid(&server, &provider, &order).await.status(), 204);
    let (paid_id, _) = merchant.next_typed().await;
    let forger = FakeWebhook {
        merchant_id: provider.merchant_id.clone(),
        ..FakeWebhook::new()
    };
    assert_eq!(notify_paid(&server, &forger, &order).await.status(), 401);

    // The merchant's app comes back from before the payment, and one from an id this store
    // never had (a restored backup, say) is told to reload.
    let mut resumed = server.store_stream(Some(paid_id - 1)).await;
    assert_eq!(resumed.next_typed().await.0, paid_id, "the resume replays the payment");
    let mut lost = Sse::connect(
        &server.url("/api/stores/1/events"),
        &server.merchant,
        Some(paid_id + 1_000),
    );
    assert_eq!(lost.next_event().await.event_type, kind::CONNECTED);
    assert_eq!(lost.next_event().await.event_type, kind::RESYNC);

    let text = scrape(&server).await;
    let payments = |outcome: &str| {
        value(
            &text,
            &format!(r#"orderbell_payment_notifications_total{{provider="hmac",outcome="{outcome}"}}"#),
        )
    };
    assert_eq!(payments("applied"), 1.0);
    assert_eq!(payments("bad_signature"), 1.0);
    assert!(value(&text, r#"orderbell_events_published_total{feed="journal"}"#) >= 1.0);
    assert!(
        value(
            &text,
            r#"orderbell_events_delivered_total{transport="sse",stream="store"}"#
        ) >= 2.0
    );
    assert_eq!(
        value(&text, r#"orderbell_connections{transport="sse",stream="store"}"#),
        3.0
    );
    assert!(value(&text, r#"orderbell_replays_total{stream="store"}"#) >= 2.0);
    assert!(value(&text, "orderbell_resyncs_total") >= 1.0);
    assert_eq!(value(&text, r#"orderbell_clients_cut_off_total{reason="lagged"}"#), 0.0);

    // Requests by route pattern: one series for every order, never one per order's address.
    let submitted = r#"orderbell_http_request_duration_seconds_count{route="/api/orders",method="POST",status="2xx"}"#;
    assert!(value(&text, submitted) >= 1.0);
    let forged = r#"orderbell_http_request_duration_seconds_count{route="/api/pay/notify/{provider}",method="POST",status="4xx"}"#;
    assert_eq!(value(&text, forged), 1.0);
    assert!(
        !text.contains(&format!("/api/orders/{}\"", order.order.order_id)),
        "no series names a particular order"
    );

    // The sample dashboard charts only series the server exposes.
    let dashboard = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/grafana/orderbell.json");
    let dashboard = std::fs::read_to_string(dashboard).expect("deploy/grafana/orderbell.json");
    let charted: Vec<&str> = dashboard
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with("orderbell_"))
        .collect();
    assert!(charted.len() >= 9, "the dashboard charts the metrics");
    for name in charted {
        assert!(text.contains(&format!("\n{name}")), "{name} is charted but not exposed");
    }

    // Connections that close are counted out.
    drop((phone, merchant, resumed, lost));
    let closed = async {
        loop {
            let text = scrape(&server).await;
            let open = value(&text, r#"orderbell_connections{transport="sse",stream="cart"}"#)
                + value(&text, r#"orderbell_connections{transport="sse",stream="store"}"#);
            if open == 0.0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(PATIENCE, closed)
        .await
        .expect("closed connections are no longer counted open");

    // A kitchen tablet's credential is revoked while its stream is open: the server ends it.
    let tablet: IssuedDevice = server
        .post(
            "/api/stores/1/devices",
            &server.merchant,
            json!({"name": "厨房平板", "role": Role::Kitchen}),
        )
        .await
        .json()
        .await
        .expect("the owner issues a device");
    let stream = server
        .http
        .get(server.url("/api/stores/1/events"))
        .bearer_auth(&tablet.credential)
        .send()
        .await
        .expect("the tablet's stream");
    assert_eq!(stream.status(), 200);
    let revoked = server
        .http
        .delete(server.url(&format!("/api/stores/1/devices/{}", tablet.device_id)))
        .bearer_auth(&server.merchant)
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), 204);
    let ended = tokio::time::timeout(PATIENCE, stream.text())
        .await
        .expect("the revoked stream ends")
        .expect("its body");
    assert!(ended.contains("device_revoked"), "{ended}");

    let text = scrape(&server).await;
    assert_eq!(
        value(&text, r#"orderbell_clients_cut_off_total{reason="revoked"}"#),
        1.0
    );
}
