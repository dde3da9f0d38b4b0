//! WeChat Pay API v3 notifications, of payments (`TRANSACTION.*`) and of refunds (`REFUND.*`).
//!
//! WeChat signs each notification with its platform key, chosen by `Wechatpay-Serial`
//! (SHA256withRSA over `"{timestamp}\n{nonce}\n{body}\n"`), and encrypts the transaction or
//! refund inside it with the merchant's APIv3 key (AES-256-GCM). So a notice is read only after
//! its signature, its freshness, its decryption and its merchant have all checked out.

use std::sync::Arc;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use orderbell_shared::Money;
use serde::Deserialize;

use super::PlatformKeys;
use super::gateway::refund_state;
use crate::error::{Error, Result};
use crate::payments::signing::{check_fresh, header, malformed, timestamp};
use crate::payments::{Notice, PaymentNotice, Provider, RefundNotice};

/// The only resource encryption WeChat Pay API v3 uses.
const ALGORITHM: &str = "AEAD_AES_256_GCM";
const NONCE_BYTES: usize = 12;

pub struct WechatConfig {
    mchid: String,
    appid: Option<String>,
    cipher: Aes256Gcm,
    platform_keys: Arc<PlatformKeys>,
}

impl WechatConfig {
    /// `api_v3_key`: the 32-character APIv3 key; `platform_keys`: (serial, PEM public key) pairs.
    pub fn new(
        mchid: String,
        appid: Option<String>,
        api_v3_key: &str,
        platform_keys: &[(String, String)],
    ) -> Result<Self> {
        // The APIv3 key's ASCII bytes are the AES-256 key itself, so it must be exactly 32 of them.
        let cipher = Aes256Gcm::new_from_slice(api_v3_key.as_bytes()).map_err(|_| {
            Error::Config(format!(
                "the WeChat APIv3 key must be 32 bytes, not {}",
                api_v3_key.len()
            ))
        })?;
        Ok(WechatConfig {
            mchid,
            appid,
            cipher,
            platform_keys: Arc::new(PlatformKeys::new(platform_keys)?),
        })
    }

    /// Our merchant number (商户号).
    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// The platform keys, which also verify WeChat Pay's answers to our requests.
    pub fn platform_keys(&self) -> Arc<PlatformKeys> {
        Arc::clone(&self.platform_keys)
    }
}

#[derive(Deserialize)]
struct Notification {
    id: String,
    event_type: String,
    resource: Resource,
}

#[derive(Deserialize)]
struct Resource {
    algorithm: String,
    ciphertext: String,
    associated_data: Option<String>,
    nonce: String,
}

#[derive(Deserialize)]
struct Transaction {
    mchid: String,
    appid: String,
    out_trade_no: String,
    transaction_id: String,
    trade_state: String,
    amount: Amount,
}

/// The decrypted `resource` of a `REFUND.*` notification.
#[derive(Deserialize)]
struct Refund {
    mchid: String,
    out_refund_no: String,
    refund_id: String,
    refund_status: String,
}

#[derive(Deserialize)]
struct Amount {
    /// In fen.
    total: i64,
    currency: String,
}

pub fn verify(config: &WechatConfig, headers: &HeaderMap, body: &[u8], now_secs: i64) -> Result<Notice> {
    let signed_at = header(headers, "wechatpay-timestamp")?;
    let nonce = header(headers, "wechatpay-nonce")?;
    let signature = header(headers, "wechatpay-signature")?;
    let serial = header(headers, "wechatpay-serial")?;
    let verifies = config
        .platform_keys
        .verifies(serial, signed_at, nonce, body, signature)
        .ok_or_else(|| Error::notification("unknown_key", format!("没有序列号为 {serial} 的微信支付平台公钥")))?;
    if !verifies {
        return Err(Error::notification("bad_signature", "微信支付签名不匹配"));
    }
    check_fresh(timestamp(signed_at)?, now_secs)?;

    let notification: Notification = serde_json::from_slice(body).map_err(malformed)?;
    let plaintext = decrypt(&config.cipher, &notification.resource)?;
    if notification.event_type.starts_with("REFUND.") {
        let refund: Refund = serde_json::from_slice(&plaintext).map_err(malformed)?;
        return read_refund(config, refund).map(Notice::Refund);
    }
    let transaction: Transaction = serde_json::from_slice(&plaintext).map_err(malformed)?;
    read_payment(config, notification, transaction).map(Notice::Payment)
}

fn read_payment(config: &WechatConfig, notification: Notification, transaction: Transaction) -> Result<PaymentNotice> {
    let ours = transaction.mchid == config.mchid && config.appid.as_ref().is_none_or(|a| *a == transaction.appid);
    if !ours {
        return Err(Error::notification(
            "wrong_merchant",
            format!(
                "这笔支付属于商户 {} / 应用 {}，不是本店的",
                transaction.mchid, transaction.appid
            ),
        ));
    }
    // `Money` has no currency: it is yuan. Anything else would be misread, not converted.
    if transaction.amount.currency != "CNY" {
        return Err(Error::notification(
            "malformed_notification",
            format!("金额币种是 {}，只接受人民币 CNY", transaction.amount.currency),
        ));
    }
    Ok(PaymentNotice {
        provider: Provider::Wechat,
        notification_id: notification.id,
        trade_no: transaction.out_trade_no,
        transaction_id: transaction.transaction_id,
        amount: Money::from_cents(transaction.amount.total),
        merchant_id: transaction.mchid,
        succeeded: notification.event_type == "TRANSACTION.SUCCESS" && transaction.trade_state == "SUCCESS",
    })
}

/// A refund's end (`REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`), read from its
/// `refund_status` the same way as the answer to a refund request.
fn read_refund(config: &WechatConfig, refund: Refund) -> Result<RefundNotice> {
    if refund.mchid != config.mchid {
        return Err(Error::notification(
            "wrong_merchant",
            format!("这笔退款属于商户 {}，不是本店的", refund.mchid),
        ));
    }
    let state = refund_state(&refund.refund_status, refund.refund_id)
        .ok_or_else(|| malformed(format!("不认识的退款状态 {}", refund.refund_status)))?;
    Ok(RefundNotice {
        provider: Provider::Wechat,
        refund_no: refund.out_refund_no,
        state,
    })
}

fn decrypt(cipher: &Aes256Gcm, resource: &Resource) -> Result<Vec<u8>> {
    if resource.algorithm != ALGORITHM {
        return Err(malformed(format!("不支持的加密算法 {}", resource.algorithm)));
    }
    if resource.nonce.len() != NONCE_BYTES {
        return Err(malformed(format!("nonce 长度 {} 字节不对", resource.nonce.len())));
    }
    // The base64 holds the ciphertext followed by the 16-byte tag, as aes-gcm expects.
    let ciphertext = STANDARD.decode(&resource.ciphertext).map_err(malformed)?;
    let payload = Payload {
        msg: &ciphertext,
        aad: resource.associated_data.as_deref().unwrap_or_default().as_bytes(),
    };
    cipher
        .decrypt(Nonce::from_slice(resource.nonce.as_bytes()), payload)
        .map_err(|_| Error::notification("decrypt_failed", "用本店的 APIv3 密钥解不开通知内容"))
}
