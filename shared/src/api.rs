//! Bodies of the HTTP API: requests at the seed's cart paths, diner sessions, and the one error
//! shape every failure uses.

use serde::{Deserialize, Serialize};

/// Every 4xx/5xx answer: a stable machine `code` (clients match on it) and a human `message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    /// On 409 for an order: the status it is in now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_status: Option<crate::order::OrderStatus>,
    /// On 429: how long to wait before trying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

/// `POST /api/store/order/cart/add`. The diner comes from the credential, never from the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddItemRequest {
    pub table_id: i64,
    pub cuisine_id: i64,
    #[serde(default = "one")]
    pub quantity: u32,
    #[serde(default)]
    pub remark: Option<String>,
}

/// `PUT /api/store/order/cart/update`, as query parameters (the seed's
/// `updateQuantity(tableId, cuisineId, quantity)`) or as a JSON body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateQuantityRequest {
    pub table_id: i64,
    pub cuisine_id: i64,
    pub quantity: u32,
}

/// The query of `DELETE /api/store/order/cart/remove` (`cuisineId` set) and
/// `DELETE /api/store/order/cart/clear` (`cuisineId` absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableRef {
    pub table_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuisine_id: Option<i64>,
}

/// `POST /api/tables/{tableId}/diners`: one phone joining a table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewDiner {
    #[serde(default)]
    pub phone: Option<String>,
}

/// A diner's identity at a table. `token` is a credential for that table that also says who the
/// diner is: send it as `Authorization: Bearer`, `?token=` or the `ob_token` cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DinerSession {
    pub diner_id: i64,
    pub table_id: i64,
    pub table_number: String,
    pub store_id: i64,
    pub token: String,
}

/// `GET /api/session`: the diner a credential stands for (without the credential itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DinerIdentity {
    pub diner_id: i64,
    pub table_id: i64,
    pub table_number: String,
    pub store_id: i64,
}

pub(crate) fn one() -> u32 {
    1
}
