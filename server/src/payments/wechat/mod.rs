//! WeChat Pay API v3: the signed notifications it sends us ([`verify`]), the signed requests we
//! send it ([`WechatPay`], behind the [`Gateway`](super::Gateway) trait), and the
//! official-account OAuth that finds a payer's `openid` for JSAPI payments ([`Oauth`]).
//!
//! WeChat signs both its notifications and its answers with its platform key, chosen by
//! `Wechatpay-Serial`, as SHA256withRSA over `"{timestamp}\n{nonce}\n{body}\n"`: one set of
//! [`PlatformKeys`] checks both.

mod client;
mod gateway;
mod notify;
mod oauth;

use std::collections::HashMap;

use rsa::pkcs1v15::VerifyingKey;
use sha2::Sha256;

use super::signing::{sha256_rsa_verifies, verifying_key_from_pem};
use crate::error::{Error, Result};

pub use client::Client;
pub use gateway::WechatPay;
pub use notify::{WechatConfig, verify};
pub use oauth::Oauth;

/// WeChat Pay's platform public keys, by serial (a certificate serial or a `PUB_KEY_ID_…`).
pub struct PlatformKeys(HashMap<String, VerifyingKey<Sha256>>);

impl PlatformKeys {
    /// `keys`: (serial, PEM public key) pairs.
    pub fn new(keys: &[(String, String)]) -> Result<Self> {
        if keys.is_empty() {
            return Err(Error::Config(
                "no WeChat platform key: no notification could be verified".into(),
            ));
        }
        let keys = keys
            .iter()
            .map(|(serial, pem)| {
                let key = verifying_key_from_pem(pem)
                    .map_err(|e| Error::Config(format!("WeChat platform key {serial}: {e}")))?;
                Ok((serial.clone(), key))
            })
            .collect::<Result<_>>()?;
        Ok(PlatformKeys(keys))
    }

    /// Whether `signature` is the key `serial`'s over `"{timestamp}\n{nonce}\n{body}\n"`;
    /// `None` when we have no key of that serial.
    fn verifies(&self, serial: &str, timestamp: &str, nonce: &str, body: &[u8], signature: &str) -> Option<bool> {
        let key = self.0.get(serial)?;
        let message = [timestamp.as_bytes(), b"\n", nonce.as_bytes(), b"\n", body, b"\n"].concat();
        Some(sha256_rsa_verifies(key, &message, signature))
    }
}
