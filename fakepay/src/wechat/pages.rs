//! The payer inside and outside WeChat: the H5 cashier page the `h5_url` opens, and the JSAPI
//! call (`WeixinJSBridge.invoke('getBrandWCPayRequest', …)`) a test's stand-in bridge posts.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rsa::RsaPublicKey;
use serde::Deserialize;
use serde_json::json;

use super::PAYER_OPENID;
use super::auth::rsa_verified;
use super::trades::{find, pay, summary};
use crate::Fake;
use crate::page::{escape, page, yuan};

pub(super) async fn h5(
    State(fake): State<Arc<Fake>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some((description, fen, open)) = find(&fake, &id).and_then(|no| summary(&fake, &no)) else {
        return (
            StatusCode::NOT_FOUND,
            page("微信支付", "<p>订单不存在，请返回商家页面重新下单。</p>"),
        )
            .into_response();
    };
    let redirect = query.get("redirect_url").map(String::as_str).unwrap_or_default();
    let action = if open {
        format!(
            r#"<form method="post"><input type="hidden" name="redirect_url" value="{}"><button>确认支付</button></form>"#,
            escape(redirect)
        )
    } else {
        "<p>该订单已支付或已关闭，请返回商家页面查看。</p>".to_owned()
    };
    let body = format!(
        r#"<p>{}</p><p class="amount">￥{}</p>{action}"#,
        escape(&description),
        yuan(fen)
    );
    page("微信支付", &body).into_response()
}

#[derive(Deserialize)]
pub(super) struct Confirm {
    #[serde(default)]
    redirect_url: String,
}

pub(super) async fn h5_pay(
    State(fake): State<Arc<Fake>>,
    Path(id): Path<String>,
    Form(confirm): Form<Confirm>,
) -> Response {
    let paid = find(&fake, &id)
        .ok_or(crate::PayError::NotFound)
        .and_then(|no| pay(&fake, &no, None));
    match paid {
        Err(e) => (
            StatusCode::CONFLICT,
            page("微信支付", &format!("<p>{}</p>", escape(&e.to_string()))),
        )
            .into_response(),
        Ok(()) if confirm.redirect_url.is_empty() => {
            page("支付成功", "<p>支付成功，请返回商家页面。</p>").into_response()
        }
        Ok(()) => (StatusCode::SEE_OTHER, [(header::LOCATION, confirm.redirect_url)]).into_response(),
    }
}

/// The parameters of `getBrandWCPayRequest`, as the merchant's page passes them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct BrandPayRequest {
    app_id: String,
    time_stamp: String,
    nonce_str: String,
    package: String,
    sign_type: String,
    pay_sign: String,
}

pub(super) async fn jsapi(State(fake): State<Arc<Fake>>, Json(request): Json<BrandPayRequest>) -> Response {
    let fail = |message: &str| {
        let body = json!({"err_msg": "get_brand_wcpay_request:fail", "message": message});
        (StatusCode::BAD_REQUEST, Json(body)).into_response()
    };
    if request.app_id != fake.keys.wechat.appid {
        return fail("appId 与商户号不匹配");
    }
    if request.sign_type != "RSA" {
        return fail("signType 应为 RSA");
    }
    let message = format!(
        "{}\n{}\n{}\n{}\n",
        request.app_id, request.time_stamp, request.nonce_str, request.package
    );
    if !rsa_verified(
        &RsaPublicKey::from(&fake.keys.wechat_merchant_key),
        &message,
        &request.pay_sign,
    ) {
        return fail("支付验证签名失败");
    }
    let prepay_id = request.package.strip_prefix("prepay_id=").unwrap_or_default();
    let paid = find(&fake, prepay_id)
        .ok_or(crate::PayError::NotFound)
        .and_then(|no| pay(&fake, &no, Some(PAYER_OPENID)));
    match paid {
        Ok(()) => Json(json!({"err_msg": "get_brand_wcpay_request:ok"})).into_response(),
        Err(e) => fail(&e.to_string()),
    }
}
