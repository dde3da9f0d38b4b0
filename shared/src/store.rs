//! A store as its customers meet it: its name, announcement and business hours, and whether it
//! takes orders right now; and the owner's change to those settings.

use serde::{Deserialize, Serialize};

/// `GET /api/stores/{storeId}` (public: the customer page reads it before anyone orders).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StoreDTO {
    pub store_id: i64,
    pub name: String,
    /// The logo's address, once the owner uploaded one.
    pub logo: Option<String>,
    /// A small version of the logo, for the customer page's top bar.
    pub logo_thumbnail: Option<String>,
    /// One line the customer page shows above the menu; `None` shows nothing.
    pub announcement: Option<String>,
    /// When the store is open, in its own local time. Empty: open around the clock.
    pub hours: Vec<HoursPeriod>,
    /// The hours as a person reads them, 「每天 10:00–22:00」; `None` without hours.
    pub hours_text: Option<String>,
    /// The store's local time as minutes east of UTC: 480 for China (UTC+8).
    pub utc_offset_minutes: i32,
    /// 暂停接单: the owner stopped taking orders for now (busy).
    pub paused: bool,
    /// The owner opened or closed the store by hand, whatever the hours say.
    pub manual: Option<ManualHours>,
    /// What all of that adds up to now: whether an order is taken.
    pub state: StoreState,
    /// 先付后吃 (each order paid before the kitchen hears of it) or 先吃后付 (the table's bill
    /// is settled at the end).
    #[serde(default)]
    pub ordering_mode: crate::bills::OrderingMode,
}

/// One stretch of opening hours, `"10:00"` to `"22:00"` local time. A close at or before the open
/// runs past midnight (`"18:00"`–`"02:00"`) and belongs to the day it opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HoursPeriod {
    pub open: String,
    pub close: String,
    /// The weekdays it applies on, 1 (Monday) to 7 (Sunday); empty or absent: every day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<u8>,
}

/// The owner's hand on the hours: open or closed now, until the hours next change by themselves
/// (`until`; `None` when they never do, as for a store open around the clock).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ManualHours {
    pub open: bool,
    pub until: Option<i64>,
}

/// Whether the store takes orders now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StoreState {
    Open,
    /// Outside the business hours, or closed by hand: 已打烊.
    Closed,
    /// Open, but the owner paused taking orders: 暂停接单.
    Paused,
}

/// `PATCH /api/stores/{storeId}/settings` (the owner): every field is optional, and only the ones
/// present change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StoreSettingsPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// An empty line removes the announcement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announcement: Option<String>,
    /// An empty list: open around the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Vec<HoursPeriod>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc_offset_minutes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,
    /// `open` / `closed` now, whatever the hours say; `auto` follows the hours again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<ManualChoice>,
    /// `pay_first` (先付后吃) or `pay_later` (先吃后付). Bills already open keep the mode they
    /// were opened in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordering_mode: Option<crate::bills::OrderingMode>,
}

/// The owner's choice of [`StoreSettingsPatch::manual`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ManualChoice {
    Open,
    Closed,
    Auto,
}
