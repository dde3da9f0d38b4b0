//! WeChat Pay API v3 notifications, of payments and of refunds.

use orderbell_server::payments::wechat::{self, WechatConfig};
use orderbell_server::payments::{Notice, PaymentNotice, Provider, RefundNotice, RefundState};
use orderbell_server::{Error, Result};
use orderbell_shared::Money;
use orderbell_tests::providers::{FakeWechat, Signed};
use rsa::RsaPublicKey;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs8::{DecodePublicKey, LineEnding};

use crate::{NOW, TRADE_NO, refusal};

fn config_for(fake: &FakeWechat) -> WechatConfig {
    let keys = [(fake.serial.clone(), fake.public_key_pem())];
    WechatConfig::new(fake.mchid.clone(), Some(fake.appid.clone()), &fake.api_v3_key, &keys).expect("valid config")
}

fn read(config: &WechatConfig, signed: &Signed) -> Result<Notice> {
    wechat::verify(config, &signed.header_map(), signed.body.as_bytes(), NOW)
}

fn verify(config: &WechatConfig, signed: &Signed) -> Result<PaymentNotice> {
    match read(config, signed)? {
        Notice::Payment(payment) => Ok(payment),
        Notice::Refund(refund) => panic!("a payment notice, not {refund:?}"),
    }
}

fn event_id(signed: &Signed) -> String {
    let body: serde_json::Value = serde_json::from_str(&signed.body).expect("JSON body");
    body["id"].as_str().expect("an id").to_owned()
}

#[test]
fn reads_a_genuine_payment() {
    let fake = FakeWechat::new();
    let signed = fake.notify(TRADE_NO, "4200000001202406151234567890", 3800, NOW - 10);
    let notice = verify(&config_for(&fake), &signed).expect("genuine notice");
    assert_eq!(
        notice,
        PaymentNotice {
            provider: Provider::Wechat,
            notification_id: event_id(&signed),
            trade_no: TRADE_NO.into(),
            transaction_id: "4200000001202406151234567890".into(),
            amount: Money::from_cents(3800),
            merchant_id: fake.mchid.clone(),
            succeeded: true,
        }
    );
}

#[test]
fn other_states_are_read_as_not_succeeded() {
    let fake = FakeWechat::new();
    let config = config_for(&fake);
    let unpaid = fake.transaction(TRADE_NO, "4200000002", 3800, "NOTPAY");
    let signed = fake.sign(&fake.body("TRANSACTION.SUCCESS", &unpaid), NOW);
    assert!(
        !verify(&config, &signed).expect("authentic").succeeded,
        "trade_state NOTPAY"
    );
    let paid = fake.transaction(TRADE_NO, "4200000002", 3800, "SUCCESS");
    let signed = fake.sign(&fake.body("TRANSACTION.CLOSED", &paid), NOW);
    assert!(
        !verify(&config, &signed).expect("authentic").succeeded,
        "event TRANSACTION.CLOSED"
    );
}

#[test]
fn refuses_forgeries_and_replays() {
    let fake = FakeWechat::new();
    let config = config_for(&fake);
    let forged = FakeWechat::forger().notify(TRADE_NO, "4200000003", 3800, NOW);
    assert_eq!(
        refusal(verify(&config, &forged)),
        "bad_signature",
        "signed with another key"
    );

    // The body of a one-fen payment under the signature of a 38-yuan one.
    let genuine = fake.notify(TRADE_NO, "4200000003", 3800, NOW);
    let cheap = fake.notify(TRADE_NO, "4200000003", 1, NOW);
    let tampered = Signed {
        body: cheap.body,
        ..genuine
    };
    assert_eq!(refusal(verify(&config, &tampered)), "bad_signature", "body changed");

    let edge = fake.notify(TRADE_NO, "4200000003", 3800, NOW - 300);
    assert!(verify(&config, &edge).is_ok(), "five minutes old is still fresh");
    for at in [NOW - 301, NOW + 301] {
        let stale = fake.notify(TRADE_NO, "4200000003", 3800, at);
        assert_eq!(refusal(verify(&config, &stale)), "stale_timestamp", "signed at {at}");
    }
}

#[test]
fn refuses_unknown_keys_other_merchants_and_wrong_api_keys() {
    let config = config_for(&FakeWechat::new());
    let check = |change: fn(&mut FakeWechat), code: &str| {
        let mut fake = FakeWechat::new();
        change(&mut fake);
        let signed = fake.notify(TRADE_NO, "4200000004", 3800, NOW);
        assert_eq!(refusal(verify(&config, &signed)), code);
    };
    check(
        |f| f.serial = "3775B6A45ACD588826D15E583A95F5DD3C4A29BA".into(),
        "unknown_key",
    );
    check(
        |f| f.api_v3_key = "00000000000000000000000000000000".into(),
        "decrypt_failed",
    );
    check(|f| f.mchid = "1900000002".into(), "wrong_merchant");
    check(|f| f.appid = "wx0000000000000000".into(), "wrong_merchant");
}

#[test]
fn refuses_malformed_notifications() {
    let fake = FakeWechat::new();
    let config = config_for(&fake);
    let mut unsigned = fake.notify(TRADE_NO, "4200000005", 3800, NOW);
    unsigned.headers.retain(|(name, _)| name != "Wechatpay-Signature");
    assert_eq!(refusal(verify(&config, &unsigned)), "malformed_notification");

    let not_json = fake.sign("success", NOW);
    assert_eq!(refusal(verify(&config, &not_json)), "malformed_notification");

    let mut dollars = fake.transaction(TRADE_NO, "4200000005", 3800, "SUCCESS");
    dollars["amount"]["currency"] = "USD".into();
    let signed = fake.sign(&fake.body("TRANSACTION.SUCCESS", &dollars), NOW);
    assert_eq!(refusal(verify(&config, &signed)), "malformed_notification", "not CNY");
}

#[test]
fn config_checks_its_keys() {
    let fake = FakeWechat::new();
    // The same platform key converted to PKCS#1, as some tools write it.
    let spki = RsaPublicKey::from_public_key_pem(&fake.public_key_pem()).expect("SPKI PEM");
    let pkcs1 = spki.to_pkcs1_pem(LineEnding::LF).expect("PKCS#1 PEM");
    let keys = [(fake.serial.clone(), pkcs1)];
    let config = WechatConfig::new(fake.mchid.clone(), None, &fake.api_v3_key, &keys).expect("PKCS#1 key");
    assert!(verify(&config, &fake.notify(TRADE_NO, "4200000006", 3800, NOW)).is_ok());

    let short_key = WechatConfig::new(fake.mchid.clone(), None, "0123456789abcdef", &keys);
    assert!(matches!(short_key, Err(Error::Config(_))), "a 16-byte APIv3 key");
    let bad_pem = [(
        fake.serial.clone(),
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".into(),
    )];
    let bad_key = WechatConfig::new(fake.mchid.clone(), None, &fake.api_v3_key, &bad_pem);
    assert!(matches!(bad_key, Err(Error::Config(_))), "a key that does not parse");
}

/// The decrypted `resource` of a `REFUND.*` notification, as WeChat sends it.
fn refund(fake: &FakeWechat, refund_no: &str, refund_status: &str) -> serde_json::Value {
    serde_json::json!({
        "mchid": fake.mchid,
        "out_trade_no": TRADE_NO,
        "transaction_id": "4200000001202406151234567890",
        "out_refund_no": refund_no,
        "refund_id": "50000000382019052709732678859",
        "refund_status": refund_status,
        "success_time": "2024-06-15T12:01:00+08:00",
        "user_received_account": "招商银行信用卡0403",
        "amount": {"total": 3800, "refund": 1200, "payer_total": 3800, "payer_refund": 1200},
    })
}

#[test]
fn reads_refund_notifications() {
    let fake = FakeWechat::new();
    let config = config_for(&fake);
    let signed = fake.sign(
        &fake.body("REFUND.SUCCESS", &refund(&fake, "RF00000007", "SUCCESS")),
        NOW,
    );
    assert_eq!(
        read(&config, &signed).expect("genuine refund notice"),
        Notice::Refund(RefundNotice {
            provider: Provider::Wechat,
            refund_no: "RF00000007".into(),
            state: RefundState::Succeeded {
                provider_refund_id: Some("50000000382019052709732678859".into())
            },
        })
    );
    for (event, status) in [("REFUND.ABNORMAL", "ABNORMAL"), ("REFUND.CLOSED", "CLOSED")] {
        let signed = fake.sign(&fake.body(event, &refund(&fake, "RF00000008", status)), NOW);
        let Notice::Refund(notice) = read(&config, &signed).expect("genuine refund notice") else {
            panic!("{event} is a refund notice");
        };
        assert_eq!(notice.refund_no, "RF00000008");
        assert!(
            matches!(notice.state, RefundState::Failed { .. }),
            "{event}: the merchant must decide"
        );
    }
}

#[test]
fn refuses_forged_and_foreign_refund_notifications() {
    let fake = FakeWechat::new();
    let config = config_for(&fake);
    let forger = FakeWechat::forger();
    let forged = forger.sign(
        &forger.body("REFUND.SUCCESS", &refund(&fake, "RF00000009", "SUCCESS")),
        NOW,
    );
    assert_eq!(refusal(read(&config, &forged)), "bad_signature");

    let mut foreign = refund(&fake, "RF00000009", "SUCCESS");
    foreign["mchid"] = "1900000002".into();
    let signed = fake.sign(&fake.body("REFUND.SUCCESS", &foreign), NOW);
    assert_eq!(refusal(read(&config, &signed)), "wrong_merchant");

    let unknown = fake.sign(
        &fake.body("REFUND.SUCCESS", &refund(&fake, "RF00000009", "PENDING")),
        NOW,
    );
    assert_eq!(refusal(read(&config, &unknown)), "malformed_notification");
}
