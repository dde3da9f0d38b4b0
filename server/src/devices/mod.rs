//! The store's devices (the counter's app, the kitchen's board): who is online now, who was last
//! seen when, and whether a customer's order will be heard by anyone.

pub mod presence;
pub mod rules;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use orderbell_shared::heard::{DeviceDTO, Presence as PresenceDTO};

use crate::auth::{Credential, Role};
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::state::AppState;
pub use presence::{Attended, DeviceId, Presence};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/stores/{store_id}/devices", get(list))
        .route("/api/tables/{table_id}/presence", get(table_presence))
}

/// The device a store-stream connection names in its query (`device`, `deviceName`), if any.
pub fn from_query(query: Option<&str>, role: Role) -> Result<Option<DeviceId>> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let Some(id) = get("device") else {
        return Ok(None);
    };
    Ok(Some(DeviceId {
        id: rules::device_id(id)?,
        name: rules::device_name(get("deviceName").unwrap_or(id))?,
        kind: rules::kind_for(role),
    }))
}

/// `GET /api/stores/{storeId}/devices`: every device that ever connected, online ones marked.
async fn list(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Json<Vec<DeviceDTO>>> {
    grant.for_store(store_id)?;
    let online = state.presence.online(store_id);
    let devices = state.db.devices(store_id).await?;
    Ok(Json(
        devices
            .into_iter()
            .map(|d| DeviceDTO {
                online: online.contains(&d.device_id),
                device_id: d.device_id,
                name: d.name,
                kind: d.kind,
                last_seen_at: d.last_seen_at,
            })
            .collect(),
    ))
}

/// `GET /api/tables/{tableId}/presence`: whether the restaurant has a device online to hear an
/// order from this table, so the customer page can say so before anyone orders.
async fn table_presence(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
) -> Result<Json<PresenceDTO>> {
    grant.for_table(table_id)?;
    let table = state.db.table(table_id).await?.ok_or(Error::NotFound {
        code: "table_not_found",
        what: "桌台",
        id: table_id,
    })?;
    let merchant_online = !state.presence.online(table.store_id).is_empty();
    let last_seen_at = state.db.devices(table.store_id).await?.first().map(|d| d.last_seen_at);
    Ok(Json(PresenceDTO {
        merchant_online,
        last_seen_at,
    }))
}
