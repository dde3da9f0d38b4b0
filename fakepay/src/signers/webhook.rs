//! Standard Webhooks: HMAC-SHA256 of `"{webhook-id}.{webhook-timestamp}.{body}"` with the
//! `whsec_` secret's key.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use orderbell_shared::Money;
use orderbell_shared::payment::{PAYMENT_SUCCEEDED, WebhookNotification, WebhookPayment};
use sha2::Sha256;

use super::{Signed, random_text};

/// A provider adapter (or the built-in simulator) signing like Standard Webhooks.
pub struct FakeWebhook {
    /// `whsec_` and the base64 key, as Standard Webhooks writes secrets.
    pub secret: String,
    pub merchant_id: String,
}

impl Default for FakeWebhook {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeWebhook {
    /// With a fresh random 32-byte key.
    pub fn new() -> Self {
        FakeWebhook {
            secret: format!("whsec_{}", STANDARD.encode(rand::random::<[u8; 32]>())),
            merchant_id: "orderbell-demo".into(),
        }
    }

    /// A successful payment of `amount`, signed at `timestamp`.
    pub fn notify(&self, trade_no: &str, transaction_id: &str, amount: Money, timestamp: i64) -> Signed {
        self.sign(
            &self.body(PAYMENT_SUCCEEDED, trade_no, transaction_id, amount),
            timestamp,
        )
    }

    /// A notification body of type `kind`.
    pub fn body(&self, kind: &str, trade_no: &str, transaction_id: &str, amount: Money) -> String {
        let notification = WebhookNotification {
            kind: kind.into(),
            data: WebhookPayment {
                trade_no: trade_no.into(),
                transaction_id: transaction_id.into(),
                amount,
                merchant_id: self.merchant_id.clone(),
            },
        };
        serde_json::to_string(&notification).expect("serializes")
    }

    /// `body` under a fresh `webhook-id`, signed at `timestamp`: HMAC-SHA256 of
    /// `"{id}.{timestamp}.{body}"`.
    pub fn sign(&self, body: &str, timestamp: i64) -> Signed {
        let id = format!("msg_{}", random_text(27));
        let encoded = self.secret.strip_prefix("whsec_").expect("a whsec_ secret");
        let key = STANDARD.decode(encoded).expect("a base64 key");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key length");
        mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
        let signature = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        let headers = [
            ("webhook-id", id),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
        ];
        Signed {
            headers: headers.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
            body: body.to_owned(),
        }
    }
}
