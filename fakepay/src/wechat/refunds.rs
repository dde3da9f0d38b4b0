//! Refunds: idempotent by `out_refund_no`, never more than is left of the payment; answered
//! SUCCESS, or PROCESSING and a moment later SUCCESS, each success with its `REFUND.SUCCESS`
//! notification to the request's `notify_url`.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::trades::{State, digits, rfc3339_now};
use super::{Reply, fen, field};
use crate::deliver::{self, Notification};
use crate::signers::event_body;
use crate::{Fake, Provider};

pub(crate) struct Refund {
    pub out_refund_no: String,
    pub refund_id: String,
    pub out_trade_no: String,
    pub transaction_id: String,
    pub total: i64,
    pub refund: i64,
    pub succeeded: bool,
    pub created: String,
    pub success_time: Option<String>,
    pub notify_url: Option<String>,
}

fn invalid(message: &str) -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
}

fn json_of(refund: &Refund) -> Value {
    json!({
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "transaction_id": refund.transaction_id,
        "out_trade_no": refund.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": "支付用户零钱",
        "success_time": refund.success_time,
        "create_time": refund.created,
        "status": if refund.succeeded { "SUCCESS" } else { "PROCESSING" },
        "funds_account": "AVAILABLE",
        "amount": {
            "total": refund.total,
            "refund": refund.refund,
            "payer_total": refund.total,
            "payer_refund": refund.refund,
            "settlement_total": refund.total,
            "settlement_refund": refund.refund,
            "discount_refund": 0,
            "currency": "CNY",
        },
        "promotion_detail": [],
    })
}

pub(super) fn create(fake: &Arc<Fake>, body: &Value) -> Result<Reply, Reply> {
    if fake.faults.fail_refund() {
        return Err(Reply::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SYSTEM_ERROR",
            "系统错误",
        ));
    }
    let out_refund_no = field(body, "/out_refund_no")?;
    let refund = fen(body, "/amount/refund")?;
    let total = fen(body, "/amount/total")?;
    if field(body, "/amount/currency")? != "CNY" {
        return Err(super::param_error("amount.currency 只支持 CNY".into()));
    }
    let by_trade = body.get("out_trade_no").and_then(Value::as_str);
    let by_transaction = body.get("transaction_id").and_then(Value::as_str);
    let processing = fake.faults.get().refund_processing;
    let mut book = fake.wechat.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = book.refunds.get(out_refund_no) {
        // The same request again gets the same refund; another under the same number is refused.
        let same_trade = by_trade.is_none_or(|no| no == known.out_trade_no)
            && by_transaction.is_none_or(|id| id == known.transaction_id);
        return if same_trade && known.refund == refund && known.total == total {
            Ok(Reply::ok(json_of(known)))
        } else {
            Err(invalid("退款单号重复，且与之前请求的参数不一致"))
        };
    }
    let trade = book
        .trades
        .values_mut()
        .find(|t| Some(t.out_trade_no.as_str()) == by_trade || Some(t.transaction_id.as_str()) == by_transaction)
        .ok_or_else(|| Reply::error(StatusCode::NOT_FOUND, "RESOURCE_NOT_EXISTS", "订单不存在"))?;
    if trade.state != State::Success {
        return Err(invalid("订单未支付，不能退款"));
    }
    if total != trade.total {
        return Err(invalid("订单金额或退款金额与之前请求不一致，请核实后再试"));
    }
    if refund > trade.total - trade.refunded {
        return Err(Reply::error(
            StatusCode::FORBIDDEN,
            "NOT_ENOUGH",
            "申请退款金额超过订单可退金额",
        ));
    }
    trade.refunded += refund;
    let created = Refund {
        out_refund_no: out_refund_no.to_owned(),
        refund_id: format!("50{}", digits(30)),
        out_trade_no: trade.out_trade_no.clone(),
        transaction_id: trade.transaction_id.clone(),
        total,
        refund,
        succeeded: false,
        created: rfc3339_now(),
        success_time: None,
        notify_url: body.get("notify_url").and_then(Value::as_str).map(str::to_owned),
    };
    book.refunds.insert(out_refund_no.to_owned(), created);
    drop(book);
    if processing {
        let (fake, no) = (fake.clone(), out_refund_no.to_owned());
        let wait = Duration::from_millis(fake.faults.get().processing_ms);
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            succeed(&fake, &no);
        });
    } else {
        succeed(fake, out_refund_no);
    }
    let book = fake.wechat.lock().unwrap_or_else(PoisonError::into_inner);
    let refund = book.refunds.get(out_refund_no).map(json_of).unwrap_or_default();
    Ok(Reply::ok(refund))
}

/// The refund has reached the payer: SUCCESS, and its notification.
fn succeed(fake: &Arc<Fake>, out_refund_no: &str) {
    let notification = {
        let mut book = fake.wechat.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(refund) = book.refunds.get_mut(out_refund_no) else {
            return;
        };
        refund.succeeded = true;
        refund.success_time = Some(rfc3339_now());
        let Some(url) = refund.notify_url.clone() else {
            return;
        };
        let resource = json!({
            "mchid": fake.keys.wechat.mchid,
            "out_trade_no": refund.out_trade_no,
            "transaction_id": refund.transaction_id,
            "out_refund_no": refund.out_refund_no,
            "refund_id": refund.refund_id,
            "refund_status": "SUCCESS",
            "success_time": refund.success_time,
            "user_received_account": "支付用户零钱",
            "amount": {
                "total": refund.total,
                "refund": refund.refund,
                "payer_total": refund.total,
                "payer_refund": refund.refund,
            },
        });
        let body = event_body(
            &fake.keys.wechat.api_v3_key,
            "REFUND.SUCCESS",
            "refund",
            &resource,
            &rfc3339_now(),
        );
        Notification {
            provider: Provider::Wechat,
            url,
            body,
        }
    };
    deliver::send(fake, notification);
}

pub(super) fn query(fake: &Fake, out_refund_no: &str) -> Result<Reply, Reply> {
    let book = fake.wechat.lock().unwrap_or_else(PoisonError::into_inner);
    let refund = book
        .refunds
        .get(out_refund_no)
        .ok_or_else(|| Reply::error(StatusCode::NOT_FOUND, "RESOURCE_NOT_EXISTS", "退款单不存在"))?;
    Ok(Reply::ok(json_of(refund)))
}
