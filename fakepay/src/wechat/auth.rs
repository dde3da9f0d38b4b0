//! The API's signatures both ways: the merchant's `Authorization: WECHATPAY2-SHA256-RSA2048 …`
//! checked with the merchant's public key, and every answer signed with the platform key.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use sha2::Sha256;

use super::Reply;
use crate::keys::Keys;
use crate::now;
use crate::signers::{random_text, sign_message};

const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048 ";

/// How far a request's timestamp may be from now, as WeChat allows.
const CLOCK_SKEW_SECS: i64 = 300;

fn refused(message: &str) -> Reply {
    Reply::error(StatusCode::UNAUTHORIZED, "SIGN_ERROR", message)
}

/// Checks the request's `Authorization` over `"{method}\n{path?query}\n{timestamp}\n{nonce}\n{body}\n"`.
pub(super) fn verify(
    keys: &Keys,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Reply> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(SCHEME))
        .ok_or_else(|| refused("Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》"))?;
    let value = |name: &str| {
        authorization.split(',').find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.trim_matches('"').to_owned())
        })
    };
    let (Some(mchid), Some(nonce), Some(signature), Some(timestamp), Some(serial)) = (
        value("mchid"),
        value("nonce_str"),
        value("signature"),
        value("timestamp"),
        value("serial_no"),
    ) else {
        return Err(refused(
            "Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》",
        ));
    };
    if mchid != keys.wechat.mchid {
        return Err(Reply::error(StatusCode::BAD_REQUEST, "MCH_NOT_EXISTS", "商户号不存在"));
    }
    if serial != keys.wechat.merchant_serial {
        return Err(refused("商户证书序列号有误，请检查"));
    }
    let fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|at| (now().timestamp() - at).abs() <= CLOCK_SKEW_SECS);
    if !fresh {
        return Err(refused("请求时间与系统时间相差超过5分钟，请检查系统时间"));
    }
    let body = std::str::from_utf8(body).map_err(|_| refused("签名错误"))?;
    let message = format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n");
    if !rsa_verified(&RsaPublicKey::from(&keys.wechat_merchant_key), &message, &signature) {
        return Err(refused("签名错误"));
    }
    Ok(())
}

/// SHA256withRSA over `message`, base64 `signature`, with `key`.
pub(super) fn rsa_verified(key: &RsaPublicKey, message: &str, signature: &str) -> bool {
    let Ok(bytes) = STANDARD.decode(signature) else {
        return false;
    };
    let Ok(signature) = Signature::try_from(bytes.as_slice()) else {
        return false;
    };
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(message.as_bytes(), &signature)
        .is_ok()
}

/// The answer with WeChat's `Wechatpay-*` signature headers (an empty body signed as ""), signed
/// `age_secs` before now.
pub(super) fn signed(keys: &Keys, reply: Reply, age_secs: i64) -> Response {
    let body = reply.body.map(|b| b.to_string()).unwrap_or_default();
    let signed = sign_message(
        &keys.wechat_platform_key,
        &keys.wechat.platform_serial,
        &body,
        now().timestamp() - age_secs,
    );
    let mut response = (reply.status, body).into_response();
    let headers = response.headers_mut();
    for (name, value) in signed.headers {
        if let (Ok(name), Ok(value)) = (name.parse::<header::HeaderName>(), HeaderValue::from_str(&value)) {
            headers.insert(name, value);
        }
    }
    if reply.status != StatusCode::NO_CONTENT {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Ok(id) = HeaderValue::from_str(&random_text(32)) {
        headers.insert("Request-ID", id);
    }
    response
}
