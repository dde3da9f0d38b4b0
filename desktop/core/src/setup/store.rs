//! The store as customers meet it: its name, logo, announcement and business hours, and whether
//! it takes orders now — 暂停接单 when the kitchen is swamped, opened or closed by hand. The
//! server decides the state (`open`, `closed` 已打烊, `paused` 暂停接单) from all of that; the
//! app shows what it answers. Anyone may read the store; only the owner changes it.

use orderbell_shared::store::{StoreDTO, StoreSettingsPatch};
use reqwest::Method;

use super::{EMPTY, Setup};
use crate::error::Result;

impl Setup {
    /// The store as customers see it now, with its state.
    pub async fn store(&self) -> Result<StoreDTO> {
        self.get("").await
    }

    /// Only the fields given change; a refused change changes nothing.
    pub async fn change_store(&self, patch: &StoreSettingsPatch) -> Result<StoreDTO> {
        self.send(Method::PATCH, "settings", Some(patch)).await
    }

    /// A JPEG, PNG or WebP logo (the server checks it and makes the thumbnail).
    pub async fn set_logo(&self, content_type: &str, bytes: Vec<u8>) -> Result<StoreDTO> {
        let response = self.api.store_upload(Method::PUT, "logo", content_type, bytes).await?;
        Ok(response.json().await?)
    }

    /// The customer page shows the name alone again.
    pub async fn remove_logo(&self) -> Result<StoreDTO> {
        self.send(Method::DELETE, "logo", EMPTY).await
    }
}
