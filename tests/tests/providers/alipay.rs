//! Alipay asynchronous notifications.

use orderbell_server::Error;
use orderbell_server::payments::alipay::{self, AlipayConfig};
use orderbell_server::payments::{Notice, PaymentNotice, Provider};
use orderbell_shared::Money;
use orderbell_tests::providers::FakeAlipay;

use crate::{TRADE_NO, refusal};

fn config_for(fake: &FakeAlipay) -> AlipayConfig {
    AlipayConfig::new(fake.app_id.clone(), &fake.public_key_pem()).expect("valid config")
}

fn form_field(form: &str, name: &str) -> String {
    let (_, value) = form_urlencoded::parse(form.as_bytes())
        .find(|(n, _)| n == name)
        .expect("the field is sent");
    value.into_owned()
}

#[test]
fn reads_a_genuine_payment() {
    let fake = FakeAlipay::new();
    let form = fake.notify(TRADE_NO, "2024061522001400001234567890", "38.00", "TRADE_SUCCESS");
    let notice = alipay::verify(&config_for(&fake), form.as_bytes()).expect("genuine notice");
    assert_eq!(
        notice,
        Notice::Payment(PaymentNotice {
            provider: Provider::Alipay,
            notification_id: form_field(&form, "notify_id"),
            trade_no: TRADE_NO.into(),
            transaction_id: "2024061522001400001234567890".into(),
            amount: Money::from_cents(3800),
            merchant_id: fake.app_id.clone(),
            succeeded: true,
        })
    );
}

#[test]
fn reads_each_trade_status() {
    let fake = FakeAlipay::new();
    let config = config_for(&fake);
    for (status, succeeded) in [
        ("TRADE_FINISHED", true),
        ("WAIT_BUYER_PAY", false),
        ("TRADE_CLOSED", false),
    ] {
        let form = fake.notify(TRADE_NO, "2024061522001400002", "0.01", status);
        let Notice::Payment(notice) = alipay::verify(&config, form.as_bytes()).expect("authentic") else {
            panic!("{status} is a payment's notification");
        };
        assert_eq!(
            (notice.succeeded, notice.amount),
            (succeeded, Money::from_cents(1)),
            "{status}"
        );
    }
}

#[test]
fn refuses_forgeries_and_other_apps() {
    let fake = FakeAlipay::new();
    let config = config_for(&fake);
    let forged = FakeAlipay::forger().notify(TRADE_NO, "2024061522001400003", "38.00", "TRADE_SUCCESS");
    assert_eq!(refusal(alipay::verify(&config, forged.as_bytes())), "bad_signature");

    let genuine = fake.notify(TRADE_NO, "2024061522001400003", "38.00", "TRADE_SUCCESS");
    let cheap = genuine.replacen("total_amount=38.00", "total_amount=0.01", 1);
    assert_ne!(cheap, genuine, "the amount was changed");
    assert_eq!(refusal(alipay::verify(&config, cheap.as_bytes())), "bad_signature");
    // Every parameter is signed, not only the ones we read.
    let extra = format!("{genuine}&passback_params=x");
    assert_eq!(refusal(alipay::verify(&config, extra.as_bytes())), "bad_signature");

    let mut other_app = FakeAlipay::new();
    other_app.app_id = "2021000999999999".into();
    let form = other_app.notify(TRADE_NO, "2024061522001400003", "38.00", "TRADE_SUCCESS");
    assert_eq!(refusal(alipay::verify(&config, form.as_bytes())), "wrong_merchant");
}

#[test]
fn refuses_malformed_notifications() {
    let fake = FakeAlipay::new();
    let config = config_for(&fake);
    let genuine = fake.notify(TRADE_NO, "2024061522001400004", "38.00", "TRADE_SUCCESS");
    for (from, to) in [("sign_type=RSA2", "sign_type=RSA"), ("charset=utf-8", "charset=gbk")] {
        let changed = genuine.replacen(from, to, 1);
        assert_ne!(changed, genuine);
        assert_eq!(
            refusal(alipay::verify(&config, changed.as_bytes())),
            "malformed_notification",
            "{to}"
        );
    }
    let finer_than_a_fen = fake.notify(TRADE_NO, "2024061522001400004", "38.005", "TRADE_SUCCESS");
    assert_eq!(
        refusal(alipay::verify(&config, finer_than_a_fen.as_bytes())),
        "malformed_notification"
    );
    assert_eq!(
        refusal(alipay::verify(&config, b"")),
        "malformed_notification",
        "no sign"
    );
}

#[test]
fn config_takes_the_key_as_the_console_shows_it() {
    let fake = FakeAlipay::new();
    let pem = fake.public_key_pem();
    let bare: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    let config = AlipayConfig::new(fake.app_id.clone(), &bare).expect("bare base64 key");
    let form = fake.notify(TRADE_NO, "2024061522001400005", "38.00", "TRADE_SUCCESS");
    assert!(alipay::verify(&config, form.as_bytes()).is_ok());
    assert!(matches!(
        AlipayConfig::new(fake.app_id.clone(), "MIIB"),
        Err(Error::Config(_))
    ));
}
