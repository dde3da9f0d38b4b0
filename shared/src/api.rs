//! Bodies of the HTTP API: requests at the seed's cart paths, diner sessions, and the one error
//! shape every failure uses.

use serde::{Deserialize, Serialize};

/// Every 4xx/5xx answer: a stable machine `code` (clients match on it) and a human `message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// On a refused menu import: every problem, with its row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::menu::RowError>,
}

/// `POST /api/store/order/cart/add`. The diner comes from the credential, never from the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AddItemRequest {
    pub table_id: i64,
    pub cuisine_id: i64,
    #[serde(default = "one", deserialize_with = "quantity")]
    pub quantity: u32,
    #[serde(default)]
    pub remark: Option<String>,
}

/// `PUT /api/store/order/cart/update`, as query parameters (the seed's
/// `updateQuantity(tableId, cuisineId, quantity)`) or as a JSON body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateQuantityRequest {
    pub table_id: i64,
    pub cuisine_id: i64,
    #[serde(deserialize_with = "quantity_in_query")]
    pub quantity: u32,
}

/// The query of `DELETE /api/store/order/cart/remove` (`cuisineId` set) and
/// `DELETE /api/store/order/cart/clear` (`cuisineId` absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TableRef {
    pub table_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuisine_id: Option<i64>,
}

/// `POST /api/tables/{tableId}/diners`: one phone joining a table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewDiner {
    #[serde(default)]
    pub phone: Option<String>,
}

/// A diner's identity at a table. `token` is a credential for that table that also says who the
/// diner is: send it as `Authorization: Bearer`, `?token=` or the `ob_token` cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A requested quantity in a JSON body, read from any number. A number that is no count of
/// dishes (`-1`, `2^32`, `1.5`, `1e30`) becomes 0, so that the cart's own rule refuses it as
/// `invalid_quantity` like any other quantity out of range, rather than as a malformed body. Text
/// (`"2"`) is a wrong type, as for any other field.
pub fn quantity<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    deserializer.deserialize_any(Count { text: false })
}

/// The same, for a query string, where every value is text (`?quantity=3`).
pub fn quantity_in_query<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    deserializer.deserialize_any(Count { text: true })
}

struct Count {
    /// Whether the number may come as text.
    text: bool,
}

impl serde::de::Visitor<'_> for Count {
    type Value = u32;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a quantity")
    }

    fn visit_i64<E>(self, v: i64) -> Result<u32, E> {
        Ok(u32::try_from(v).unwrap_or(0))
    }

    fn visit_u64<E>(self, v: u64) -> Result<u32, E> {
        Ok(u32::try_from(v).unwrap_or(0))
    }

    fn visit_f64<E>(self, v: f64) -> Result<u32, E> {
        let whole = v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v);
        // In range and whole, so the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(if whole { v as u32 } else { 0 })
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<u32, E> {
        let refused = || E::invalid_type(serde::de::Unexpected::Str(v), &self);
        if !self.text {
            return Err(refused());
        }
        if let Ok(n) = v.trim().parse::<i128>() {
            return Ok(u32::try_from(n).unwrap_or(0));
        }
        match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => self.visit_f64(n),
            _ => Err(refused()),
        }
    }
}

#[cfg(test)]
mod quantity_tests {
    use super::*;

    #[test]
    fn numbers_that_are_no_count_become_zero() {
        let json = |q: &str| {
            serde_json::from_str::<AddItemRequest>(&format!(r#"{{"tableId":1,"cuisineId":2,"quantity":{q}}}"#))
                .map(|r| r.quantity)
                .ok()
        };
        assert_eq!(json("3"), Some(3));
        assert_eq!(json("3.0"), Some(3));
        for bad in ["-1", "4294967296", "1e30", "1.5", "-0.5", "99999999999999999999999"] {
            assert_eq!(json(bad), Some(0), "{bad}");
        }
        assert_eq!(json(r#""2""#), None, "text is a wrong type in JSON");
        let query = |q: &str| {
            serde_json::from_value::<UpdateQuantityRequest>(
                serde_json::json!({"tableId": 1, "cuisineId": 2, "quantity": q}),
            )
            .map(|r| r.quantity)
            .ok()
        };
        // serde_json hands strings to the visitor as a query string's deserializer does.
        assert_eq!(query("3"), Some(3));
        assert_eq!(query("-1"), Some(0));
        assert_eq!(query("many"), None);
    }
}
