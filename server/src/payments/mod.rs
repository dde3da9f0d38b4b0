//! Payment providers' signed notifications (`POST /api/pay/notify/{provider}`) and the built-in
//! payment simulator.
//!
//! Each provider module only *verifies and reads* its provider's format into a
//! [`PaymentNotice`]; what a payment does to an order is decided once, for all providers, in
//! [`crate::orders`]. Nothing is trusted before its signature checks out.

pub mod alipay;
mod notify;
mod signing;
mod simulator;
pub mod webhook;
pub mod wechat;

use orderbell_shared::Money;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
pub use simulator::{Simulator, simulate};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(notify::notify))
        .routes(routes!(simulator::pay))
}

/// The payment providers this server accepts notifications from.
pub struct Payments {
    pub wechat: Option<wechat::WechatConfig>,
    pub alipay: Option<alipay::AlipayConfig>,
    /// The generic provider; always on, since the simulator signs with it.
    pub webhook: webhook::WebhookConfig,
    /// `None` when the server takes real payments only.
    pub simulator: Option<Simulator>,
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
