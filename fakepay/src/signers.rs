//! Notification signers that sign exactly as WeChat Pay (API v3), Alipay and a Standard Webhooks
//! sender do, so that tests can send the server what the real providers — which tests cannot
//! reach — would send, and forgeries of it. The running fake signs its own notifications with
//! the same code.
//!
//! They sign with code of their own, not the server's: checked only against itself, the server
//! would pass with signer and verifier equally wrong.

mod alipay;
mod webhook;
mod wechat;

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::distr::{Alphanumeric, SampleString};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::rand_core::OsRng;
use rsa::signature::{SignatureEncoding, Signer};
use sha2::Sha256;

pub use alipay::FakeAlipay;
pub(crate) use alipay::{signed_content, signed_form};
pub use webhook::FakeWebhook;
pub use wechat::FakeWechat;
pub(crate) use wechat::{event_body, sign_message};

/// A notification as it arrives over HTTP: its headers and its body.
#[derive(Clone, Debug)]
pub struct Signed {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Signed {
    pub fn header_map(&self) -> HeaderMap {
        self.headers
            .iter()
            .map(|(name, value)| {
                let name = HeaderName::try_from(name.as_str()).expect("a valid header name");
                (
                    name,
                    HeaderValue::try_from(value.as_str()).expect("a valid header value"),
                )
            })
            .collect()
    }

    pub fn header(&self, name: &str) -> &str {
        let (_, value) = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .expect("the header was sent");
        value
    }
}

// 2048-bit keys, as both providers use. Generating one takes a while, so each is made once per
// process; the impostor's stands for any key that is not the provider's.
pub(crate) static WECHAT_KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
pub(crate) static ALIPAY_KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
pub(crate) static IMPOSTOR_KEY: OnceLock<RsaPrivateKey> = OnceLock::new();

pub(crate) fn rsa_key(cell: &'static OnceLock<RsaPrivateKey>) -> &'static RsaPrivateKey {
    cell.get_or_init(|| RsaPrivateKey::new(&mut OsRng, 2048).expect("RSA key generation"))
}

/// SHA256withRSA (PKCS#1 v1.5), base64: WeChat's and Alipay's signature.
pub(crate) fn sha256_rsa(key: &RsaPrivateKey, message: &[u8]) -> String {
    STANDARD.encode(SigningKey::<Sha256>::new(key.clone()).sign(message).to_bytes())
}

pub(crate) fn spki_pem(key: &RsaPrivateKey) -> String {
    key.to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("PEM encoding")
}

pub(crate) fn random_text(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), len)
}
