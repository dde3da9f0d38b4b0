//! Alipay asynchronous notifications (异步通知).
//!
//! Alipay posts a form whose `sign` is SHA256withRSA (`sign_type=RSA2`), with Alipay's key, over
//! every other parameter, URL-decoded, sorted by name and joined as `k=v&k=v`: what the Alipay
//! SDK's `rsaCheckV1` checks (`getSignCheckContentV1`). The notice carries no timestamp to
//! bound: Alipay retries the same signed form for about a day, so replays are made harmless by
//! the exactly-once processing of its `trade_no`, not refused here.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use orderbell_shared::Money;
use rsa::RsaPublicKey;
use rsa::pkcs1v15::VerifyingKey;
use rsa::pkcs8::DecodePublicKey;
use sha2::Sha256;

use super::signing::{malformed, sha256_rsa_verifies, verifying_key_from_pem};
use super::{PaymentNotice, Provider};
use crate::error::{Error, Result};

pub struct AlipayConfig {
    app_id: String,
    public_key: VerifyingKey<Sha256>,
}

impl AlipayConfig {
    /// `public_key`: Alipay's public key (支付宝公钥, not the app's own), as PEM or as the bare
    /// base64 the Alipay console shows.
    pub fn new(app_id: String, public_key: &str) -> Result<Self> {
        let public_key = if public_key.contains("-----BEGIN") {
            verifying_key_from_pem(public_key)
        } else {
            bare_public_key(public_key)
        }
        .map_err(|e| Error::Config(format!("the Alipay public key does not parse: {e}")))?;
        Ok(AlipayConfig { app_id, public_key })
    }
}

/// The base64 of an SPKI key without PEM armour, possibly wrapped over several lines.
fn bare_public_key(text: &str) -> Result<VerifyingKey<Sha256>, String> {
    let compact: String = text.split_whitespace().collect();
    let der = STANDARD.decode(compact).map_err(|e| e.to_string())?;
    let key = RsaPublicKey::from_public_key_der(&der).map_err(|e| e.to_string())?;
    Ok(VerifyingKey::new(key))
}

pub fn verify(config: &AlipayConfig, body: &[u8]) -> Result<PaymentNotice> {
    // Sorted by name as they are signed: a BTreeMap of Strings orders by bytes, i.e. ASCII order.
    let mut params = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        if params.insert(name.into_owned(), value.into_owned()).is_some() {
            return Err(malformed("通知里有重复的参数"));
        }
    }
    // Values are signed as text in the notification's charset; we read only UTF-8.
    if let Some(charset) = params.get("charset").filter(|c| !c.eq_ignore_ascii_case("utf-8")) {
        return Err(malformed(format!("通知的字符集是 {charset}，只接受 utf-8")));
    }
    let sign = params.remove("sign").ok_or_else(|| malformed("no sign"))?;
    let sign_type = params.remove("sign_type").ok_or_else(|| malformed("no sign_type"))?;
    if sign_type != "RSA2" {
        return Err(malformed(format!("sign_type {sign_type}, not RSA2")));
    }
    let content = params
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    if !sha256_rsa_verifies(&config.public_key, content.as_bytes(), &sign) {
        return Err(Error::notification("bad_signature", "支付宝签名不匹配"));
    }

    let field = |name: &str| params.get(name).cloned().ok_or_else(|| malformed(format!("no {name}")));
    let app_id = field("app_id")?;
    if app_id != config.app_id {
        return Err(Error::notification(
            "wrong_merchant",
            format!("这笔支付属于应用 {app_id}，不是本店的"),
        ));
    }
    let total_amount = field("total_amount")?;
    let amount: Money = total_amount
        .parse()
        .map_err(|e| malformed(format!("total_amount: {e}")))?;
    let trade_status = field("trade_status")?;
    Ok(PaymentNotice {
        provider: Provider::Alipay,
        notification_id: field("notify_id")?,
        trade_no: field("out_trade_no")?,
        transaction_id: field("trade_no")?,
        amount,
        merchant_id: app_id,
        succeeded: matches!(trade_status.as_str(), "TRADE_SUCCESS" | "TRADE_FINISHED"),
    })
}
