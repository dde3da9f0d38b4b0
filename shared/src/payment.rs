//! The body of the generic `hmac` payment provider's notification (signed like Standard
//! Webhooks). The built-in payment simulator sends it; so can any provider adapter.

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// The `type` of a notification for a successful payment.
pub const PAYMENT_SUCCEEDED: &str = "payment.succeeded";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookNotification {
    #[serde(rename = "type")]
    pub kind: String,
    pub data: WebhookPayment,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayment {
    pub trade_no: String,
    pub transaction_id: String,
    pub amount: Money,
    pub merchant_id: String,
}
