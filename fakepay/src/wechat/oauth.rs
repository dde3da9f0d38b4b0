//! The official account's web OAuth (snsapi_base): the authorize redirect with a code, and the
//! code exchanged for the payer's openid.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError};

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::PAYER_OPENID;
use crate::Fake;
use crate::page::page;
use crate::signers::random_text;

type Params = Query<HashMap<String, String>>;

pub(super) async fn authorize(State(fake): State<Arc<Fake>>, Query(params): Params) -> Response {
    let get = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    let scope_ok = matches!(get("scope"), "snsapi_base" | "snsapi_userinfo");
    if get("appid") != fake.keys.wechat.appid
        || get("redirect_uri").is_empty()
        || !scope_ok
        || get("response_type") != "code"
    {
        let body = page(
            "参数错误",
            "<p>请求参数错误（appid、redirect_uri、scope 或 response_type），请检查后再试。</p>",
        );
        return (StatusCode::BAD_REQUEST, body).into_response();
    }
    let code = random_text(32);
    fake.wechat
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .codes
        .push(code.clone());
    let redirect = get("redirect_uri");
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("code", &code)
        .append_pair("state", get("state"))
        .finish();
    let separator = if redirect.contains('?') { '&' } else { '?' };
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("{redirect}{separator}{query}"))],
    )
        .into_response()
}

/// WeChat answers 200 with `errcode` on failure.
fn failure(errcode: u32, errmsg: &str) -> Json<Value> {
    Json(json!({"errcode": errcode, "errmsg": errmsg}))
}

pub(super) async fn access_token(State(fake): State<Arc<Fake>>, Query(params): Params) -> Json<Value> {
    let get = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    let account = &fake.keys.wechat;
    if get("appid") != account.appid {
        return failure(40013, "invalid appid");
    }
    if get("secret") != account.app_secret {
        return failure(40125, "invalid appsecret");
    }
    if get("grant_type") != "authorization_code" {
        return failure(40002, "invalid grant_type");
    }
    let mut book = fake.wechat.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(at) = book.codes.iter().position(|c| c == get("code")) else {
        return failure(40029, "invalid code");
    };
    // A code is good once.
    book.codes.remove(at);
    Json(json!({
        "access_token": random_text(64),
        "expires_in": 7200,
        "refresh_token": random_text(64),
        "openid": PAYER_OPENID,
        "scope": "snsapi_base",
        "is_snapshotuser": 0,
    }))
}
