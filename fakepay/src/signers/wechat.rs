//! WeChat Pay API v3: the transaction encrypted under the merchant's APIv3 key (AES-256-GCM),
//! the notification signed with the platform key over `"{timestamp}\n{nonce}\n{body}\n"`.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::RsaPrivateKey;
use serde_json::{Value, json};

use super::{IMPOSTOR_KEY, Signed, WECHAT_KEY, random_text, rsa_key, sha256_rsa, spki_pem};

/// WeChat Pay's notification server, for one merchant.
pub struct FakeWechat {
    pub mchid: String,
    pub appid: String,
    /// The serial of the platform key that signs.
    pub serial: String,
    /// The merchant's APIv3 key (32 ASCII characters), with which WeChat encrypts the payment.
    pub api_v3_key: String,
    key: &'static RsaPrivateKey,
}

impl Default for FakeWechat {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeWechat {
    pub fn new() -> Self {
        FakeWechat {
            mchid: "1900000001".into(),
            appid: "wxd678efh567hg6787".into(),
            serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1".into(),
            api_v3_key: "a7cde1ef8b9f4a2bb3c4d5e6f7a8b9c0".into(),
            key: rsa_key(&WECHAT_KEY),
        }
    }

    /// Everything as [`FakeWechat::new`], but signing with a key that is not WeChat's.
    pub fn forger() -> Self {
        FakeWechat {
            key: rsa_key(&IMPOSTOR_KEY),
            ..Self::new()
        }
    }

    /// The platform public key, SPKI PEM, as WeChat hands it out.
    pub fn public_key_pem(&self) -> String {
        spki_pem(self.key)
    }

    /// A successful payment of `total_fen`, signed at `timestamp`.
    pub fn notify(&self, trade_no: &str, transaction_id: &str, total_fen: i64, timestamp: i64) -> Signed {
        let transaction = self.transaction(trade_no, transaction_id, total_fen, "SUCCESS");
        self.sign(&self.body("TRANSACTION.SUCCESS", &transaction), timestamp)
    }

    /// The decrypted `resource` of a payment notification, in `trade_state`.
    pub fn transaction(&self, trade_no: &str, transaction_id: &str, total_fen: i64, trade_state: &str) -> Value {
        json!({
            "mchid": self.mchid,
            "appid": self.appid,
            "out_trade_no": trade_no,
            "transaction_id": transaction_id,
            "trade_type": "NATIVE",
            "trade_state": trade_state,
            "trade_state_desc": if trade_state == "SUCCESS" { "支付成功" } else { "未支付" },
            "bank_type": "OTHERS",
            "attach": "",
            "success_time": "2024-06-15T12:00:00+08:00",
            "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
            "amount": {"total": total_fen, "payer_total": total_fen, "currency": "CNY", "payer_currency": "CNY"},
        })
    }

    /// A notification body of `event_type`, with `resource` encrypted under the APIv3 key.
    pub fn body(&self, event_type: &str, resource: &Value) -> String {
        let created = "2024-06-15T12:00:00+08:00";
        event_body(&self.api_v3_key, event_type, "transaction", resource, created)
    }

    /// `body`, signed at `timestamp` as WeChat signs: `"{timestamp}\n{nonce}\n{body}\n"`.
    pub fn sign(&self, body: &str, timestamp: i64) -> Signed {
        sign_message(self.key, &self.serial, body, timestamp)
    }
}

/// A notification body of `event_type` about an `original_type` ("transaction" or "refund"):
/// `resource` encrypted AEAD_AES_256_GCM under the APIv3 key, the type as associated data.
pub(crate) fn event_body(
    api_v3_key: &str,
    event_type: &str,
    original_type: &str,
    resource: &Value,
    created: &str,
) -> String {
    let cipher = Aes256Gcm::new_from_slice(api_v3_key.as_bytes()).expect("the APIv3 key is 32 bytes");
    let nonce = random_text(12);
    let plaintext = resource.to_string();
    let payload = Payload {
        msg: plaintext.as_bytes(),
        aad: original_type.as_bytes(),
    };
    // aes-gcm appends the 16-byte tag to the ciphertext, as WeChat does.
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(nonce.as_bytes()), payload)
        .expect("AES-GCM encrypts");
    let summary = if original_type == "refund" {
        "退款成功"
    } else {
        "支付成功"
    };
    json!({
        "id": format!("EV-{}", random_text(20)),
        "create_time": created,
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": STANDARD.encode(ciphertext),
            "associated_data": original_type,
            "nonce": nonce,
        },
    })
    .to_string()
}

/// `body` with the headers WeChat signs a response or notification with, at `timestamp`:
/// SHA256withRSA over `"{timestamp}\n{nonce}\n{body}\n"` with the platform key.
pub(crate) fn sign_message(key: &RsaPrivateKey, serial: &str, body: &str, timestamp: i64) -> Signed {
    let nonce = random_text(32);
    let signature = sha256_rsa(key, format!("{timestamp}\n{nonce}\n{body}\n").as_bytes());
    let headers = [
        ("Wechatpay-Timestamp", timestamp.to_string()),
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Signature", signature),
        ("Wechatpay-Serial", serial.to_owned()),
        ("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048".into()),
    ];
    Signed {
        headers: headers.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
        body: body.to_owned(),
    }
}
