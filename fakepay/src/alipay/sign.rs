//! RSA2 both ways: the merchant's request checked over its sorted `k=v&…` (every non-empty
//! parameter but `sign`) with the app's public key; answers signed over their exact JSON text.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use serde_json::{Value, json};
use sha2::Sha256;

use super::Request;
use crate::keys::Keys;
use crate::signers::{sha256_rsa, signed_content};

fn invalid(sub_code: &str, sub_msg: &str) -> Value {
    json!({"code": "40002", "msg": "Invalid Arguments", "sub_code": sub_code, "sub_msg": sub_msg})
}

pub(super) fn verify(keys: &Keys, request: &Request) -> Result<(), Value> {
    if request.param("method").is_none() {
        return Err(
            json!({"code": "40001", "msg": "Missing Required Arguments", "sub_code": "isv.missing-method", "sub_msg": "缺少方法名参数"}),
        );
    }
    if request.param("app_id") != Some(keys.alipay.app_id.as_str()) {
        return Err(invalid("isv.invalid-app-id", "无效的AppID参数"));
    }
    if request.param("sign_type") != Some("RSA2") {
        return Err(invalid("isv.invalid-signature-type", "无效的签名类型"));
    }
    let content = signed_content(
        request
            .params
            .iter()
            .filter(|(name, _)| name != "sign")
            .map(|(n, v)| (n.as_str(), v.as_str())),
    );
    let signature = request
        .param("sign")
        .and_then(|s| STANDARD.decode(s).ok())
        .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok());
    let verified = signature.is_some_and(|signature| {
        VerifyingKey::<Sha256>::new(RsaPublicKey::from(&keys.alipay_app_key))
            .verify(content.as_bytes(), &signature)
            .is_ok()
    });
    if !verified {
        let message =
            format!("验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：{content}");
        return Err(invalid("isv.invalid-signature", &message));
    }
    Ok(())
}

/// `{"<method with dots as _>_response":{…},"sign":"…"}`, the sign over the inner object's text.
pub(super) fn signed(keys: &Keys, method: &str, result: &Value) -> Response {
    let key = if method.is_empty() || result["sub_code"] == "isv.missing-method" {
        "error_response".to_owned()
    } else {
        format!("{}_response", method.replace('.', "_"))
    };
    let inner = result.to_string();
    let sign = sha256_rsa(&keys.alipay_key, inner.as_bytes());
    let body = format!(r#"{{"{key}":{inner},"sign":"{sign}"}}"#);
    ([(header::CONTENT_TYPE, "application/json;charset=utf-8")], body).into_response()
}
