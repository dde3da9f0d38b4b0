//! The notification signers, now in the fake providers' crate: the tests keep their old path.

pub use orderbell_fakepay::signers::*;

/// A Standard Webhooks provider and the flags that make a server process (`ServerProcess`) trust
/// it: what the fault and operations tests pay through.
pub fn webhook_provider() -> (FakeWebhook, Vec<String>) {
    let provider = FakeWebhook::new();
    let flags = vec![
        "--webhook-secret".to_owned(),
        provider.secret.clone(),
        "--webhook-merchant-id".to_owned(),
        provider.merchant_id.clone(),
    ];
    (provider, flags)
}

/// `provider`'s notification that `order` is paid, signed now, with the transaction id
/// `tx-<order no>` (so a repeat is recognised as one).
pub fn paid_now(provider: &FakeWebhook, order: &orderbell_shared::SubmittedOrder) -> Signed {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    provider.notify(
        &order.order.order_no,
        &format!("tx-{}", order.order.order_no),
        order.order.total_amount,
        i64::try_from(now.as_secs()).expect("seconds fit"),
    )
}
