//! `alipay.trade.refund` (idempotent by `out_request_no`: a repeat changes no funds and says so,
//! `fund_change` N) and `alipay.trade.fastpay.refund.query`.

use serde_json::{Value, json};

use super::trades::{BUYER_ID, Status, book, datetime, named};
use super::{Request, cents, failed, success};
use crate::Fake;
use crate::page::yuan;

pub(super) fn refund(fake: &Fake, request: &Request) -> Value {
    if fake.faults.fail_refund() {
        return json!({"code": "20000", "msg": "Service Currently Unavailable", "sub_code": "aop.ACQ.SYSTEM_ERROR", "sub_msg": "系统繁忙"});
    }
    let Some(amount) = request.biz("refund_amount") else {
        return failed("ACQ.INVALID_PARAMETER", "参数无效，缺少 refund_amount");
    };
    let Some(refund_cents) = cents(amount) else {
        return failed("ACQ.INVALID_PARAMETER", "参数无效，refund_amount 格式错误");
    };
    let mut book = book(fake);
    let Some(trade) = named(&mut book, request) else {
        return failed("ACQ.TRADE_NOT_EXIST", "交易不存在");
    };
    if trade.status != Status::Success {
        return failed("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
    }
    // Without out_request_no the refund is the whole trade's, named by out_trade_no.
    let request_no = request.biz("out_request_no").unwrap_or(&trade.out_trade_no).to_owned();
    let fund_change = match trade.refunds.iter().find(|(no, _, _)| *no == request_no) {
        Some((_, _, known)) if *known == refund_cents => "N",
        Some(_) => return failed("ACQ.DISCORDANT_REPEAT_REQUEST", "请求信息不一致"),
        None if refund_cents > trade.cents - trade.refunded() => {
            return failed("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
        }
        None => {
            trade.refunds.push((request_no, amount.to_owned(), refund_cents));
            "Y"
        }
    };
    success(json!({
        "trade_no": trade.trade_no,
        "out_trade_no": trade.out_trade_no,
        "buyer_logon_id": "159****5620",
        "fund_change": fund_change,
        "refund_fee": yuan(trade.refunded()),
        "gmt_refund_pay": datetime(),
        "buyer_user_id": BUYER_ID,
    }))
}

pub(super) fn query(fake: &Fake, request: &Request) -> Value {
    let mut book = book(fake);
    let Some(trade) = named(&mut book, request) else {
        return failed("ACQ.TRADE_NOT_EXIST", "交易不存在");
    };
    let request_no = request.biz("out_request_no").unwrap_or(&trade.out_trade_no);
    let mut answer = success(json!({
        "trade_no": trade.trade_no,
        "out_trade_no": trade.out_trade_no,
        "out_request_no": request_no,
    }));
    // An unknown refund is still `10000`, only without an amount: as the real one answers.
    if let Some((_, amount, _)) = trade.refunds.iter().find(|(no, _, _)| no == request_no) {
        answer["total_amount"] = json!(trade.total_amount);
        answer["refund_amount"] = json!(amount);
        answer["refund_status"] = json!("REFUND_SUCCESS");
    }
    answer
}
