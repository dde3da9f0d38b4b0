//! A store's tables as the owner manages them: areas, numbers, and the link each table's QR code
//! carries.

use serde::{Deserialize, Serialize};

/// One table, with the link its QR code encodes now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableDTO {
    pub table_id: i64,
    pub store_id: i64,
    /// What the table is called (A01, 包间3 …): on the QR sheet, the tickets and the customer page.
    pub number: String,
    pub area: String,
    /// The signed link of the table's QR code.
    pub link: String,
    /// Rises each time the link is regenerated; earlier links stop working.
    pub link_generation: u32,
    /// An order is open at the table, or its cart is not empty: it cannot be renumbered or removed.
    pub occupied: bool,
}

/// One area of the store and its tables, in number order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableAreaDTO {
    pub name: String,
    pub tables: Vec<TableDTO>,
}

/// `GET /api/stores/{storeId}/tables`: every table of the store, by area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StoreTablesDTO {
    pub store_id: i64,
    pub store_name: String,
    pub areas: Vec<TableAreaDTO>,
}

/// `POST /api/stores/{storeId}/tables`: a new table; the area defaults to 大厅.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewTable {
    pub number: String,
    #[serde(default)]
    pub area: Option<String>,
}

/// `PATCH /api/stores/{storeId}/tables/{tableId}`: what to change; absent fields stay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableChange {
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
}
