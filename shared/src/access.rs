//! Stores, roles and device credentials: what the owner issues to each device, and what the
//! operator creates for each restaurant.

use serde::{Deserialize, Serialize};

/// Who a device of a store is (docs/ROLES.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// `StoreRole` in TypeScript: the desktop app has a `Role` of its own (what the app does).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "StoreRole"))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The owner or manager: sets up the store (menu, tables, devices, settings) and does
    /// everything the counter does.
    Owner,
    /// The counter: handles orders and 催单, marks dishes sold out, marks tickets ready.
    Counter,
    /// The kitchen: sees the tickets and marks them ready or recalls them.
    Kitchen,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Counter, Role::Kitchen];

    /// The name on the wire and on the command line (`owner`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Counter => "counter",
            Role::Kitchen => "kitchen",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}: owner, counter or kitchen"))
    }
}

/// `POST /api/stores/{storeId}/devices`: a credential for one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewDevice {
    pub name: String,
    pub role: Role,
}

/// A device credential just issued (or issued again, from the command line).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct IssuedDevice {
    /// What the device list and `DELETE …/devices/{deviceId}` call it.
    pub device_id: String,
    pub store_id: i64,
    pub name: String,
    pub role: Role,
    /// The secret the device presents (`v.<id>.<signature>`).
    pub credential: String,
    /// `{public url}/?token=<credential>`: what the desktop app pairs with.
    pub pairing_link: String,
}

/// `GET /api/credential`: what the presented device credential is, for a device pairing with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CredentialInfo {
    pub device_id: String,
    pub store_id: i64,
    pub name: String,
    pub role: Role,
}

/// `POST /api/stores` (the operator only): a new restaurant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewStore {
    pub name: String,
}

/// A store just created, with its owner's first credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedStore {
    pub store_id: i64,
    pub name: String,
    pub owner: IssuedDevice,
}
