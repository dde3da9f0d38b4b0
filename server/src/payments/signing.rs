//! What the providers' notifications share: headers, timestamps and their freshness, and
//! SHA256withRSA (WeChat Pay and Alipay both sign with it).

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::RsaPublicKey;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::Sha256;

use crate::error::{Error, Result};

/// How far a notification's timestamp may be from now.
const MAX_SKEW_SECS: u64 = 5 * 60;

/// A notification that is authentic (or not yet checked) but cannot be read.
pub fn malformed(cause: impl std::fmt::Display) -> Error {
    Error::notification("malformed_notification", format!("通知格式不对：{cause}"))
}

/// A header every notification of its provider carries.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| malformed(format!("缺少请求头 {name}")))
}

/// A notification's timestamp in unix seconds.
pub fn timestamp(text: &str) -> Result<i64> {
    text.parse()
        .map_err(|_| malformed(format!("时间戳 {text:?} 不是整数秒")))
}

/// Refuses a notification signed too far from now. Called after the signature is checked, so
/// that `stale_timestamp` means an authentic notification replayed, not a forged one.
pub fn check_fresh(timestamp: i64, now_secs: i64) -> Result<()> {
    let skew = timestamp.abs_diff(now_secs);
    if skew > MAX_SKEW_SECS {
        return Err(Error::notification(
            "stale_timestamp",
            format!("签名时间 {timestamp} 与现在相差 {skew} 秒，超过 5 分钟"),
        ));
    }
    Ok(())
}

/// An RSA public key in PEM: SPKI (`BEGIN PUBLIC KEY`) as WeChat and Alipay hand them out, or
/// PKCS#1 (`BEGIN RSA PUBLIC KEY`) as some tools convert them.
pub fn verifying_key_from_pem(pem: &str) -> Result<VerifyingKey<Sha256>, String> {
    let pem = pem.trim();
    let key = if pem.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
        RsaPublicKey::from_pkcs1_pem(pem).map_err(|e| e.to_string())?
    } else {
        RsaPublicKey::from_public_key_pem(pem).map_err(|e| e.to_string())?
    };
    Ok(VerifyingKey::new(key))
}

/// Whether `signature` (base64) is SHA256withRSA (PKCS#1 v1.5) of `message`: how both WeChat
/// and Alipay sign.
pub fn sha256_rsa_verifies(key: &VerifyingKey<Sha256>, message: &[u8], signature: &str) -> bool {
    let Ok(bytes) = STANDARD.decode(signature) else {
        return false;
    };
    Signature::try_from(bytes.as_slice()).is_ok_and(|signature| key.verify(message, &signature).is_ok())
}
