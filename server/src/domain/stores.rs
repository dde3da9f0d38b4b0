//! A store and its settings as the owner left them.

use orderbell_shared::bills::OrderingMode;
use orderbell_shared::store::{HoursPeriod, ManualHours};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreRow {
    pub id: i64,
    pub name: String,
}

/// A store's settings as stored; a store never changed by its owner has the defaults
/// ([`StoreSettingsRow::defaults`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreSettingsRow {
    pub store_id: i64,
    pub name: String,
    /// The logo's stored name in `media`.
    pub logo: Option<String>,
    pub announcement: Option<String>,
    /// Validated when written (`stores::settings_rules`); empty: open around the clock.
    pub hours: Vec<HoursPeriod>,
    pub utc_offset_minutes: i32,
    pub paused: bool,
    pub manual: Option<ManualHours>,
    pub ordering_mode: OrderingMode,
}

/// China's time, the store's local time until its owner says otherwise.
pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 8 * 60;

impl StoreSettingsRow {
    /// A store as created: open around the clock, taking orders, nothing announced.
    pub fn defaults(store_id: i64, name: String) -> Self {
        StoreSettingsRow {
            store_id,
            name,
            logo: None,
            announcement: None,
            hours: Vec::new(),
            utc_offset_minutes: DEFAULT_UTC_OFFSET_MINUTES,
            paused: false,
            manual: None,
            ordering_mode: OrderingMode::PayFirst,
        }
    }
}
