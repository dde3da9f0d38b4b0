//! Operations: what a person running Orderbell depends on besides the API. `/metrics` after real
//! traffic, `/healthz` and `/readyz`, JSON logs carrying each request's id, an online backup that
//! restores to a working server, and the Debian package's contents.

mod backup;
mod health;
mod logs;
mod metrics;
mod package;

use orderbell_shared::SubmittedOrder;
use orderbell_tests::Api;
use orderbell_tests::providers::FakeWebhook;

/// The `hmac` provider these servers trust, and the flags that make a server process trust it.
pub fn provider() -> (FakeWebhook, Vec<String>) {
    let provider = FakeWebhook::new();
    let flags = vec![
        "--webhook-secret".to_owned(),
        provider.secret.clone(),
        "--webhook-merchant-id".to_owned(),
        provider.merchant_id.clone(),
    ];
    (provider, flags)
}

pub fn now_secs() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since.as_secs()).expect("seconds fit")
}

/// `provider`'s signed notification that `order` is paid, as it arrives: the server's answer.
pub async fn notify_paid(api: &Api, provider: &FakeWebhook, order: &SubmittedOrder) -> reqwest::Response {
    let transaction = format!("tx-{}", order.order.order_no);
    let signed = provider.notify(
        &order.order.order_no,
        &transaction,
        order.order.total_amount,
        now_secs(),
    );
    api.notify("hmac", &signed).await
}
