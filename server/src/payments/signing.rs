//! What the providers share: notification headers, timestamps and their freshness, and
//! SHA256withRSA (WeChat Pay and Alipay both sign with it: we sign our requests with the
//! merchant's private key, and verify their answers and notifications with their public key).

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
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

/// Whether a provider's signature time is within five minutes of now, as both providers ask of
/// what they sign (notifications, and WeChat's answers).
pub fn fresh(timestamp: i64, now_secs: i64) -> bool {
    timestamp.abs_diff(now_secs) <= MAX_SKEW_SECS
}

/// Refuses a notification signed too far from now. Called after the signature is checked, so
/// that `stale_timestamp` means an authentic notification replayed, not a forged one.
pub fn check_fresh(timestamp: i64, now_secs: i64) -> Result<()> {
    if !fresh(timestamp, now_secs) {
        let skew = timestamp.abs_diff(now_secs);
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

/// A merchant's RSA private key: PKCS#8 PEM (`BEGIN PRIVATE KEY`, WeChat's `apiclient_key.pem`),
/// PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), or the bare base64 of either that Alipay's key tool
/// writes. The error never quotes the key.
pub fn signing_key_from_pem(text: &str) -> Result<SigningKey<Sha256>, String> {
    let text = text.trim();
    let key = if text.starts_with("-----BEGIN RSA PRIVATE KEY-----") {
        RsaPrivateKey::from_pkcs1_pem(text).map_err(|e| e.to_string())?
    } else if text.starts_with("-----BEGIN") {
        RsaPrivateKey::from_pkcs8_pem(text).map_err(|e| e.to_string())?
    } else {
        let compact: String = text.split_whitespace().collect();
        let der = STANDARD
            .decode(compact)
            .map_err(|_| "neither PEM nor base64".to_owned())?;
        RsaPrivateKey::from_pkcs8_der(&der)
            .or_else(|_| RsaPrivateKey::from_pkcs1_der(&der))
            .map_err(|e| e.to_string())?
    };
    Ok(SigningKey::new(key))
}

/// SHA256withRSA (PKCS#1 v1.5) of `message`, in base64: how we sign for WeChat and Alipay.
pub fn sha256_rsa_sign(key: &SigningKey<Sha256>, message: &[u8]) -> String {
    STANDARD.encode(key.sign(message).to_bytes())
}

#[cfg(test)]
mod tests {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

    use super::*;

    #[test]
    fn what_we_sign_verifies_with_the_public_half_in_every_key_format() {
        let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("a key");
        let public_pem = private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("public PEM");
        let verifying = verifying_key_from_pem(&public_pem).expect("public key");
        let pkcs8 = private.to_pkcs8_pem(LineEnding::LF).expect("PKCS#8");
        let bare: String = pkcs8.lines().filter(|l| !l.starts_with("-----")).collect();
        for text in [pkcs8.as_str(), bare.as_str()] {
            let signing = signing_key_from_pem(text).expect("private key");
            let signature = sha256_rsa_sign(&signing, b"appid=1&total=0.01");
            assert!(sha256_rsa_verifies(&verifying, b"appid=1&total=0.01", &signature));
            assert!(!sha256_rsa_verifies(&verifying, b"appid=1&total=0.02", &signature));
        }
        assert!(signing_key_from_pem("not a key").is_err());
    }
}
