//! Standard Webhooks notifications (the `hmac` provider the payment simulator uses): headers and
//! body. Only a body signed with our secret, recently, for our merchant is read; everything else
//! is refused as the sender's fault.
//!
//! The fuzzer chooses each part; the target can sign the body correctly, so that inputs get past
//! the signature into the reading behind it.

#![no_main]

use arbitrary::Arbitrary;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use orderbell_fuzz::{assert_refused_as_client_error, headers};
use orderbell_server::payments::Provider;
use orderbell_server::payments::webhook::{self, WebhookConfig};
use orderbell_shared::Money;
use orderbell_shared::payment::{WebhookNotification, WebhookPayment};
use sha2::Sha256;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MERCHANT: &str = "orderbell-demo";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    id: &'a str,
    timestamp: Timestamp<'a>,
    signature: Signature<'a>,
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
enum Signature<'a> {
    /// `v1,` and the right HMAC, among whatever else the header holds (as during a rotation).
    Ours {
        before: &'a str,
        after: &'a str,
    },
    Given(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Body<'a> {
    Raw(&'a [u8]),
    Notice {
        kind: &'a str,
        trade_no: &'a str,
        transaction_id: &'a str,
        cents: i64,
        /// Ours, or another merchant's.
        merchant_id: Option<&'a str>,
    },
}

fuzz_target!(|input: Input| {
    static CONFIG: std::sync::OnceLock<WebhookConfig> = std::sync::OnceLock::new();
    let config =
        CONFIG.get_or_init(|| WebhookConfig::new(SECRET, MERCHANT.into()).expect("a valid webhook configuration"));

    let (body, notification) = match &input.body {
        Body::Raw(raw) => (raw.to_vec(), None),
        Body::Notice {
            kind,
            trade_no,
            transaction_id,
            cents,
            merchant_id,
        } => {
            let notification = WebhookNotification {
                kind: (*kind).to_owned(),
                data: WebhookPayment {
                    trade_no: (*trade_no).to_owned(),
                    transaction_id: (*transaction_id).to_owned(),
                    amount: Money::from_cents(*cents),
                    merchant_id: merchant_id.unwrap_or(MERCHANT).to_owned(),
                },
            };
            let body = serde_json::to_vec(&notification).expect("a notification serializes");
            (body, Some(notification))
        }
    };
    let timestamp = match input.timestamp {
        Timestamp::Seconds(seconds) => seconds.to_string(),
        Timestamp::Given(text) => text.to_owned(),
    };
    let signed_at = timestamp.parse::<i64>().ok();
    let signature = match (&input.signature, signed_at) {
        (Signature::Ours { before, after }, Some(signed_at)) => {
            format!("{before} {} {after}", sign(input.id, signed_at, &body))
        }
        (Signature::Ours { before, after }, None) => format!("{before} {after}"),
        (Signature::Given(given), _) => (*given).to_owned(),
    };
    let headers = headers([
        ("webhook-id", input.id),
        ("webhook-timestamp", timestamp.as_str()),
        ("webhook-signature", signature.as_str()),
    ]);
    let now = signed_at.unwrap_or(0).saturating_add(i64::from(input.skew) * 4);

    match webhook::verify(config, &headers, &body, now) {
        Ok(notice) => {
            assert!(
                matches!(input.signature, Signature::Ours { .. }),
                "a notice read with a signature we did not make: {notice:?}"
            );
            assert_eq!(notice.provider, Provider::Hmac);
            assert_eq!(notice.merchant_id, MERCHANT, "a notice for another merchant read");
            assert_eq!(notice.notification_id, input.id);
            if let Some(notification) = notification {
                assert_eq!(notice.trade_no, notification.data.trade_no);
                assert_eq!(notice.transaction_id, notification.data.transaction_id);
                assert_eq!(notice.amount, notification.data.amount);
            }
        }
        Err(e) => assert_refused_as_client_error(&e),
    }
});

/// `v1,` and the base64 HMAC-SHA256 of `"{id}.{timestamp}.{body}"`, written here rather than
/// with the server's own signer, which would pass whatever both got wrong.
fn sign(id: &str, timestamp: i64, body: &[u8]) -> String {
    let key = STANDARD
        .decode(SECRET.trim_start_matches("whsec_"))
        .expect("a base64 key");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}
