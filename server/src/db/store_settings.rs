//! What storage knows of a store's settings: its name, logo, announcement, business hours, and
//! whether the owner paused orders or opened or closed by hand.

use async_trait::async_trait;
use orderbell_shared::bills::OrderingMode;
use orderbell_shared::store::{HoursPeriod, ManualHours};

use crate::error::Result;

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

/// A change to a store's settings, decided from the settings as they are (the rules'
/// `settings_rules::apply`); an error refuses it and nothing is written.
pub type SettingsChange<'a> = &'a (dyn Fn(&StoreSettingsRow) -> Result<StoreSettingsRow> + Sync);

#[async_trait]
pub trait StoreSettingsStore: Send + Sync {
    /// The store's settings; `None` if there is no such store.
    async fn store_settings(&self, store_id: i64) -> Result<Option<StoreSettingsRow>>;

    /// Read the store's settings, `change` them and write the result (its name too) in one
    /// transaction, on disk before this returns, so that two owners' changes never undo each
    /// other. `None` if there is no such store.
    async fn update_store_settings(
        &self,
        store_id: i64,
        change: SettingsChange<'_>,
    ) -> Result<Option<StoreSettingsRow>>;
}
