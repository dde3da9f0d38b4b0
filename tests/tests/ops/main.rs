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
pub use orderbell_tests::providers::webhook_provider as provider;
use orderbell_tests::providers::{FakeWebhook, paid_now};

/// `provider`'s signed notification that `order` is paid, as it arrives: the server's answer.
pub async fn notify_paid(api: &Api, provider: &FakeWebhook, order: &SubmittedOrder) -> reqwest::Response {
    api.notify("hmac", &paid_now(provider, order)).await
}
