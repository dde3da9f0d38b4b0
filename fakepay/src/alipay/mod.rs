//! Alipay OpenAPI at `/gateway.do`: form (or query) requests RSA2-signed by the merchant's app
//! key, checked with its public half; answers `{"<method>_response":{…},"sign":…}` signed with
//! Alipay's key; the wap cashier page for `alipay.trade.wap.pay`.

mod cashier;
mod refunds;
mod sign;
mod trades;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use axum::routing::{any, post};
use serde_json::{Map, Value, json};

use crate::record::Recorded;
use crate::{Fake, Provider};

pub(crate) use trades::pay;

#[derive(Default)]
pub(crate) struct Book {
    /// By `out_trade_no`.
    pub trades: BTreeMap<String, trades::Trade>,
}

impl Book {
    /// The open trades, for the payer's list: (out_trade_no, subject, fen).
    pub(crate) fn open(&self) -> Vec<(String, String, i64)> {
        self.trades
            .values()
            .filter(|t| t.status == trades::Status::Wait)
            .map(|t| (t.out_trade_no.clone(), t.subject.clone(), t.cents))
            .collect()
    }
}

pub(crate) fn routes() -> Router<Arc<Fake>> {
    Router::new()
        .route("/gateway.do", any(gateway))
        .route("/_fake/alipay/wap/{id}", post(cashier::confirm))
}

/// A request's parameters (query and form together), with `biz_content` parsed.
pub(crate) struct Request {
    pub params: Vec<(String, String)>,
    pub biz: Value,
}

impl Request {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn biz(&self, name: &str) -> Option<&str> {
        self.biz.get(name).and_then(Value::as_str).filter(|v| !v.is_empty())
    }
}

/// What a gateway method answers: a business result (`code` `10000` or a refusal), or a page.
pub(crate) enum Answer {
    Result(Value),
    Page(Response),
}

pub(crate) fn success(fields: Value) -> Value {
    let mut answer = json!({"code": "10000", "msg": "Success"});
    if let (Some(answer), Value::Object(fields)) = (answer.as_object_mut(), fields) {
        answer.extend(fields);
    }
    answer
}

/// A business refusal (`40004 Business Failed`) with its `sub_code`.
pub(crate) fn failed(sub_code: &str, sub_msg: &str) -> Value {
    json!({"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg})
}

/// An amount as Alipay takes it: yuan with at most two decimals, 0.01 to 100000000.
pub(crate) fn cents(amount: &str) -> Option<i64> {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 9
        || !digits(whole)
        || fraction.len() > 2
        || !digits(fraction)
        || (amount.contains('.') && fraction.is_empty())
    {
        return None;
    }
    let cents = whole.parse::<i64>().ok()? * 100 + format!("{fraction:0<2}").parse::<i64>().ok()?;
    (1..=10_000_000_000).contains(&cents).then_some(cents)
}

async fn gateway(State(fake): State<Arc<Fake>>, method: Method, uri: Uri, body: Bytes) -> Response {
    let query = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes());
    let form = form_urlencoded::parse(&body);
    let params: Vec<(String, String)> = query
        .chain(form)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let biz = params
        .iter()
        .find(|(n, _)| n == "biz_content")
        .and_then(|(_, v)| serde_json::from_str(v).ok())
        .unwrap_or(Value::Null);
    let request = Request { params, biz };
    let api = request.param("method").unwrap_or_default().to_owned();
    let answer = match sign::verify(&fake.keys, &request) {
        Err(refusal) => Answer::Result(refusal),
        Ok(()) => match api.as_str() {
            "alipay.trade.precreate" => Answer::Result(trades::precreate(&fake, &request)),
            "alipay.trade.wap.pay" => cashier::open(&fake, &request),
            "alipay.trade.query" => Answer::Result(trades::query(&fake, &request)),
            "alipay.trade.close" => Answer::Result(trades::close(&fake, &request)),
            "alipay.trade.refund" => Answer::Result(refunds::refund(&fake, &request)),
            "alipay.trade.fastpay.refund.query" => Answer::Result(refunds::query(&fake, &request)),
            _ => Answer::Result(
                json!({"code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-method", "sub_msg": "不存在的方法名"}),
            ),
        },
    };
    let mut recorded: Map<String, Value> = request
        .params
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    recorded.insert("biz_content".into(), request.biz.clone());
    let code = match &answer {
        Answer::Result(result) => result.get("sub_code").and_then(Value::as_str).map(str::to_owned),
        Answer::Page(_) => None,
    };
    fake.log.push(Recorded {
        provider: Provider::Alipay,
        method: method.to_string(),
        path: uri.to_string(),
        operation: api.clone(),
        params: Value::Object(recorded),
        status: 200,
        code,
    });
    fake.faults.hold_answer().await;
    match answer {
        Answer::Page(page) => page,
        Answer::Result(result) => sign::signed(&fake.keys, &api, &result),
    }
}
