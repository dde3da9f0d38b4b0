//! Alipay behind [`Gateway`]: which OpenAPI method each step is, and what its answer means.
//!
//! - create: `alipay_wap` is `alipay.trade.wap.pay`, a page: the signed request as a URL on the
//!   gateway for the browser to open, with no call of ours. `alipay_qr` is
//!   `alipay.trade.precreate`, answered with the `qr_code` to show.
//! - query `alipay.trade.query`, close `alipay.trade.close`, refund `alipay.trade.refund` (by
//!   `out_request_no` = our `RF…`: asking again refunds once), `alipay.trade.fastpay.refund.query`.
//!
//! A precreated trade exists at Alipay only once the payer scans its code; until then query and
//! close say `ACQ.TRADE_NOT_EXIST`. Its `time_expire` is the order's unpaid timeout, so a code
//! never scanned is dead at Alipay by the time we close the order.

use async_trait::async_trait;
use orderbell_shared::Money;
use orderbell_shared::charges::PayChannel;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::json;

use super::client::{Client, beijing_time, yuan};
use crate::payments::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, GatewayResult, Provider, RefundOrder, RefundState,
    TradeState,
};

const NOT_EXIST: &str = "ACQ.TRADE_NOT_EXIST";

#[derive(Deserialize)]
struct Precreated {
    qr_code: String,
}

#[derive(Deserialize)]
struct Trade {
    trade_status: String,
    trade_no: Option<String>,
    total_amount: Option<String>,
}

#[derive(Deserialize)]
struct Refunded {
    fund_change: Option<String>,
}

#[derive(Deserialize)]
struct RefundQueried {
    refund_status: Option<String>,
}

#[async_trait]
impl Gateway for Client {
    fn provider(&self) -> Provider {
        Provider::Alipay
    }

    fn channels(&self) -> Vec<PayChannel> {
        vec![PayChannel::AlipayWap, PayChannel::AlipayQr]
    }

    async fn create(&self, charge: &ChargeOrder) -> GatewayResult<ChargeStart> {
        let mut biz = json!({
            "out_trade_no": charge.trade_no,
            "total_amount": yuan(charge.amount),
            "subject": charge.description,
            "time_expire": beijing_time(charge.expires_at),
        });
        let notify = [("notify_url", self.notify_url.as_str())];
        match charge.channel {
            PayChannel::AlipayQr => {
                let answer: Precreated = self.call("alipay.trade.precreate", &biz, &notify).await?;
                Ok(ChargeStart::QrCode(answer.qr_code))
            }
            PayChannel::AlipayWap => {
                biz["product_code"] = json!("QUICK_WAP_WAY");
                // Leaving Alipay's page without paying also goes back to the customer's page.
                biz["quit_url"] = json!(charge.return_url);
                let common = [notify[0], ("return_url", charge.return_url.as_str())];
                Ok(ChargeStart::Redirect(self.page_url(
                    "alipay.trade.wap.pay",
                    &biz,
                    &common,
                )))
            }
            other => Err(GatewayError::Refused {
                code: "unsupported_channel".into(),
                message: format!("支付宝不能用「{}」付款", other.label()),
            }),
        }
    }

    async fn query(&self, trade_no: &str) -> GatewayResult<TradeState> {
        let biz = json!({ "out_trade_no": trade_no });
        match self.call::<Trade>("alipay.trade.query", &biz, &[]).await {
            Ok(trade) => trade_state(trade),
            Err(GatewayError::Refused { code, .. }) if code == NOT_EXIST => Ok(TradeState::NotFound),
            Err(e) => Err(e),
        }
    }

    async fn close(&self, trade_no: &str) -> GatewayResult<CloseOutcome> {
        let biz = json!({ "out_trade_no": trade_no });
        match self.call::<IgnoredAny>("alipay.trade.close", &biz, &[]).await {
            // Never opened by the payer: nothing can be paid on it.
            Ok(_) => Ok(CloseOutcome::Closed),
            Err(GatewayError::Refused { code, .. }) if code == NOT_EXIST => Ok(CloseOutcome::Closed),
            // Paid, or already closed: the trade says which.
            Err(GatewayError::Refused { code, .. }) if code == "ACQ.TRADE_STATUS_ERROR" => {
                match self.query(trade_no).await? {
                    TradeState::Paid { .. } => Ok(CloseOutcome::AlreadyPaid),
                    TradeState::Closed | TradeState::NotFound => Ok(CloseOutcome::Closed),
                    TradeState::Waiting => Err(GatewayError::Unavailable("支付宝的交易暂时关不掉".into())),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        if self.ask_refund(refund).await? {
            return Ok(succeeded());
        }
        // `fund_change` is `N` also when this asks again for a refund already made: only the
        // query tells whether the money went back.
        Ok(if self.refunded(refund).await? {
            succeeded()
        } else {
            // Asked just now: Alipay may not have settled it yet; the next query tells.
            RefundState::Processing {
                provider_refund_id: None,
            }
        })
    }

    async fn query_refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        if self.refunded(refund).await? {
            return Ok(succeeded());
        }
        // Alipay has no refund by this number (our request never reached it, or failed): its
        // documented remedy is asking again with the same `out_request_no`, which refunds once.
        // Querying alone would wait for ever.
        self.refund(refund).await
    }
}

impl Client {
    /// `alipay.trade.refund`; whether funds moved this time (`fund_change` `Y`).
    async fn ask_refund(&self, refund: &RefundOrder) -> GatewayResult<bool> {
        let mut biz = json!({
            "out_trade_no": refund.trade_no,
            "out_request_no": refund.refund_no,
            "refund_amount": yuan(refund.amount),
            "refund_reason": refund.reason,
        });
        if !refund.transaction_id.is_empty() {
            biz["trade_no"] = json!(refund.transaction_id);
        }
        let answer: Refunded = self.call("alipay.trade.refund", &biz, &[]).await?;
        Ok(answer.fund_change.as_deref() == Some("Y"))
    }

    /// `alipay.trade.fastpay.refund.query`: whether the money went back.
    async fn refunded(&self, refund: &RefundOrder) -> GatewayResult<bool> {
        let biz = json!({
            "out_trade_no": refund.trade_no,
            "out_request_no": refund.refund_no,
        });
        let answer: RefundQueried = self.call("alipay.trade.fastpay.refund.query", &biz, &[]).await?;
        Ok(refund_succeeded(answer.refund_status.as_deref()))
    }
}

fn succeeded() -> RefundState {
    RefundState::Succeeded {
        provider_refund_id: None,
    }
}

/// `TRADE_SUCCESS`/`TRADE_FINISHED` paid (`FINISHED`: paid, and no longer refundable).
fn trade_state(trade: Trade) -> GatewayResult<TradeState> {
    match trade.trade_status.as_str() {
        "TRADE_SUCCESS" | "TRADE_FINISHED" => {
            let transaction_id = trade.trade_no.filter(|no| !no.is_empty());
            let amount = trade.total_amount.and_then(|text| text.parse::<Money>().ok());
            match (transaction_id, amount) {
                (Some(transaction_id), Some(amount)) => Ok(TradeState::Paid { transaction_id, amount }),
                _ => Err(GatewayError::Unavailable("支付宝的查询结果不完整".into())),
            }
        }
        "WAIT_BUYER_PAY" => Ok(TradeState::Waiting),
        "TRADE_CLOSED" => Ok(TradeState::Closed),
        other => Err(GatewayError::Unavailable(format!("支付宝的交易状态 {other} 无法识别"))),
    }
}

/// Only `REFUND_SUCCESS` says the money went back. No status means Alipay has not got the
/// refund (or has not settled it yet, when asked too soon after).
fn refund_succeeded(status: Option<&str>) -> bool {
    status == Some("REFUND_SUCCESS")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trade(text: &str) -> GatewayResult<TradeState> {
        trade_state(serde_json::from_str(text).expect("reads"))
    }

    #[test]
    fn trade_states() {
        let paid = TradeState::Paid {
            transaction_id: "2024061522001400001".into(),
            amount: Money::from_cents(1230),
        };
        for status in ["TRADE_SUCCESS", "TRADE_FINISHED"] {
            let text = format!(
                r#"{{"code":"10000","trade_status":"{status}","trade_no":"2024061522001400001","total_amount":"12.30"}}"#
            );
            assert_eq!(trade(&text), Ok(paid.clone()), "{status}");
        }
        assert_eq!(
            trade(r#"{"trade_status":"WAIT_BUYER_PAY","total_amount":"12.30"}"#),
            Ok(TradeState::Waiting)
        );
        assert_eq!(trade(r#"{"trade_status":"TRADE_CLOSED"}"#), Ok(TradeState::Closed));
        // Paid, but with nothing to apply it by: not taken as paid.
        assert!(matches!(
            trade(r#"{"trade_status":"TRADE_SUCCESS","trade_no":"2024"}"#),
            Err(GatewayError::Unavailable(_))
        ));
        assert!(matches!(
            trade(r#"{"trade_status":"TRADE_SUCCESS","trade_no":"2024","total_amount":"12.305"}"#),
            Err(GatewayError::Unavailable(_))
        ));
        assert!(matches!(
            trade(r#"{"trade_status":"NEW"}"#),
            Err(GatewayError::Unavailable(_))
        ));
    }

    #[test]
    fn refund_states() {
        assert!(refund_succeeded(Some("REFUND_SUCCESS")));
        for status in [None, Some("")] {
            assert!(!refund_succeeded(status), "{status:?} is no refund yet");
        }
    }
}
