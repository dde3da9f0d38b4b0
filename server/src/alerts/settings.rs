//! The owner's alert settings, kept per store; the defaults until the owner changes them.

use orderbell_shared::heard::AlertSettings;

use crate::error::Result;
use crate::state::AppState;

pub fn settings_key(store_id: i64) -> String {
    format!("alerts:{store_id}")
}

/// The store's alert settings; the defaults until the owner changes them.
pub async fn load_settings(state: &AppState, store_id: i64) -> Result<AlertSettings> {
    Ok(match state.db.setting(&settings_key(store_id)).await? {
        Some(json) => serde_json::from_str(&json).unwrap_or_default(),
        None => AlertSettings::default(),
    })
}
