//! WeChat Pay notifications: headers and body as they arrive. Only a notification signed with
//! the platform key under its serial, encrypted with our APIv3 key and naming our merchant is
//! read; everything else is refused as the sender's fault.
//!
//! The fuzzer chooses each part; the target can sign the body and seal the transaction inside it
//! correctly, so that inputs get past the signature and the decryption into the reading behind.

#![no_main]

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use arbitrary::Arbitrary;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;
use orderbell_fuzz::{assert_refused_as_client_error, headers, public_key_pem, sha256_rsa};
use orderbell_server::payments::wechat::{self, WechatConfig};
use orderbell_server::payments::{Notice, Provider};
use orderbell_shared::Money;
use serde_json::json;

const MCHID: &str = "1900000001";
const APPID: &str = "wxd678efh567hg6787";
const SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
const API_V3_KEY: &str = "a7cde1ef8b9f4a2bb3c4d5e6f7a8b9c0";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    timestamp: Timestamp<'a>,
    nonce: &'a str,
    /// Our platform key's serial, or another.
    serial: Option<&'a str>,
    /// `None`: signed with the platform key, as WeChat signs.
    signature: Option<&'a str>,
    body: Body<'a>,
    /// How far our clock is from the signed timestamp, in 4 s steps: within the 300 s allowed
    /// as often as not, so that the fuzzer gets past the freshness check.
    skew: i8,
}

#[derive(Arbitrary, Debug)]
enum Timestamp<'a> {
    Seconds(i64),
    Given(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Body<'a> {
    Raw(&'a [u8]),
    Sealed {
        id: &'a str,
        event_type: &'a str,
        algorithm: Option<&'a str>,
        associated_data: Option<&'a str>,
        resource: Resource<'a>,
    },
}

#[derive(Arbitrary, Debug)]
enum Resource<'a> {
    /// Plaintext encrypted with our key.
    Encrypted(Plaintext<'a>),
    /// A ciphertext and nonce as given.
    Given { ciphertext: &'a str, nonce: &'a str },
}

#[derive(Arbitrary, Debug)]
enum Plaintext<'a> {
    Raw(&'a [u8]),
    Transaction(Transaction<'a>),
}

#[derive(Arbitrary, Debug)]
struct Transaction<'a> {
    /// Ours, or another merchant's.
    mchid: Option<&'a str>,
    appid: Option<&'a str>,
    out_trade_no: &'a str,
    transaction_id: &'a str,
    trade_state: &'a str,
    total: i64,
    currency: Option<&'a str>,
}

fuzz_target!(|input: Input| {
    static CONFIG: std::sync::OnceLock<WechatConfig> = std::sync::OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        WechatConfig::new(
            MCHID.into(),
            Some(APPID.into()),
            API_V3_KEY,
            &[(SERIAL.into(), public_key_pem())],
        )
        .expect("a valid WeChat configuration")
    });

    let timestamp = match input.timestamp {
        Timestamp::Seconds(seconds) => seconds.to_string(),
        Timestamp::Given(text) => text.to_owned(),
    };
    let (body, transaction) = body(&input.body);
    let signature = match input.signature {
        Some(given) => given.to_owned(),
        None => sha256_rsa(&[timestamp.as_bytes(), b"\n", input.nonce.as_bytes(), b"\n", &body, b"\n"].concat()),
    };
    let headers = headers([
        ("wechatpay-timestamp", timestamp.as_str()),
        ("wechatpay-nonce", input.nonce),
        ("wechatpay-signature", signature.as_str()),
        ("wechatpay-serial", input.serial.unwrap_or(SERIAL)),
    ]);
    let now = timestamp
        .parse::<i64>()
        .unwrap_or(0)
        .saturating_add(i64::from(input.skew) * 4);

    match wechat::verify(config, &headers, &body, now) {
        Ok(notice) => {
            assert!(
                input.signature.is_none(),
                "a notice read with a signature we did not make: {notice:?}"
            );
            match notice {
                Notice::Payment(notice) => {
                    assert_eq!(notice.provider, Provider::Wechat);
                    assert_eq!(notice.merchant_id, MCHID, "a notice for another merchant read");
                    if let Some(transaction) = transaction {
                        assert_eq!(notice.trade_no, transaction.out_trade_no);
                        assert_eq!(notice.transaction_id, transaction.transaction_id);
                        assert_eq!(notice.amount, Money::from_cents(transaction.total));
                    }
                }
                Notice::Refund(notice) => assert_eq!(notice.provider, Provider::Wechat),
            }
        }
        Err(e) => assert_refused_as_client_error(&e),
    }
});

/// The body, and the transaction sealed in it when the fuzzer chose one.
fn body<'b>(body: &'b Body<'b>) -> (Vec<u8>, Option<&'b Transaction<'b>>) {
    match body {
        Body::Raw(raw) => (raw.to_vec(), None),
        Body::Sealed {
            id,
            event_type,
            algorithm,
            associated_data,
            resource,
        } => sealed(id, event_type, *algorithm, *associated_data, resource),
    }
}

/// A notification body as WeChat writes it, around `resource`.
fn sealed<'b>(
    id: &str,
    event_type: &str,
    algorithm: Option<&str>,
    associated_data: Option<&str>,
    resource: &'b Resource<'b>,
) -> (Vec<u8>, Option<&'b Transaction<'b>>) {
    let (ciphertext, nonce, transaction) = match resource {
        Resource::Given { ciphertext, nonce } => ((*ciphertext).to_owned(), (*nonce).to_owned(), None),
        Resource::Encrypted(plaintext) => {
            let (bytes, transaction) = match plaintext {
                Plaintext::Raw(raw) => (raw.to_vec(), None),
                Plaintext::Transaction(t) => (transaction_json(t), Some(t)),
            };
            // WeChat's nonces are 12 ASCII characters.
            let nonce = "fuzznonce012";
            let cipher = Aes256Gcm::new_from_slice(API_V3_KEY.as_bytes()).expect("a 32-byte key");
            let payload = Payload {
                msg: &bytes,
                aad: associated_data.unwrap_or_default().as_bytes(),
            };
            let sealed = cipher
                .encrypt(Nonce::from_slice(nonce.as_bytes()), payload)
                .expect("AES-GCM encrypts");
            (STANDARD.encode(sealed), nonce.to_owned(), transaction)
        }
    };
    let json = json!({
        "id": id,
        "event_type": event_type,
        "resource_type": "encrypt-resource",
        "resource": {
            "algorithm": algorithm.unwrap_or("AEAD_AES_256_GCM"),
            "ciphertext": ciphertext,
            "associated_data": associated_data,
            "nonce": nonce,
        },
    });
    (json.to_string().into_bytes(), transaction)
}

fn transaction_json(t: &Transaction) -> Vec<u8> {
    json!({
        "mchid": t.mchid.unwrap_or(MCHID),
        "appid": t.appid.unwrap_or(APPID),
        "out_trade_no": t.out_trade_no,
        "transaction_id": t.transaction_id,
        "trade_state": t.trade_state,
        "amount": {"total": t.total, "currency": t.currency.unwrap_or("CNY")},
    })
    .to_string()
    .into_bytes()
}
