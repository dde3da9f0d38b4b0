//! What storage knows of a store's settings: its name, logo, announcement, business hours, and
//! whether the owner paused orders or opened or closed by hand.

use async_trait::async_trait;

use crate::domain::stores::StoreSettingsRow;
use crate::error::Result;

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
