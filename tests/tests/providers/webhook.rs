//! The generic `hmac` provider: Standard Webhooks.

use orderbell_server::payments::webhook::{self, WebhookConfig};
use orderbell_server::payments::{PaymentNotice, Provider};
use orderbell_server::{Error, Result};
use orderbell_shared::Money;
use orderbell_tests::providers::{FakeWebhook, Signed};

use crate::{NOW, TRADE_NO, refusal};

fn config_for(fake: &FakeWebhook) -> WebhookConfig {
    WebhookConfig::new(&fake.secret, fake.merchant_id.clone()).expect("valid config")
}

fn verify(config: &WebhookConfig, signed: &Signed) -> Result<PaymentNotice> {
    webhook::verify(config, &signed.header_map(), signed.body.as_bytes(), NOW)
}

#[test]
fn signatures_match_the_standard_webhooks_test_vector() {
    let config = WebhookConfig::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m".into()).expect("valid secret");
    let signature = webhook::sign(
        &config,
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        br#"{"test": 2432232314}"#,
    );
    assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");

    let fake = FakeWebhook::new();
    let signed = fake.notify(TRADE_NO, "sim_1", Money::from_cents(3800), NOW);
    let ours = webhook::sign(
        &config_for(&fake),
        signed.header("webhook-id"),
        NOW,
        signed.body.as_bytes(),
    );
    assert_eq!(
        ours,
        signed.header("webhook-signature"),
        "the server signs as the fake does"
    );
}

#[test]
fn reads_genuine_notifications() {
    let fake = FakeWebhook::new();
    let config = config_for(&fake);
    let signed = fake.notify(TRADE_NO, "sim_2", Money::from_cents(3800), NOW + 60);
    let expected = PaymentNotice {
        provider: Provider::Hmac,
        notification_id: signed.header("webhook-id").to_owned(),
        trade_no: TRADE_NO.into(),
        transaction_id: "sim_2".into(),
        amount: Money::from_cents(3800),
        merchant_id: fake.merchant_id.clone(),
        succeeded: true,
    };
    assert_eq!(verify(&config, &signed).expect("genuine"), expected);

    let failed = fake.sign(
        &fake.body("payment.failed", TRADE_NO, "sim_2", Money::from_cents(3800)),
        NOW,
    );
    assert!(!verify(&config, &failed).expect("authentic").succeeded);

    // While a secret rotates, the sender signs with both; one match is enough.
    let mut rotating = signed.clone();
    let both = format!("v1,AAAA v1a,AAAA {}", signed.header("webhook-signature"));
    rotating.headers.retain(|(name, _)| name != "webhook-signature");
    rotating.headers.push(("webhook-signature".into(), both));
    assert!(verify(&config, &rotating).is_ok());
}

#[test]
fn refuses_forgeries_replays_and_other_merchants() {
    let fake = FakeWebhook::new();
    let config = config_for(&fake);
    let forger = FakeWebhook {
        merchant_id: fake.merchant_id.clone(),
        ..FakeWebhook::new()
    };
    let forged = forger.notify(TRADE_NO, "sim_3", Money::from_cents(3800), NOW);
    assert_eq!(refusal(verify(&config, &forged)), "bad_signature");

    let genuine = fake.notify(TRADE_NO, "sim_3", Money::from_cents(3800), NOW);
    let cheap = Signed {
        body: genuine.body.replacen("38.00", "0.01", 1),
        ..genuine.clone()
    };
    assert_ne!(cheap.body, genuine.body);
    assert_eq!(refusal(verify(&config, &cheap)), "bad_signature");

    let stale = fake.notify(TRADE_NO, "sim_3", Money::from_cents(3800), NOW - 301);
    assert_eq!(refusal(verify(&config, &stale)), "stale_timestamp");

    let other = FakeWebhook {
        merchant_id: "someone-else".into(),
        secret: fake.secret.clone(),
    };
    let signed = other.notify(TRADE_NO, "sim_3", Money::from_cents(3800), NOW);
    assert_eq!(refusal(verify(&config, &signed)), "wrong_merchant");
}

#[test]
fn refuses_malformed_notifications_and_secrets() {
    let fake = FakeWebhook::new();
    let config = config_for(&fake);
    let mut anonymous = fake.notify(TRADE_NO, "sim_4", Money::from_cents(3800), NOW);
    anonymous.headers.retain(|(name, _)| name != "webhook-id");
    assert_eq!(refusal(verify(&config, &anonymous)), "malformed_notification");
    let not_json = fake.sign("ok", NOW);
    assert_eq!(refusal(verify(&config, &not_json)), "malformed_notification");

    let generated = WebhookConfig::generate_secret();
    assert!(WebhookConfig::new(&generated, "m".into()).is_ok(), "{generated}");
    assert_ne!(generated, WebhookConfig::generate_secret(), "each secret is random");
    for secret in [
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_not base64!",
        "whsec_c2hvcnQ=",
    ] {
        assert!(
            matches!(WebhookConfig::new(secret, "m".into()), Err(Error::Config(_))),
            "{secret}"
        );
    }
}
