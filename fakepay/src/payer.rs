//! The payer's side for a test or a person: pay an open trade as the customer's phone would, and
//! the page listing open trades with their 支付 buttons.

use std::fmt;
use std::sync::{Arc, PoisonError};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::page::{escape, page, yuan};
use crate::{Fake, Provider, alipay, wechat};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayError {
    /// No trade with that number.
    NotFound,
    /// Paid or closed already.
    NotOpen,
}

impl fmt::Display for PayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PayError::NotFound => "没有这笔交易，请返回商家页面重新下单",
            PayError::NotOpen => "这笔交易已支付或已关闭，请返回商家页面查看",
        })
    }
}

impl std::error::Error for PayError {}

pub(crate) fn pay_trade(fake: &Arc<Fake>, provider: Provider, trade_no: &str) -> Result<(), PayError> {
    match provider {
        Provider::Wechat => wechat::pay(fake, trade_no, None),
        Provider::Alipay => alipay::pay(fake, trade_no),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PayRequest {
    provider: Provider,
    trade_no: String,
}

pub(crate) async fn pay(State(fake): State<Arc<Fake>>, Json(request): Json<PayRequest>) -> Response {
    match pay_trade(&fake, request.provider, &request.trade_no) {
        Ok(()) => Json(json!({"paid": request.trade_no})).into_response(),
        Err(e) => {
            let (status, code) = match e {
                PayError::NotFound => (StatusCode::NOT_FOUND, "trade_not_found"),
                PayError::NotOpen => (StatusCode::CONFLICT, "trade_not_open"),
            };
            (status, Json(json!({"code": code, "message": e.to_string()}))).into_response()
        }
    }
}

pub(crate) async fn index(State(fake): State<Arc<Fake>>) -> Html<String> {
    let wechat = fake.wechat.lock().unwrap_or_else(PoisonError::into_inner).open();
    let alipay = fake.alipay.lock().unwrap_or_else(PoisonError::into_inner).open();
    let rows: String = [(Provider::Wechat, "微信支付", wechat), (Provider::Alipay, "支付宝", alipay)]
        .into_iter()
        .flat_map(|(provider, name, trades)| trades.into_iter().map(move |t| (provider, name, t)))
        .map(|(provider, name, (trade_no, subject, fen))| {
            let provider = serde_json::to_string(&provider).unwrap_or_default();
            format!(
                r#"<tr><td>{name}</td><td>{}</td><td>{}</td><td>￥{}</td><td><button onclick='pay({provider},"{}")'>支付</button></td></tr>"#,
                escape(&trade_no),
                escape(&subject),
                yuan(fen),
                escape(&trade_no)
            )
        })
        .collect();
    let body = if rows.is_empty() {
        "<p>没有待支付的交易。在点餐页面选择支付后刷新本页。</p>".to_owned()
    } else {
        format!(
            r#"<table>{rows}</table>
<script>async function pay(provider, tradeNo) {{
  const r = await fetch('/_fake/pay', {{method: 'POST', headers: {{'content-type': 'application/json'}}, body: JSON.stringify({{provider, tradeNo}})}});
  if (!r.ok) alert((await r.json()).message);
  location.reload();
}}</script>"#
        )
    };
    page("待支付的交易", &body)
}
