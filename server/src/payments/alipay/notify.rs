//! Alipay asynchronous notifications (异步通知).
//!
//! Alipay posts a form whose `sign` is SHA256withRSA (`sign_type=RSA2`), with Alipay's key, over
//! every other parameter, URL-decoded, sorted by name and joined as `k=v&k=v`: what the Alipay
//! SDK's `rsaCheckV1` checks (`getSignCheckContentV1`). The notice carries no timestamp to
//! bound: Alipay retries the same signed form for about a day, so replays are made harmless by
//! the exactly-once processing of its `trade_no`, not refused here.
//!
//! The same form, with `out_biz_no` and `refund_fee` added, tells of a refund of the trade; its
//! `trade_status` is still `TRADE_SUCCESS` after a partial refund, so it must not be read as a
//! payment: it is read as the refund (`out_biz_no` is the `out_request_no` we asked with).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use orderbell_shared::Money;
use rsa::RsaPublicKey;
use rsa::pkcs1v15::VerifyingKey;
use rsa::pkcs8::DecodePublicKey;
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::payments::signing::{malformed, sha256_rsa_verifies, verifying_key_from_pem};
use crate::payments::{Notice, PaymentNotice, Provider, RefundNotice, RefundState};

pub struct AlipayConfig {
    pub(super) app_id: String,
    /// Alipay's key: it signs notifications and the answers to our requests.
    pub(super) public_key: VerifyingKey<Sha256>,
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
        .map_err(|e| {
            Error::Config(format!(
                "--alipay-public-key: the Alipay public key does not parse: {e}"
            ))
        })?;
        Ok(AlipayConfig { app_id, public_key })
    }

    /// Our application's id at Alipay.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }
}

/// The base64 of an SPKI key without PEM armour, possibly wrapped over several lines.
fn bare_public_key(text: &str) -> Result<VerifyingKey<Sha256>, String> {
    let compact: String = text.split_whitespace().collect();
    let der = STANDARD.decode(compact).map_err(|e| e.to_string())?;
    let key = RsaPublicKey::from_public_key_der(&der).map_err(|e| e.to_string())?;
    Ok(VerifyingKey::new(key))
}

pub fn verify(config: &AlipayConfig, body: &[u8]) -> Result<Notice> {
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
    if params.contains_key("out_biz_no") || params.contains_key("refund_fee") {
        // Sent only once the money went back to the payer (退款成功).
        return Ok(Notice::Refund(RefundNotice {
            provider: Provider::Alipay,
            refund_no: field("out_biz_no")?,
            state: RefundState::Succeeded {
                provider_refund_id: None,
            },
        }));
    }
    let total_amount = field("total_amount")?;
    let amount: Money = total_amount
        .parse()
        .map_err(|e| malformed(format!("total_amount: {e}")))?;
    let trade_status = field("trade_status")?;
    Ok(Notice::Payment(PaymentNotice {
        provider: Provider::Alipay,
        notification_id: field("notify_id")?,
        trade_no: field("out_trade_no")?,
        transaction_id: field("trade_no")?,
        amount,
        merchant_id: app_id,
        succeeded: matches!(trade_status.as_str(), "TRADE_SUCCESS" | "TRADE_FINISHED"),
    }))
}

#[cfg(test)]
mod tests {
    use rsa::RsaPrivateKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};

    use super::*;
    use crate::payments::signing::sha256_rsa_sign;

    /// A notification signed as Alipay signs one, by a key of the test's.
    fn signed(key: &RsaPrivateKey, params: &[(&str, &str)]) -> String {
        let sorted: BTreeMap<_, _> = params.iter().copied().collect();
        let content = sorted
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&");
        let sign = sha256_rsa_sign(&rsa::pkcs1v15::SigningKey::new(key.clone()), content.as_bytes());
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .append_pair("sign_type", "RSA2")
            .append_pair("sign", &sign)
            .finish()
    }

    #[test]
    fn a_refund_is_not_taken_for_a_payment() {
        // 1024 bits: the check is the same, and a test should not wait for a 2048-bit key.
        let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).expect("a key");
        let pem = key.to_public_key().to_public_key_pem(LineEnding::LF).expect("PEM");
        let config = AlipayConfig::new("2021000123456789".into(), &pem).expect("config");
        let payment = [
            ("notify_id", "ac05099524730693a8b330c5ecf72da9786"),
            ("notify_type", "trade_status_sync"),
            ("app_id", "2021000123456789"),
            ("charset", "utf-8"),
            ("trade_no", "2024061522001400001"),
            ("out_trade_no", "OB00000012"),
            ("total_amount", "38.00"),
            // Still TRADE_SUCCESS after a partial refund.
            ("trade_status", "TRADE_SUCCESS"),
        ];
        let refund = [
            &payment[..],
            &[
                ("out_biz_no", "RF00000007"),
                ("refund_fee", "12.30"),
                ("gmt_refund", "2024-06-15 12:30:00.123"),
            ],
        ]
        .concat();
        assert_eq!(
            verify(&config, signed(&key, &refund).as_bytes()).expect("authentic"),
            Notice::Refund(RefundNotice {
                provider: Provider::Alipay,
                refund_no: "RF00000007".into(),
                state: RefundState::Succeeded {
                    provider_refund_id: None
                },
            })
        );
        assert!(matches!(
            verify(&config, signed(&key, &payment).as_bytes()),
            Ok(Notice::Payment(PaymentNotice { succeeded: true, .. }))
        ));
    }
}
