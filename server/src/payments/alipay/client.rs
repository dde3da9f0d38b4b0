//! Alipay's OpenAPI (`gateway.do`), as its SDK speaks it.
//!
//! A request is a form of the common parameters (`app_id`, `method`, `timestamp` in Beijing time,
//! …) and a JSON `biz_content`, signed SHA256withRSA (`RSA2`) with the app's private key over
//! every other non-empty parameter, sorted by name, joined `k=v&k=v`, not URL-encoded.
//!
//! An answer is `{"alipay_trade_xxx_response": {...}, "sign": "..."}`, signed by Alipay over the
//! exact text of the `…_response` object as it stands in the body. Re-serializing it could
//! reorder keys or change escapes, so the text is taken as it came ([`RawValue`]) and checked
//! before anything in it is believed.

use std::collections::BTreeMap;
use std::time::Duration;

use orderbell_shared::Money;
use rsa::pkcs1v15::{SigningKey, VerifyingKey};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use sha2::Sha256;

use super::AlipayConfig;
use crate::payments::signing::{sha256_rsa_sign, sha256_rsa_verifies, signing_key_from_pem};
use crate::payments::{GatewayError, GatewayResult};
use crate::reports::rules::date_text;

/// Long enough for Alipay's slowest documented answers; a request that takes longer is
/// answered later by a query, not waited for.
const TIMEOUT: Duration = Duration::from_secs(15);
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Alipay reads every time as Beijing time (UTC+8).
const BEIJING_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;

/// An Alipay app's API client: our `app_id` and private key, Alipay's public key, its gateway.
pub struct Client {
    http: reqwest::Client,
    gateway: String,
    app_id: String,
    app_key: SigningKey<Sha256>,
    alipay_key: VerifyingKey<Sha256>,
    /// Where Alipay posts the payment's notification (`…/api/pay/notify/alipay`).
    pub(super) notify_url: String,
}

impl Client {
    /// `app_private_key`: the app's private key (应用私钥) as PEM or bare base64. The error
    /// never quotes the key.
    pub fn new(
        config: &AlipayConfig,
        app_private_key: &str,
        gateway: &str,
        notify_url: String,
    ) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Client {
            http,
            gateway: gateway.to_owned(),
            app_id: config.app_id.clone(),
            app_key: signing_key_from_pem(app_private_key)?,
            alipay_key: config.public_key.clone(),
            notify_url,
        })
    }

    /// The signed request as a URL on the gateway, for the payer's browser to open
    /// (`alipay.trade.wap.pay` is a page, not a call).
    pub(super) fn page_url(&self, method: &str, biz: &serde_json::Value, extra: &[(&str, &str)]) -> String {
        let params = self.signed_params(method, biz, extra, crate::clock::now_ms());
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        let separator = if self.gateway.contains('?') { '&' } else { '?' };
        format!("{}{separator}{query}", self.gateway)
    }

    /// Posts the signed request and reads Alipay's verified answer. `code` 10000 is `T`; a
    /// business error (40004) is `Refused` with Alipay's `sub_code` and `sub_msg`.
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        biz: &serde_json::Value,
        extra: &[(&str, &str)],
    ) -> GatewayResult<T> {
        let params = self.signed_params(method, biz, extra, crate::clock::now_ms());
        let form = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        let response = self
            .http
            .post(&self.gateway)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded;charset=utf-8",
            )
            .body(form)
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        if !status.is_success() {
            return Err(GatewayError::Unavailable(format!(
                "支付宝回答 HTTP {}",
                status.as_u16()
            )));
        }
        let body = response.text().await.map_err(unreachable)?;
        let text = verified_response(&body, method, &self.alipay_key)?;
        let outcome: Outcome = serde_json::from_str(text).map_err(|_| unreadable(method))?;
        outcome.check()?;
        serde_json::from_str(text).map_err(|_| unreadable(method))
    }

    /// The common parameters, `biz_content` and `sign`, as the gateway takes them.
    fn signed_params(
        &self,
        method: &str,
        biz: &serde_json::Value,
        extra: &[(&str, &str)],
        now_ms: i64,
    ) -> BTreeMap<String, String> {
        let mut params: BTreeMap<String, String> = [
            ("app_id", self.app_id.clone()),
            ("method", method.to_owned()),
            ("format", "JSON".to_owned()),
            ("charset", "utf-8".to_owned()),
            ("sign_type", "RSA2".to_owned()),
            ("timestamp", beijing_time(now_ms)),
            ("version", "1.0".to_owned()),
            ("biz_content", biz.to_string()),
        ]
        .into_iter()
        .chain(extra.iter().map(|&(name, value)| (name, value.to_owned())))
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
        let sign = sha256_rsa_sign(&self.app_key, sign_content(&params).as_bytes());
        params.insert("sign".to_owned(), sign);
        params
    }
}

/// What a request is signed over: every parameter but `sign` that has a value, sorted by name
/// (the map's order: bytes, i.e. ASCII), `k=v` joined by `&`, as they are, not URL-encoded.
fn sign_content(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .filter(|(name, value)| *name != "sign" && !value.is_empty())
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The exact text of the `…_response` object of `method`'s answer, once Alipay's signature over
/// it checks out. Alipay answers a request it could not route with `error_response` instead.
fn verified_response<'a>(body: &'a str, method: &str, alipay_key: &VerifyingKey<Sha256>) -> GatewayResult<&'a str> {
    let answer: BTreeMap<String, &'a RawValue> = serde_json::from_str(body).map_err(|_| unreadable(method))?;
    let name = format!("{}_response", method.replace('.', "_"));
    let response = answer
        .get(&name)
        .or_else(|| answer.get("error_response"))
        .ok_or_else(|| unreadable(method))?
        .get();
    let sign = answer
        .get("sign")
        .and_then(|sign| serde_json::from_str::<String>(sign.get()).ok());
    match sign {
        Some(sign) if sha256_rsa_verifies(alipay_key, response.as_bytes(), &sign) => Ok(response),
        _ => {
            // Alipay leaves errors about our own request (a wrong app id or signature) unsigned:
            // not believed, but said in the log so that the operator can fix the configuration.
            tracing::warn!(method, response, "an Alipay answer without a valid signature");
            Err(GatewayError::Untrusted)
        }
    }
}

/// The fields every answer carries.
#[derive(Deserialize)]
struct Outcome {
    code: String,
    #[serde(default)]
    msg: String,
    sub_code: Option<String>,
    sub_msg: Option<String>,
}

impl Outcome {
    /// `10000` succeeded; `20000` (service unavailable) and `ACQ.SYSTEM_ERROR` (also written
    /// `aop.ACQ.SYSTEM_ERROR`) may succeed when asked again; anything else is Alipay refusing the
    /// request, in its words.
    fn check(self) -> GatewayResult<()> {
        if self.code == "10000" {
            return Ok(());
        }
        let sub_code = self.sub_code.unwrap_or_default();
        let message = self.sub_msg.unwrap_or(self.msg);
        if self.code == "20000" || sub_code.ends_with("ACQ.SYSTEM_ERROR") {
            return Err(GatewayError::Unavailable(format!("支付宝系统繁忙（{message}）")));
        }
        Err(GatewayError::Refused {
            code: if sub_code.is_empty() { self.code } else { sub_code },
            message,
        })
    }
}

fn unreachable(error: reqwest::Error) -> GatewayError {
    let what = if error.is_timeout() {
        "连接支付宝超时"
    } else {
        "连不上支付宝"
    };
    tracing::warn!(error = %error, "Alipay request failed");
    GatewayError::Unavailable(what.to_owned())
}

fn unreadable(method: &str) -> GatewayError {
    tracing::warn!(method, "an Alipay answer that does not read");
    GatewayError::Unavailable("支付宝的回答无法识别".to_owned())
}

/// `yyyy-MM-dd HH:mm:ss` in Beijing time: how Alipay reads `timestamp` and `time_expire`.
pub(super) fn beijing_time(unix_ms: i64) -> String {
    let local = unix_ms + BEIJING_OFFSET_MS;
    let secs = local.rem_euclid(DAY_MS) / 1000;
    format!(
        "{} {:02}:{:02}:{:02}",
        date_text(local.div_euclid(DAY_MS)),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// An amount as Alipay takes it: yuan with exactly two decimals (`12.30`), from whole fen.
pub(super) fn yuan(amount: Money) -> String {
    let fen = amount.cents();
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[cfg(test)]
mod tests {
    use rsa::RsaPrivateKey;
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

    use super::*;
    use crate::payments::signing::verifying_key_from_pem;

    /// A key pair; 1024 bits, as the check is the same and a test should not wait for 2048.
    struct Pair {
        signing: SigningKey<Sha256>,
        verifying: VerifyingKey<Sha256>,
        private_pem: String,
        public_pem: String,
    }

    fn pair() -> Pair {
        let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).expect("a key");
        let private_pem = private.to_pkcs8_pem(LineEnding::LF).expect("PEM").to_string();
        let public_pem = private.to_public_key().to_public_key_pem(LineEnding::LF).expect("PEM");
        Pair {
            signing: signing_key_from_pem(&private_pem).expect("private key"),
            verifying: verifying_key_from_pem(&public_pem).expect("public key"),
            private_pem,
            public_pem,
        }
    }

    #[test]
    fn amounts_are_yuan_exact_to_the_fen() {
        for (fen, text) in [
            (1, "0.01"),
            (10, "0.10"),
            (1230, "12.30"),
            (123_456, "1234.56"),
            (3800, "38.00"),
        ] {
            assert_eq!(yuan(Money::from_cents(fen)), text);
            assert_eq!(text.parse::<Money>(), Ok(Money::from_cents(fen)), "reads back");
        }
    }

    #[test]
    fn times_are_beijing_time() {
        // 2024-06-15 04:00:00 UTC.
        assert_eq!(beijing_time(1_718_424_000_000), "2024-06-15 12:00:00");
        // 16:59:59.999 UTC is already the next day in Beijing.
        assert_eq!(beijing_time(1_718_470_799_999), "2024-06-16 00:59:59");
        assert_eq!(beijing_time(1_704_038_400_000), "2024-01-01 00:00:00");
    }

    #[test]
    fn requests_are_signed_over_the_sorted_non_empty_parameters_unencoded() {
        let (app, alipay) = (pair(), pair());
        let config = AlipayConfig::new("2021000123456789".into(), &alipay.public_pem).expect("config");
        let client = Client::new(
            &config,
            &app.private_pem,
            "http://127.0.0.1:9/gateway.do",
            String::new(),
        )
        .expect("client");
        let biz = serde_json::json!({"out_trade_no": "OB00000012", "subject": "点单铃 A03号桌 & 加菜"});
        let params = client.signed_params(
            "alipay.trade.precreate",
            &biz,
            &[
                ("notify_url", "https://x.cn/api/pay/notify/alipay"),
                ("app_auth_token", ""),
            ],
            1_718_424_000_000,
        );
        let expected = "app_id=2021000123456789\
            &biz_content={\"out_trade_no\":\"OB00000012\",\"subject\":\"点单铃 A03号桌 & 加菜\"}\
            &charset=utf-8&format=JSON&method=alipay.trade.precreate\
            &notify_url=https://x.cn/api/pay/notify/alipay&sign_type=RSA2\
            &timestamp=2024-06-15 12:00:00&version=1.0";
        assert_eq!(sign_content(&params), expected);
        // Signed with the app's key, which Alipay holds the public half of.
        assert!(sha256_rsa_verifies(
            &app.verifying,
            expected.as_bytes(),
            &params["sign"]
        ));
        assert!(!sha256_rsa_verifies(
            &alipay.verifying,
            expected.as_bytes(),
            &params["sign"]
        ));
    }

    #[test]
    fn answers_are_verified_over_their_exact_text() {
        let Pair {
            signing: alipay_sign,
            verifying: alipay_key,
            ..
        } = pair();
        // Nested objects, escapes and a Chinese text, as Alipay writes them: the signature is
        // over these bytes, not over what a serializer would write back.
        let response = r#"{"code":"10000","msg":"Success","out_trade_no":"OB00000012","qr_code":"https:\/\/qr.alipay.com\/bax0","extra":{"note":"\"引号\" \u4e2d","list":[{"a":1}]}}"#;
        let sign = sha256_rsa_sign(&alipay_sign, response.as_bytes());
        let method = "alipay.trade.precreate";
        let body = format!(r#"{{"alipay_trade_precreate_response":{response},"sign":"{sign}"}}"#);
        assert_eq!(verified_response(&body, method, &alipay_key), Ok(response));
        // Whitespace around the object is not part of it.
        let spaced = format!("{{ \"sign\" : \"{sign}\" ,\n \"alipay_trade_precreate_response\" : {response} }}");
        assert_eq!(verified_response(&spaced, method, &alipay_key), Ok(response));

        let forged = body.replace("bax0", "bax1");
        assert_eq!(
            verified_response(&forged, method, &alipay_key),
            Err(GatewayError::Untrusted)
        );
        let unsigned = format!(r#"{{"alipay_trade_precreate_response":{response}}}"#);
        assert_eq!(
            verified_response(&unsigned, method, &alipay_key),
            Err(GatewayError::Untrusted)
        );
        // Signed for another method's answer: not this one.
        let other = body.replace("precreate_response", "query_response");
        assert!(matches!(
            verified_response(&other, method, &alipay_key),
            Err(GatewayError::Unavailable(_))
        ));
        assert!(matches!(
            verified_response("<html>", method, &alipay_key),
            Err(GatewayError::Unavailable(_))
        ));
    }

    #[test]
    fn codes_map_to_success_retry_or_refusal() {
        let outcome = |text: &str| serde_json::from_str::<Outcome>(text).expect("reads").check();
        assert_eq!(outcome(r#"{"code":"10000","msg":"Success"}"#), Ok(()));
        assert!(matches!(
            outcome(r#"{"code":"20000","msg":"Service Currently Unavailable","sub_code":"isp.unknow-error"}"#),
            Err(GatewayError::Unavailable(_))
        ));
        assert!(matches!(
            outcome(r#"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.SYSTEM_ERROR","sub_msg":"系统错误"}"#),
            Err(GatewayError::Unavailable(_))
        ));
        assert!(matches!(
            outcome(
                r#"{"code":"40004","msg":"Business Failed","sub_code":"aop.ACQ.SYSTEM_ERROR","sub_msg":"系统繁忙"}"#
            ),
            Err(GatewayError::Unavailable(_))
        ));
        assert_eq!(
            outcome(
                r#"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}"#
            ),
            Err(GatewayError::Refused {
                code: "ACQ.TRADE_NOT_EXIST".into(),
                message: "交易不存在".into()
            })
        );
        assert_eq!(
            outcome(r#"{"code":"40002","msg":"Invalid Arguments"}"#),
            Err(GatewayError::Refused {
                code: "40002".into(),
                message: "Invalid Arguments".into()
            })
        );
    }
}
