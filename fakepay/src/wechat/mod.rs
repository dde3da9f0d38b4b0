//! WeChat Pay API v3 (`/v3/…`), the official account's OAuth, and the payer's H5 page and JSAPI
//! call. Every `/v3` request is authenticated, recorded, then answered signed with the platform key.

mod auth;
mod oauth;
mod pages;
mod refunds;
mod trades;

pub(crate) use trades::digits;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{any, get, post};
use serde_json::{Value, json};

use crate::record::Recorded;
use crate::{Fake, Provider};

pub(crate) use trades::pay;

/// The documented sample openid: the one payer every fake trade has.
pub(crate) const PAYER_OPENID: &str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";

/// WeChat Pay's books for the one merchant.
#[derive(Default)]
pub(crate) struct Book {
    /// By `out_trade_no`.
    pub trades: BTreeMap<String, trades::Trade>,
    /// By `out_refund_no`.
    pub refunds: BTreeMap<String, refunds::Refund>,
    /// OAuth codes not yet exchanged.
    pub codes: Vec<String>,
}

impl Book {
    /// The open trades, for the payer's list: (out_trade_no, description, fen).
    pub(crate) fn open(&self) -> Vec<(String, String, i64)> {
        self.trades
            .values()
            .filter(|t| t.state == trades::State::NotPay)
            .map(|t| (t.out_trade_no.clone(), t.description.clone(), t.total))
            .collect()
    }
}

pub(crate) fn routes() -> Router<Arc<Fake>> {
    Router::new()
        .route("/v3/{*path}", any(api))
        .route("/connect/oauth2/authorize", get(oauth::authorize))
        .route("/sns/oauth2/access_token", get(oauth::access_token))
        .route("/_fake/wechat/h5/{id}", get(pages::h5).post(pages::h5_pay))
        .route("/_fake/wechat/jsapi", post(pages::jsapi))
}

/// An answer before it is signed: a status and an optional JSON body.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Option<Value>,
}

impl Reply {
    pub(crate) fn ok(body: Value) -> Reply {
        Reply {
            status: StatusCode::OK,
            body: Some(body),
        }
    }

    pub(crate) fn no_content() -> Reply {
        Reply {
            status: StatusCode::NO_CONTENT,
            body: None,
        }
    }

    /// An error as WeChat writes one: `{"code":…,"message":…}`.
    pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Reply {
        Reply {
            status,
            body: Some(json!({"code": code, "message": message})),
        }
    }

    fn code(&self) -> Option<String> {
        let code = self.body.as_ref()?.get("code")?.as_str()?;
        (!self.status.is_success()).then(|| code.to_owned())
    }
}

fn param_error(message: String) -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, "PARAM_ERROR", &message)
}

/// A required string field of a request body.
fn field<'a>(body: &'a Value, pointer: &str) -> Result<&'a str, Reply> {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            param_error(format!(
                "输入源“/body{pointer}”映射到字段必填性规则校验失败，此字段为必填项"
            ))
        })
}

/// A required amount in fen: a JSON integer, as the API takes no other.
fn fen(body: &Value, pointer: &str) -> Result<i64, Reply> {
    body.pointer(pointer)
        .and_then(Value::as_i64)
        .filter(|fen| *fen > 0)
        .ok_or_else(|| {
            param_error(format!(
                "输入源“/body{pointer}”映射到值字段规则校验失败，应为大于零的整数（单位：分）"
            ))
        })
}

async fn api(State(fake): State<Arc<Fake>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path_and_query = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let params = if method == Method::GET {
        let query = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes());
        Value::Object(
            query
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect(),
        )
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    let (operation, reply) = match auth::verify(&fake.keys, &method, path_and_query, &headers, &body) {
        Err(refusal) => (operation(&method, uri.path()), refusal),
        Ok(()) => route(&fake, &method, uri.path(), &params),
    };
    fake.log.push(Recorded {
        provider: Provider::Wechat,
        method: method.to_string(),
        path: path_and_query.to_owned(),
        operation: operation.to_owned(),
        params,
        status: reply.status.as_u16(),
        code: reply.code(),
    });
    fake.faults.hold_answer().await;
    auth::signed(&fake.keys, reply, fake.faults.answer_age_secs())
}

fn operation(method: &Method, path: &str) -> &'static str {
    let segments: Vec<&str> = path.trim_start_matches("/v3/").split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["pay", "transactions", "native"]) => "native",
        ("POST", ["pay", "transactions", "jsapi"]) => "jsapi",
        ("POST", ["pay", "transactions", "h5"]) => "h5",
        ("GET", ["pay", "transactions", "out-trade-no", _]) => "query",
        ("POST", ["pay", "transactions", "out-trade-no", _, "close"]) => "close",
        ("POST", ["refund", "domestic", "refunds"]) => "refund",
        ("GET", ["refund", "domestic", "refunds", _]) => "refund_query",
        _ => "unknown",
    }
}

fn route(fake: &Arc<Fake>, method: &Method, path: &str, params: &Value) -> (&'static str, Reply) {
    let operation = operation(method, path);
    let last = path.rsplit('/').next().unwrap_or_default();
    let reply = match operation {
        "native" => trades::create(fake, trades::Kind::Native, params),
        "jsapi" => trades::create(fake, trades::Kind::Jsapi, params),
        "h5" => trades::create(fake, trades::Kind::H5, params),
        "query" => trades::query(fake, last, params),
        "close" => {
            let no = path.trim_end_matches("/close").rsplit('/').next().unwrap_or_default();
            trades::close(fake, no, params)
        }
        "refund" => refunds::create(fake, params),
        "refund_query" => refunds::query(fake, last),
        _ => Err(Reply::error(StatusCode::NOT_FOUND, "NOT_FOUND", "请求的资源不存在")),
    };
    (
        operation,
        match reply {
            Ok(reply) | Err(reply) => reply,
        },
    )
}
