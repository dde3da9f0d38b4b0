//! The generic `hmac` provider, signed like Standard Webhooks (<https://www.standardwebhooks.com>):
//! HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}` with a `whsec_` secret. The
//! built-in payment simulator signs this way, and so can any adapter in front of a provider we do
//! not speak natively; any Standard Webhooks library can produce what we accept.

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use orderbell_shared::payment::{PAYMENT_SUCCEEDED, WebhookNotification};
use sha2::Sha256;

use super::signing::{check_fresh, header, malformed, timestamp};
use super::{PaymentNotice, Provider};
use crate::error::{Error, Result};

const SECRET_PREFIX: &str = "whsec_";
/// Shorter keys are guessable; Standard Webhooks itself generates 24 to 64 bytes.
const MIN_KEY_BYTES: usize = 16;

pub struct WebhookConfig {
    key: Vec<u8>,
    merchant_id: String,
}

impl WebhookConfig {
    /// `secret`: `whsec_` followed by the base64 key, as Standard Webhooks writes secrets.
    pub fn new(secret: &str, merchant_id: String) -> Result<Self> {
        let encoded = secret
            .strip_prefix(SECRET_PREFIX)
            .ok_or_else(|| Error::Config(format!("a webhook secret starts with {SECRET_PREFIX}")))?;
        let key = STANDARD
            .decode(encoded)
            .map_err(|e| Error::Config(format!("the webhook secret is not base64 after {SECRET_PREFIX}: {e}")))?;
        if key.len() < MIN_KEY_BYTES {
            return Err(Error::Config(format!(
                "the webhook key is {} bytes; it must have at least {MIN_KEY_BYTES}",
                key.len()
            )));
        }
        Ok(WebhookConfig { key, merchant_id })
    }

    /// A fresh secret with a 32-byte random key.
    pub fn generate_secret() -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(rand::random::<[u8; 32]>()))
    }

    pub fn merchant_id(&self) -> &str {
        &self.merchant_id
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        mac
    }
}

pub fn verify(config: &WebhookConfig, headers: &HeaderMap, body: &[u8], now_secs: i64) -> Result<PaymentNotice> {
    let id = header(headers, "webhook-id")?;
    let timestamp = timestamp(header(headers, "webhook-timestamp")?)?;
    let signatures = header(headers, "webhook-signature")?;
    // Several signatures are sent while a secret is being rotated; one good one is enough. Other
    // versions (`v1a,` is Ed25519) are not ours to check.
    let authentic = signatures
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|tag| STANDARD.decode(tag).ok())
        .any(|tag| config.mac(id, timestamp, body).verify_slice(&tag).is_ok());
    if !authentic {
        return Err(Error::notification("bad_signature", "签名不匹配"));
    }
    check_fresh(timestamp, now_secs)?;

    let notification: WebhookNotification = serde_json::from_slice(body).map_err(malformed)?;
    let payment = notification.data;
    if payment.merchant_id != config.merchant_id {
        return Err(Error::notification(
            "wrong_merchant",
            format!("这笔支付属于商户 {}，不是本店的", payment.merchant_id),
        ));
    }
    Ok(PaymentNotice {
        provider: Provider::Hmac,
        notification_id: id.to_owned(),
        trade_no: payment.trade_no,
        transaction_id: payment.transaction_id,
        amount: payment.amount,
        merchant_id: payment.merchant_id,
        succeeded: notification.kind == PAYMENT_SUCCEEDED,
    })
}

/// The `webhook-signature` entry for a notification: `v1,<base64 HMAC>`.
pub fn sign(config: &WebhookConfig, id: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "v1,{}",
        STANDARD.encode(config.mac(id, timestamp, body).finalize().into_bytes())
    )
}
