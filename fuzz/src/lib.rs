//! What the fuzz targets share: the providers' keys and signatures, made here with code of our
//! own (as `tests/src/providers` does), so that a target can sign whatever the fuzzer made up and
//! reach past the signature check into the reading behind it.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderName, HeaderValue};
use orderbell_server::Error;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::rand_core::OsRng;
use rsa::signature::{SignatureEncoding, Signer};
use sha2::Sha256;

/// The providers' RSA key, made once per process. 1024 bits rather than the providers' 2048:
/// the verifier reads any size alike, and signing every input at half the size is about four
/// times as fast, which is four times as many inputs a second.
pub fn rsa_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut OsRng, 1024).expect("RSA key generation"))
}

/// The public half of [`rsa_key`], SPKI PEM, as WeChat and Alipay hand theirs out.
pub fn public_key_pem() -> String {
    rsa_key()
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("PEM encoding")
}

/// SHA256withRSA (PKCS#1 v1.5), base64: how WeChat and Alipay sign.
pub fn sha256_rsa(message: &[u8]) -> String {
    static SIGNER: OnceLock<SigningKey<Sha256>> = OnceLock::new();
    let signer = SIGNER.get_or_init(|| SigningKey::new(rsa_key().clone()));
    STANDARD.encode(signer.sign(message).to_bytes())
}

/// Headers as a request would carry them; a pair HTTP could not carry is left out, as it could
/// never reach the server.
pub fn headers<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> HeaderMap {
    pairs
        .into_iter()
        .filter_map(|(name, value)| Some((HeaderName::try_from(name).ok()?, HeaderValue::try_from(value).ok()?)))
        .collect()
}

/// A refusal must be the sender's fault (4xx, so a provider gets a proper answer), never a
/// server fault.
pub fn assert_refused_as_client_error(error: &Error) {
    assert!(
        error.status().is_client_error(),
        "bad input must be refused with a 4xx, not {} ({error:?})",
        error.status()
    );
}
