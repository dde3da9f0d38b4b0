//! The signed exchange with WeChat Pay API v3: each request signed `WECHATPAY2-SHA256-RSA2048`
//! with the merchant's API key, each answer believed only once its platform signature checks
//! out, and each failure sorted into ask-again-later ([`GatewayError::Unavailable`]), refused
//! for good ([`GatewayError::Refused`]) or not trusted ([`GatewayError::Untrusted`]).

use std::sync::Arc;
use std::time::Duration;

use rand::distr::{Alphanumeric, SampleString};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap};
use reqwest::{Method, Url};
use rsa::pkcs1v15::SigningKey;
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use super::PlatformKeys;
use crate::payments::GatewayError;
use crate::payments::signing::sha256_rsa_sign;

/// The whole exchange, connecting included: an answer later than this is asked for again later.
const TIMEOUT: Duration = Duration::from_secs(10);
const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";
/// The error codes WeChat documents as "try again later" rather than as a refusal.
const TRANSIENT: [&str; 2] = ["SYSTEM_ERROR", "FREQUENCY_LIMITED"];

/// A merchant's signed connection to WeChat Pay.
pub struct Client {
    http: reqwest::Client,
    base: String,
    mchid: String,
    /// The serial of the merchant API certificate `key` belongs to.
    serial: String,
    key: SigningKey<Sha256>,
    platform_keys: Arc<PlatformKeys>,
}

/// WeChat Pay's error body.
#[derive(Deserialize)]
struct Refusal {
    code: String,
    message: String,
}

impl Client {
    /// `base`: WeChat Pay's API address (`https://api.mch.weixin.qq.com`, or a stand-in's).
    pub fn new(
        base: &str,
        mchid: String,
        serial: String,
        key: SigningKey<Sha256>,
        platform_keys: Arc<PlatformKeys>,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            // WeChat Pay refuses requests without a User-Agent.
            .user_agent(concat!("orderbell/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a client with a timeout and a user agent builds");
        Client {
            http,
            base: base.trim_end_matches('/').to_owned(),
            mchid,
            serial,
            key,
            platform_keys,
        }
    }

    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// SHA256withRSA with the merchant key, base64 (also the JSAPI `paySign`).
    pub fn sign(&self, message: &str) -> String {
        sha256_rsa_sign(&self.key, message.as_bytes())
    }

    pub async fn get(&self, path_and_query: &str) -> Result<Value, GatewayError> {
        self.send(Method::GET, path_and_query, String::new()).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, GatewayError> {
        self.send(Method::POST, path, body.to_string()).await
    }

    /// The verified answer's JSON (`Null` for `204 No Content`), or why there is none.
    async fn send(&self, method: Method, path_and_query: &str, body: String) -> Result<Value, GatewayError> {
        let url = Url::parse(&format!("{}{path_and_query}", self.base))
            .map_err(|e| GatewayError::Unavailable(format!("微信支付地址无效：{e}")))?;
        let timestamp = crate::clock::now_secs();
        let nonce = Alphanumeric.sample_string(&mut rand::rng(), 32);
        let signature = self.sign(&message(method.as_str(), &signed_path(&url), timestamp, &nonce, &body));
        let mut request = self
            .http
            .request(method, url)
            .header(ACCEPT, "application/json")
            .header(
                AUTHORIZATION,
                authorization(&self.mchid, &nonce, &signature, timestamp, &self.serial),
            );
        if !body.is_empty() {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let unavailable = |e: reqwest::Error| GatewayError::Unavailable(format!("微信支付没有回答：{e}"));
        let response = request.send().await.map_err(unavailable)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(unavailable)?;
        // A 5xx (often a proxy's, unsigned) says nothing but "later": nothing is read from it.
        if status.is_server_error() {
            return Err(GatewayError::Unavailable(format!("微信支付暂时出错（HTTP {status}）")));
        }
        self.check_signature(&headers, &bytes, status)?;
        if status.is_success() {
            if bytes.is_empty() {
                return Ok(Value::Null);
            }
            return serde_json::from_slice(&bytes)
                .map_err(|e| GatewayError::Unavailable(format!("微信支付的回答无法读取：{e}")));
        }
        let refusal: Refusal = serde_json::from_slice(&bytes)
            .map_err(|_| GatewayError::Unavailable(format!("微信支付的回答无法读取（HTTP {status}）")))?;
        if TRANSIENT.contains(&refusal.code.as_str()) {
            return Err(GatewayError::Unavailable(format!(
                "{}（{}）",
                refusal.message, refusal.code
            )));
        }
        Err(GatewayError::Refused {
            code: refusal.code,
            message: refusal.message,
        })
    }

    /// WeChat's signature over `"{timestamp}\n{nonce}\n{body}\n"`, by the platform key its
    /// serial names. WeChat leaves an answer unsigned only when it could not check our own
    /// signature (`401 SIGN_ERROR`): the log says so, since that means our key or serial is wrong.
    fn check_signature(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        status: reqwest::StatusCode,
    ) -> Result<(), GatewayError> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let (Some(timestamp), Some(nonce), Some(signature), Some(serial)) = (
            header("wechatpay-timestamp"),
            header("wechatpay-nonce"),
            header("wechatpay-signature"),
            header("wechatpay-serial"),
        ) else {
            tracing::warn!(%status, "WeChat Pay answer without a signature (is the merchant key or serial wrong?)");
            return Err(GatewayError::Untrusted);
        };
        match self.platform_keys.verifies(serial, timestamp, nonce, body, signature) {
            Some(true) => Ok(()),
            Some(false) => {
                tracing::warn!(%status, serial, "WeChat Pay answer with a wrong signature");
                Err(GatewayError::Untrusted)
            }
            None => {
                tracing::warn!(%status, serial, "WeChat Pay answer signed by a platform key we do not have (add it with --wechat-platform-key)");
                Err(GatewayError::Untrusted)
            }
        }
    }
}

/// The URL as signed: its path, then `?query` when there is one.
fn signed_path(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

/// What a request's signature covers: `"{METHOD}\n{path?query}\n{timestamp}\n{nonce}\n{body}\n"`.
fn message(method: &str, path_and_query: &str, timestamp: u64, nonce: &str, body: &str) -> String {
    format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n")
}

fn authorization(mchid: &str, nonce: &str, signature: &str, timestamp: u64, serial: &str) -> String {
    format!(
        r#"{SCHEME} mchid="{mchid}",nonce_str="{nonce}",signature="{signature}",timestamp="{timestamp}",serial_no="{serial}""#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_method_path_query_time_nonce_and_body_each_on_its_line() {
        let url =
            Url::parse("https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/OB00000012?mchid=1900000001")
                .expect("a URL");
        assert_eq!(
            message("GET", &signed_path(&url), 1_554_208_460, "593BEC0C", ""),
            "GET\n/v3/pay/transactions/out-trade-no/OB00000012?mchid=1900000001\n1554208460\n593BEC0C\n\n"
        );
        let url = Url::parse("http://127.0.0.1:9900/v3/pay/transactions/native").expect("a URL");
        assert_eq!(
            message("POST", &signed_path(&url), 1, "n", r#"{"a":1}"#),
            "POST\n/v3/pay/transactions/native\n1\nn\n{\"a\":1}\n"
        );
    }

    #[test]
    fn the_authorization_header_is_as_wechat_documents_it() {
        assert_eq!(
            authorization("1900009191", "593BEC0C", "c2ln", 1_554_208_460, "1DDE55AD"),
            r#"WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C",signature="c2ln",timestamp="1554208460",serial_no="1DDE55AD""#
        );
    }
}
