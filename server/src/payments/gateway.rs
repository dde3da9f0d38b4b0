//! What we ask of a payment provider: create a payment, query it (查单), close it (关单), refund
//! it and query the refund. Each provider speaks its own signed protocol behind this one trait;
//! what an answer does to an order, a bill or a refund is decided once, above it.

use async_trait::async_trait;
use orderbell_shared::Money;
use orderbell_shared::charges::{JsapiParams, PayChannel};

use super::Provider;

/// A payment to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeOrder {
    pub channel: PayChannel,
    /// `out_trade_no`.
    pub trade_no: String,
    pub amount: Money,
    /// What the payer's statement says (「点单铃 A03号桌 OB00000012」).
    pub description: String,
    /// The payer's `openid` (`wechat_jsapi` only).
    pub openid: Option<String>,
    /// The customer's IP address (`wechat_h5` requires it).
    pub client_ip: String,
    /// Where the provider sends the browser back after paying (`wechat_h5`'s `redirect_url`,
    /// `alipay_wap`'s `return_url`): the customer's page.
    pub return_url: String,
    /// When the payment expires at the provider (unix ms): the order's unpaid timeout.
    pub expires_at: i64,
}

/// What the customer page needs to take the payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChargeStart {
    /// A code to show (`code_url`, `qr_code`).
    QrCode(String),
    /// A page to send the browser to (`h5_url`, the signed Alipay gateway URL, the simulator).
    Redirect(String),
    /// WeChat in-app payment.
    Jsapi(JsapiParams),
}

/// A payment as the provider holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TradeState {
    /// Paid: applied exactly as a notification would be.
    Paid { transaction_id: String, amount: Money },
    /// Created and not paid (WeChat `NOTPAY`/`USERPAYING`, Alipay `WAIT_BUYER_PAY`).
    Waiting,
    /// Closed, revoked or failed: nothing can be paid on it any more.
    Closed,
    /// The provider does not know it (never created, or created and not yet opened by the
    /// payer: Alipay says `ACQ.TRADE_NOT_EXIST` until the payer scans).
    NotFound,
}

/// How closing (关单) went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseOutcome {
    /// Closed (or never existed at the provider): no payment can arrive on it.
    Closed,
    /// Too late: it was paid (WeChat `ORDERPAID`, Alipay `TRADE_SUCCESS`). Query and apply it.
    AlreadyPaid,
}

/// A refund to ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundOrder {
    /// `out_refund_no`: `RF…`. Asking twice with it refunds once.
    pub refund_no: String,
    /// The payment refunded: our `out_trade_no` and the provider's transaction id.
    pub trade_no: String,
    pub transaction_id: String,
    pub amount: Money,
    /// The whole payment's amount.
    pub paid: Money,
    pub reason: String,
}

/// A refund as the provider holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundState {
    /// Done (WeChat `SUCCESS`; Alipay `fund_change=Y` or `REFUND_SUCCESS`).
    Succeeded { provider_refund_id: Option<String> },
    /// Accepted, not yet done (WeChat `PROCESSING`): confirmed by notification or a later query.
    Processing { provider_refund_id: Option<String> },
    /// Refused for good (WeChat `ABNORMAL`/`CLOSED`, a business error): the merchant decides.
    Failed { message: String },
}

/// Why a request got no usable answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// No answer, a timeout, a 5xx, or `SYSTEM_ERROR`/`FREQUENCY_LIMITED`: ask again later.
    #[error("支付渠道暂时无法访问：{0}")]
    Unavailable(String),
    /// The provider refused the request (a business error it documents), in its words.
    #[error("支付渠道拒绝了请求（{code}）：{message}")]
    Refused { code: String, message: String },
    /// An answer whose signature does not verify: not trusted, and asked again later.
    #[error("支付渠道的回答验签失败，已忽略")]
    Untrusted,
}

impl GatewayError {
    /// Whether asking again later may succeed.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, GatewayError::Refused { .. })
    }
}

pub type GatewayResult<T> = Result<T, GatewayError>;

/// One provider's API. Implementations: `wechat::Client`, `alipay::Client`, the simulator.
#[async_trait]
pub trait Gateway: Send + Sync {
    fn provider(&self) -> Provider;

    /// The channels this provider can create payments on, as configured.
    fn channels(&self) -> Vec<PayChannel>;

    async fn create(&self, charge: &ChargeOrder) -> GatewayResult<ChargeStart>;

    async fn query(&self, trade_no: &str) -> GatewayResult<TradeState>;

    async fn close(&self, trade_no: &str) -> GatewayResult<CloseOutcome>;

    async fn refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState>;

    async fn query_refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState>;
}
