//! Precreate (QR), query, close, and paying a trade with its asynchronous notification. As the
//! real Alipay does, a QR trade nobody has scanned does not exist for query and close
//! (`ACQ.TRADE_NOT_EXIST`) — and stays payable.

use std::sync::{Arc, MutexGuard, PoisonError};

use serde_json::{Value, json};

use super::{Book, Request, cents, failed, success};
use crate::deliver::{self, Notification};
use crate::page::yuan;
use crate::payer::PayError;
use crate::signers::{random_text, signed_form};
use crate::wechat::digits;
use crate::{Fake, Provider, now};

pub(crate) const BUYER_ID: &str = "2088102177846881";
pub(crate) const SELLER_ID: &str = "2088102177846880";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Wait,
    Success,
    Closed,
}

pub(crate) struct Trade {
    pub out_trade_no: String,
    pub trade_no: String,
    /// Our token in the payer's links.
    pub id: String,
    pub subject: String,
    /// As the merchant sent it.
    pub total_amount: String,
    pub cents: i64,
    pub notify_url: Option<String>,
    pub return_url: Option<String>,
    pub status: Status,
    /// Scanned or opened in the cashier: from then on query and close find it.
    pub seen: bool,
    pub paid_at: Option<String>,
    /// (out_request_no, refund_amount as sent, cents).
    pub refunds: Vec<(String, String, i64)>,
}

impl Trade {
    pub(crate) fn refunded(&self) -> i64 {
        self.refunds.iter().map(|(_, _, cents)| cents).sum()
    }
}

pub(crate) fn book(fake: &Fake) -> MutexGuard<'_, Book> {
    fake.alipay.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn datetime() -> String {
    now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The trade a precreate or wap.pay asks for: made, or the same one again; `Err` the refusal.
pub(super) fn open_trade(fake: &Fake, request: &Request, seen: bool) -> Result<String, Value> {
    let (Some(out_trade_no), Some(total_amount), Some(subject)) = (
        request.biz("out_trade_no"),
        request.biz("total_amount"),
        request.biz("subject"),
    ) else {
        return Err(failed(
            "ACQ.INVALID_PARAMETER",
            "参数无效，缺少 out_trade_no、total_amount 或 subject",
        ));
    };
    let amount =
        cents(total_amount).ok_or_else(|| failed("ACQ.INVALID_PARAMETER", "参数无效，total_amount 格式错误"))?;
    let mut book = book(fake);
    if let Some(trade) = book.trades.get_mut(out_trade_no) {
        return match trade.status {
            Status::Success => Err(failed("ACQ.TRADE_HAS_SUCCESS", "交易已被支付")),
            Status::Closed => Err(failed("ACQ.TRADE_HAS_CLOSE", "交易已经关闭")),
            Status::Wait if trade.cents == amount && trade.subject == subject => {
                trade.seen |= seen;
                Ok(trade.id.clone())
            }
            Status::Wait => Err(failed("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改")),
        };
    }
    let trade = Trade {
        out_trade_no: out_trade_no.to_owned(),
        trade_no: format!("{}2200{}", now().format("%Y%m%d"), digits(16)),
        id: random_text(20).to_lowercase(),
        subject: subject.to_owned(),
        total_amount: total_amount.to_owned(),
        cents: amount,
        notify_url: request.param("notify_url").map(str::to_owned),
        return_url: request.param("return_url").map(str::to_owned),
        status: Status::Wait,
        seen,
        paid_at: None,
        refunds: Vec::new(),
    };
    let id = trade.id.clone();
    book.trades.insert(out_trade_no.to_owned(), trade);
    Ok(id)
}

pub(super) fn precreate(fake: &Fake, request: &Request) -> Value {
    match open_trade(fake, request, false) {
        Ok(id) => success(json!({
            "out_trade_no": request.biz("out_trade_no"),
            "qr_code": format!("https://qr.alipay.com/{id}"),
        })),
        Err(refusal) => refusal,
    }
}

/// The trade a query, close or refund names (by `out_trade_no` or `trade_no`), if it exists yet.
pub(super) fn named<'a>(book: &'a mut Book, request: &Request) -> Option<&'a mut Trade> {
    let (by_out, by_no) = (request.biz("out_trade_no"), request.biz("trade_no"));
    book.trades
        .values_mut()
        .find(|t| Some(t.out_trade_no.as_str()) == by_out || Some(t.trade_no.as_str()) == by_no)
        .filter(|t| t.seen)
}

fn not_exist() -> Value {
    failed("ACQ.TRADE_NOT_EXIST", "交易不存在")
}

pub(super) fn query(fake: &Fake, request: &Request) -> Value {
    let mut book = book(fake);
    let Some(trade) = named(&mut book, request) else {
        return not_exist();
    };
    let status = match trade.status {
        Status::Wait => "WAIT_BUYER_PAY",
        // A trade refunded in full is closed.
        Status::Success if trade.refunded() == trade.cents => "TRADE_CLOSED",
        Status::Success => "TRADE_SUCCESS",
        Status::Closed => "TRADE_CLOSED",
    };
    let paid = if trade.status == Status::Success {
        trade.total_amount.clone()
    } else {
        "0.00".into()
    };
    let mut answer = success(json!({
        "trade_no": trade.trade_no,
        "out_trade_no": trade.out_trade_no,
        "buyer_logon_id": "159****5620",
        "trade_status": status,
        "total_amount": trade.total_amount,
        "buyer_pay_amount": paid,
        "receipt_amount": paid,
        "buyer_user_id": BUYER_ID,
    }));
    if let Some(at) = &trade.paid_at {
        answer["send_pay_date"] = json!(at);
    }
    answer
}

pub(super) fn close(fake: &Fake, request: &Request) -> Value {
    let mut book = book(fake);
    let Some(trade) = named(&mut book, request) else {
        return not_exist();
    };
    if trade.status == Status::Success {
        return failed("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
    }
    trade.status = Status::Closed;
    success(json!({"trade_no": trade.trade_no, "out_trade_no": trade.out_trade_no}))
}

/// Pays the open trade `out_trade_no` and sends its `TRADE_SUCCESS` notification.
pub(crate) fn pay(fake: &Arc<Fake>, out_trade_no: &str) -> Result<(), PayError> {
    let notification = {
        let mut book = book(fake);
        let trade = book.trades.get_mut(out_trade_no).ok_or(PayError::NotFound)?;
        if trade.status != Status::Wait {
            return Err(PayError::NotOpen);
        }
        trade.status = Status::Success;
        trade.seen = true;
        let paid_at = datetime();
        trade.paid_at = Some(paid_at.clone());
        let Some(url) = trade.notify_url.clone() else {
            return Ok(());
        };
        let notify_id = random_text(34).to_lowercase();
        let fund_bill_list = format!(
            r#"[{{"amount":"{}","fundChannel":"ALIPAYACCOUNT"}}]"#,
            trade.total_amount
        );
        let app_id = fake.keys.alipay.app_id.as_str();
        let params = [
            ("notify_time", paid_at.as_str()),
            ("notify_type", "trade_status_sync"),
            ("notify_id", notify_id.as_str()),
            ("app_id", app_id),
            ("auth_app_id", app_id),
            ("charset", "utf-8"),
            ("version", "1.0"),
            ("trade_no", trade.trade_no.as_str()),
            ("out_trade_no", trade.out_trade_no.as_str()),
            ("total_amount", trade.total_amount.as_str()),
            ("receipt_amount", trade.total_amount.as_str()),
            ("buyer_pay_amount", trade.total_amount.as_str()),
            ("invoice_amount", trade.total_amount.as_str()),
            ("trade_status", "TRADE_SUCCESS"),
            ("seller_id", SELLER_ID),
            ("buyer_id", BUYER_ID),
            ("gmt_create", paid_at.as_str()),
            ("gmt_payment", paid_at.as_str()),
            ("subject", trade.subject.as_str()),
            ("fund_bill_list", fund_bill_list.as_str()),
        ];
        Notification {
            provider: Provider::Alipay,
            url,
            body: signed_form(&fake.keys.alipay_key, &params),
        }
    };
    deliver::send(fake, notification);
    Ok(())
}

/// (subject, yuan, open, out_trade_no) of the trade with payer-link token `id`.
pub(super) fn summary(fake: &Fake, id: &str) -> Option<(String, String, bool, String)> {
    let book = book(fake);
    let trade = book.trades.values().find(|t| t.id == id)?;
    Some((
        trade.subject.clone(),
        yuan(trade.cents),
        trade.status == Status::Wait,
        trade.out_trade_no.clone(),
    ))
}
