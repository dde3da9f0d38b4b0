//! Payment providers: what we ask of them ([`Gateway`]: create, query, close, refund) and the
//! signed notifications they send (`POST /api/pay/notify/{provider}`); and the built-in payment
//! simulator.
//!
//! Each provider module only *speaks its provider's protocol*: it signs requests, verifies
//! answers and notifications, and reads them into one shape ([`PaymentNotice`], [`RefundNotice`],
//! the gateway's types). What a payment does to an order is decided once, for all providers, in
//! [`crate::orders`]. Nothing is trusted before its signature checks out.

pub mod alipay;
mod gateway;
mod load;
mod notify;
mod signing;
mod simulator;
pub mod webhook;
pub mod wechat;

use std::sync::Arc;

use orderbell_shared::Money;
use orderbell_shared::charges::PayChannel;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
pub use gateway::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, GatewayResult, RefundOrder, RefundState, TradeState,
};
pub use load::load;
pub use simulator::{Simulator, simulate};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(notify::notify))
        .routes(routes!(simulator::pay))
}

/// The payment providers this server accepts notifications from.
pub struct Payments {
    pub wechat: Option<wechat::WechatConfig>,
    /// How a page inside WeChat learns the payer's `openid`: set when JSAPI payments are on.
    pub wechat_oauth: Option<wechat::Oauth>,
    pub alipay: Option<alipay::AlipayConfig>,
    /// The generic provider; always on, since the simulator signs with it.
    pub webhook: webhook::WebhookConfig,
    /// `None` when the server takes real payments only.
    pub simulator: Option<Simulator>,
    /// The providers we can create payments at, query and refund.
    pub gateways: Gateways,
}

/// The configured [`Gateway`]s, one per provider.
#[derive(Clone, Default)]
pub struct Gateways(Vec<Arc<dyn Gateway>>);

impl Gateways {
    pub fn new(gateways: Vec<Arc<dyn Gateway>>) -> Self {
        Gateways(gateways)
    }

    /// Put `gateway` in place of its provider's (tests put a provider's double in).
    pub fn replace(&mut self, gateway: Arc<dyn Gateway>) {
        self.0.retain(|g| g.provider() != gateway.provider());
        self.0.push(gateway);
    }

    pub fn get(&self, provider: Provider) -> Option<&Arc<dyn Gateway>> {
        self.0.iter().find(|g| g.provider() == provider)
    }

    /// The gateway that creates payments on `channel`, if it is configured.
    pub fn for_channel(&self, channel: PayChannel) -> Option<&Arc<dyn Gateway>> {
        self.0.iter().find(|g| g.channels().contains(&channel))
    }

    /// Every channel a payment can be created on now.
    pub fn channels(&self) -> Vec<PayChannel> {
        self.0.iter().flat_map(|g| g.channels()).collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    Wechat,
    Alipay,
    /// A generic provider signed like Standard Webhooks; the built-in simulator uses it.
    Hmac,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Wechat => "wechat",
            Provider::Alipay => "alipay",
            Provider::Hmac => "hmac",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "wechat" => Some(Provider::Wechat),
            "alipay" => Some(Provider::Alipay),
            "hmac" => Some(Provider::Hmac),
            _ => None,
        }
    }
}

/// An authentic notification from a provider, read into one shape for every provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentNotice {
    pub provider: Provider,
    /// The provider's id of this notification (WeChat `id`, Alipay `notify_id`, `webhook-id`).
    pub notification_id: String,
    /// Our order's trade number (`out_trade_no`), as we gave it to the provider.
    pub trade_no: String,
    /// The provider's id of the payment (WeChat `transaction_id`, Alipay `trade_no`, …): the key
    /// that makes processing exactly-once across the provider's retries.
    pub transaction_id: String,
    /// What the customer paid.
    pub amount: Money,
    /// Whose money it is: WeChat `mchid`, Alipay `app_id`, the webhook's `merchantId`. Checked
    /// by the provider module against our configuration.
    pub merchant_id: String,
    /// Whether the payment succeeded. Authentic notices of other states are acknowledged and
    /// change nothing.
    pub succeeded: bool,
}

/// An authentic notification: of a payment, or of a refund (WeChat `REFUND.*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Payment(PaymentNotice),
    Refund(RefundNotice),
}

/// A provider telling us how a refund we asked for ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundNotice {
    pub provider: Provider,
    /// Our `out_refund_no` (`RF…`).
    pub refund_no: String,
    pub state: RefundState,
}
