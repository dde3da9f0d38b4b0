//! Knowing that an alert was heard: devices say when they showed and sounded an alert, the server
//! escalates an alert nobody heard, and the owner sees which devices are online and every minute
//! an alert went unheard.

use serde::{Deserialize, Serialize};

/// Which alert: a paid order waiting to be accepted, or one 催单.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Order,
    Reminder,
}

/// What a device did with an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReceiptState {
    /// On screen (a system notification, a card).
    Shown,
    /// Out loud: the chime and the voice played. This is what counts as heard.
    Sounded,
    /// The device stopped repeating it because the order was handled.
    Stopped,
}

/// What kind of device: the counter's desktop app or the kitchen's board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Desktop,
    Kitchen,
}

/// `POST /api/stores/{storeId}/receipts`, from a merchant or kitchen device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReceiptRequest {
    /// Ignored, and optional: the device is the one the credential names. Older clients send it.
    #[serde(default)]
    pub device_id: String,
    #[serde(default)]
    pub device_name: String,
    pub order_id: i64,
    pub alert: AlertKind,
    /// Set for a 催单: which one.
    #[serde(default)]
    pub reminder_id: Option<i64>,
    pub state: ReceiptState,
}

/// A receipt as recorded, with the server's time: the store stream's `alert_receipt` event, and
/// the store snapshot's `receipts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AlertReceipt {
    pub order_id: i64,
    pub alert: AlertKind,
    pub reminder_id: Option<i64>,
    pub device_id: String,
    pub device_name: String,
    pub state: ReceiptState,
    pub at: i64,
}

/// Why an alert was escalated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    /// No device of the store was connected when the alert was due.
    NoDeviceOnline,
    /// Devices were connected, but none sounded the alert in time.
    NotHeard,
}

/// `alert_escalated`, on the store stream (every device alarms) and on the order's stream (the
/// customer is told to ask a waiter).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AlertEscalated {
    pub order_id: i64,
    pub order_no: String,
    pub table_number: String,
    pub alert: AlertKind,
    pub reminder_id: Option<i64>,
    pub reason: EscalationReason,
    /// When the alert became due (payment or 催单 time).
    pub since: i64,
    pub at: i64,
}

/// `alert_settled`: an escalated alert was heard or handled; `unheard_ms` is how long it waited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AlertSettled {
    pub order_id: i64,
    pub alert: AlertKind,
    pub reminder_id: Option<i64>,
    pub unheard_ms: i64,
    pub at: i64,
}

/// `GET /api/stores/{storeId}/devices`: the store's devices, online or last seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DeviceDTO {
    /// The device credential's id (`DELETE /api/stores/{storeId}/devices/{deviceId}` revokes it).
    pub device_id: String,
    pub name: String,
    pub kind: DeviceKind,
    pub role: crate::access::Role,
    pub online: bool,
    /// When a connection of it last closed or opened; `None` if it never connected.
    pub last_seen_at: Option<i64>,
    pub created_at: i64,
    /// Revoked devices stay listed (greyed), so the owner sees that it was done.
    pub revoked: bool,
}

/// `GET /api/tables/{tableId}/presence`: whether anyone at the restaurant will hear an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    pub merchant_online: bool,
    pub last_seen_at: Option<i64>,
}

/// One stretch of time an alert went unheard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct UnheardAlert {
    pub order_id: i64,
    pub order_no: String,
    pub table_number: String,
    pub alert: AlertKind,
    pub reason: EscalationReason,
    pub since: i64,
    /// `None` while it is still unheard.
    pub settled_at: Option<i64>,
    pub unheard_ms: i64,
}

/// `GET /api/stores/{storeId}/unheard`: the newest unheard stretches and their sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct UnheardReport {
    pub total_ms: i64,
    pub alerts: Vec<UnheardAlert>,
}

/// What the server does with a paid order nobody heard, as the owner chose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UnheardAction {
    /// Keep alarming until someone acts (the default).
    #[default]
    None,
    Accept,
    Reject,
}

/// `GET/PUT /api/stores/{storeId}/alert-settings` (the merchant).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AlertSettings {
    /// Seconds an alert may go unheard (no device sounded it) before every device alarms.
    pub escalate_after_secs: u64,
    pub unheard_action: UnheardAction,
    /// Seconds after payment before `unheard_action` is taken on an order still unheard.
    pub unheard_action_after_secs: u64,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            escalate_after_secs: 15,
            unheard_action: UnheardAction::None,
            unheard_action_after_secs: 300,
        }
    }
}
