//! WeChat Pay API v3 payment notifications.
//!
//! WeChat signs each notification with its platform key, chosen by `Wechatpay-Serial`
//! (SHA256withRSA over `"{timestamp}\n{nonce}\n{body}\n"`), and encrypts the transaction inside
//! it with the merchant's APIv3 key (AES-256-GCM). So a notice is read only after its signature,
//! its freshness, its decryption and its merchant have all checked out.

use std::collections::HashMap;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use orderbell_shared::Money;
use rsa::pkcs1v15::VerifyingKey;
use serde::Deserialize;
use sha2::Sha256;

use super::signing::{check_fresh, header, malformed, sha256_rsa_verifies, timestamp, verifying_key_from_pem};
use super::{PaymentNotice, Provider};
use crate::error::{Error, Result};

/// The only resource encryption WeChat Pay API v3 uses.
const ALGORITHM: &str = "AEAD_AES_256_GCM";
const NONCE_BYTES: usize = 12;

pub struct WechatConfig {
    mchid: String,
    appid: Option<String>,
    cipher: Aes256Gcm,
    platform_keys: HashMap<String, VerifyingKey<Sha256>>,
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
        if platform_keys.is_empty() {
            return Err(Error::Config(
                "no WeChat platform key: no notification could be verified".into(),
            ));
        }
        let platform_keys = platform_keys
            .iter()
            .map(|(serial, pem)| {
                let key = verifying_key_from_pem(pem)
                    .map_err(|e| Error::Config(format!("WeChat platform key {serial}: {e}")))?;
                Ok((serial.clone(), key))
            })
            .collect::<Result<_>>()?;
        Ok(WechatConfig {
            mchid,
            appid,
            cipher,
            platform_keys,
        })
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

#[derive(Deserialize)]
struct Amount {
    /// In fen.
    total: i64,
    currency: String,
}

pub fn verify(config: &WechatConfig, headers: &HeaderMap, body: &[u8], now_secs: i64) -> Result<PaymentNotice> {
    let signed_at = header(headers, "wechatpay-timestamp")?;
    let nonce = header(headers, "wechatpay-nonce")?;
    let signature = header(headers, "wechatpay-signature")?;
    let serial = header(headers, "wechatpay-serial")?;
    let key = config
        .platform_keys
        .get(serial)
        .ok_or_else(|| Error::notification("unknown_key", format!("没有序列号为 {serial} 的微信支付平台公钥")))?;
    let message = [signed_at.as_bytes(), b"\n", nonce.as_bytes(), b"\n", body, b"\n"].concat();
    if !sha256_rsa_verifies(key, &message, signature) {
        return Err(Error::notification("bad_signature", "微信支付签名不匹配"));
    }
    check_fresh(timestamp(signed_at)?, now_secs)?;

    let notification: Notification = serde_json::from_slice(body).map_err(malformed)?;
    let plaintext = decrypt(&config.cipher, &notification.resource)?;
    let transaction: Transaction = serde_json::from_slice(&plaintext).map_err(malformed)?;
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
