//! Creating, querying and closing transactions, and paying one (the payer's side).

use std::sync::{Arc, PoisonError};

use axum::http::StatusCode;
use chrono::SecondsFormat;
use serde_json::{Value, json};

use super::{Book, PAYER_OPENID, Reply, fen, field};
use crate::deliver::{self, Notification};
use crate::payer::PayError;
use crate::signers::{event_body, random_text};
use crate::{Fake, Provider, now};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Native,
    Jsapi,
    H5,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    NotPay,
    Success,
    Closed,
}

pub(crate) struct Trade {
    pub out_trade_no: String,
    /// Our token in the payer's links (`code_url`, `h5_url`).
    pub id: String,
    pub prepay_id: String,
    pub kind: Kind,
    pub description: String,
    pub notify_url: String,
    pub total: i64,
    pub openid: Option<String>,
    pub state: State,
    pub transaction_id: String,
    pub success_time: Option<String>,
    /// Fen refunded so far (refunds accepted, finished or not).
    pub refunded: i64,
}

pub(crate) fn digits(n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rand::random_range(0..10u8))).collect()
}

pub(crate) fn rfc3339_now() -> String {
    now().to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn book(fake: &Fake) -> std::sync::MutexGuard<'_, Book> {
    fake.wechat.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn create(fake: &Arc<Fake>, kind: Kind, body: &Value) -> Result<Reply, Reply> {
    let account = &fake.keys.wechat;
    let appid = field(body, "/appid")?;
    let mchid = field(body, "/mchid")?;
    let description = field(body, "/description")?;
    let out_trade_no = field(body, "/out_trade_no")?;
    let notify_url = field(body, "/notify_url")?;
    let total = fen(body, "/amount/total")?;
    if body.pointer("/amount/currency").is_some_and(|c| c != "CNY") {
        return Err(super::param_error("amount.currency 只支持 CNY".into()));
    }
    let openid = match kind {
        Kind::Jsapi => Some(field(body, "/payer/openid")?.to_owned()),
        _ => None,
    };
    if kind == Kind::H5 {
        field(body, "/scene_info/payer_client_ip")?;
        field(body, "/scene_info/h5_info/type")?;
    }
    if mchid != account.mchid {
        return Err(Reply::error(StatusCode::BAD_REQUEST, "MCH_NOT_EXISTS", "商户号不存在"));
    }
    if appid != account.appid {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            "APPID_MCHID_NOT_MATCH",
            "appid和mch_id不匹配",
        ));
    }
    let mut book = book(fake);
    if let Some(trade) = book.trades.get(out_trade_no) {
        return match trade.state {
            State::Success => Err(Reply::error(StatusCode::BAD_REQUEST, "ORDERPAID", "该订单已支付")),
            State::Closed => Err(Reply::error(StatusCode::BAD_REQUEST, "ORDER_CLOSED", "订单已关闭")),
            // The same request again gets the same answer; another under the same number is refused.
            State::NotPay
                if trade.kind == kind
                    && trade.total == total
                    && trade.description == description
                    && trade.openid == openid =>
            {
                Ok(answer(fake, trade))
            }
            State::NotPay => Err(Reply::error(
                StatusCode::BAD_REQUEST,
                "INVALID_REQUEST",
                "201 商户订单号重复",
            )),
        };
    }
    let trade = Trade {
        out_trade_no: out_trade_no.to_owned(),
        id: random_text(11),
        prepay_id: format!("wx{}{}", now().format("%d%H%M%S"), random_text(24).to_lowercase()),
        kind,
        description: description.to_owned(),
        notify_url: notify_url.to_owned(),
        total,
        openid,
        state: State::NotPay,
        transaction_id: format!("4200{}", digits(24)),
        success_time: None,
        refunded: 0,
    };
    let reply = answer(fake, &trade);
    book.trades.insert(out_trade_no.to_owned(), trade);
    Ok(reply)
}

fn answer(fake: &Fake, trade: &Trade) -> Reply {
    Reply::ok(match trade.kind {
        Kind::Native => json!({"code_url": format!("weixin://wxpay/bizpayurl?pr={}", trade.id)}),
        Kind::Jsapi => json!({"prepay_id": trade.prepay_id}),
        // Shaped as WeChat's: the merchant appends `&redirect_url=…`.
        Kind::H5 => json!({"h5_url": format!(
            "{}/_fake/wechat/h5/{}?prepay_id={}&package={}",
            fake.base, trade.id, trade.prepay_id, digits(10)
        )}),
    })
}

/// The transaction as the query answers it and the payment notification carries it.
pub(crate) fn transaction(fake: &Fake, trade: &Trade) -> Value {
    let account = &fake.keys.wechat;
    let (state, desc) = match trade.state {
        State::NotPay => ("NOTPAY", "订单未支付"),
        State::Closed => ("CLOSED", "订单已关闭"),
        State::Success if trade.refunded > 0 => ("REFUND", "订单发生过退款"),
        State::Success => ("SUCCESS", "支付成功"),
    };
    let trade_type = match trade.kind {
        Kind::Native => "NATIVE",
        Kind::Jsapi => "JSAPI",
        Kind::H5 => "MWEB",
    };
    let mut transaction = json!({
        "appid": account.appid,
        "mchid": account.mchid,
        "out_trade_no": trade.out_trade_no,
        "trade_state": state,
        "trade_state_desc": desc,
        "attach": "",
        "amount": {"total": trade.total, "currency": "CNY"},
    });
    if trade.state == State::Success {
        let paid = json!({
            "transaction_id": trade.transaction_id,
            "trade_type": trade_type,
            "bank_type": "OTHERS",
            "success_time": trade.success_time,
            "payer": {"openid": trade.openid.as_deref().unwrap_or(PAYER_OPENID)},
            "amount": {"total": trade.total, "payer_total": trade.total, "currency": "CNY", "payer_currency": "CNY"},
        });
        if let (Some(transaction), Value::Object(paid)) = (transaction.as_object_mut(), paid) {
            transaction.extend(paid);
        }
    }
    transaction
}

pub(super) fn query(fake: &Fake, out_trade_no: &str, params: &Value) -> Result<Reply, Reply> {
    if params.get("mchid").and_then(Value::as_str) != Some(fake.keys.wechat.mchid.as_str()) {
        return Err(super::param_error("mchid 缺失或与请求方商户号不一致".into()));
    }
    let book = book(fake);
    let trade = book
        .trades
        .get(out_trade_no)
        .ok_or_else(|| Reply::error(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在"))?;
    Ok(Reply::ok(transaction(fake, trade)))
}

pub(super) fn close(fake: &Fake, out_trade_no: &str, body: &Value) -> Result<Reply, Reply> {
    if field(body, "/mchid")? != fake.keys.wechat.mchid {
        return Err(Reply::error(StatusCode::BAD_REQUEST, "MCH_NOT_EXISTS", "商户号不存在"));
    }
    let mut book = book(fake);
    let trade = book
        .trades
        .get_mut(out_trade_no)
        .ok_or_else(|| Reply::error(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在"))?;
    match trade.state {
        State::Success => Err(Reply::error(StatusCode::BAD_REQUEST, "ORDERPAID", "订单已支付")),
        State::NotPay | State::Closed => {
            trade.state = State::Closed;
            Ok(Reply::no_content())
        }
    }
}

/// Pays the open trade `out_trade_no`, with `openid` as the payer, and notifies the merchant.
pub(crate) fn pay(fake: &Arc<Fake>, out_trade_no: &str, openid: Option<&str>) -> Result<(), PayError> {
    let notification = {
        let mut book = book(fake);
        let trade = book.trades.get_mut(out_trade_no).ok_or(PayError::NotFound)?;
        if trade.state != State::NotPay {
            return Err(PayError::NotOpen);
        }
        trade.state = State::Success;
        trade.success_time = Some(rfc3339_now());
        if let Some(openid) = openid {
            trade.openid = Some(openid.to_owned());
        }
        let resource = transaction(fake, trade);
        let body = event_body(
            &fake.keys.wechat.api_v3_key,
            "TRANSACTION.SUCCESS",
            "transaction",
            &resource,
            &rfc3339_now(),
        );
        Notification {
            provider: Provider::Wechat,
            url: trade.notify_url.clone(),
            body,
        }
    };
    deliver::send(fake, notification);
    Ok(())
}

/// The out_trade_no of the trade with payer-link token or prepay id `key`.
pub(crate) fn find(fake: &Fake, key: &str) -> Option<String> {
    book(fake)
        .trades
        .values()
        .find(|t| t.id == key || t.prepay_id == key)
        .map(|t| t.out_trade_no.clone())
}

/// (description, fen, open) of the trade `out_trade_no`, for the payer's pages.
pub(crate) fn summary(fake: &Fake, out_trade_no: &str) -> Option<(String, i64, bool)> {
    let book = book(fake);
    let trade = book.trades.get(out_trade_no)?;
    Some((trade.description.clone(), trade.total, trade.state == State::NotPay))
}
