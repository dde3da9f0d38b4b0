//! The shared cart of a table, exactly as the seed's `CartDTO` describes it, plus a `version` that
//! rises with every change so that clients can tell a newer cart from an older one.

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// 1 = single dish (单品), 2 = set meal (套餐); a number on the wire, as in the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum CuisineType {
    Single,
    SetMeal,
}

impl From<CuisineType> for u8 {
    fn from(kind: CuisineType) -> u8 {
        match kind {
            CuisineType::Single => 1,
            CuisineType::SetMeal => 2,
        }
    }
}

impl TryFrom<u8> for CuisineType {
    type Error = String;
    fn try_from(code: u8) -> Result<Self, String> {
        match code {
            1 => Ok(CuisineType::Single),
            2 => Ok(CuisineType::SetMeal),
            other => Err(format!("cuisineType must be 1 or 2, not {other}")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CartDTO {
    pub table_id: i64,
    pub table_number: String,
    pub store_id: i64,
    pub items: Vec<CartItemDTO>,
    pub total_amount: Money,
    pub total_quantity: u32,
    /// Rises by one with every change to this table's cart; never goes back, not even on clear.
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CartItemDTO {
    pub cuisine_id: i64,
    pub cuisine_name: String,
    pub cuisine_type: CuisineType,
    pub cuisine_image: Option<String>,
    pub unit_price: Money,
    pub quantity: u32,
    pub subtotal_amount: Money,
    /// The diner who first put this dish in the cart.
    pub add_user_id: Option<i64>,
    /// That diner's phone, masked (`138****8000`): everyone at the table sees the cart.
    pub add_user_phone: Option<String>,
    pub remark: Option<String>,
    /// The dish was marked sold out (估清) after it was added: the cart refuses to submit it.
    #[serde(default)]
    pub sold_out: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_seed_field_names() {
        let cart = CartDTO {
            table_id: 123,
            table_number: "A01".into(),
            store_id: 1,
            items: vec![CartItemDTO {
                cuisine_id: 1001,
                cuisine_name: "宫保鸡丁".into(),
                cuisine_type: CuisineType::Single,
                cuisine_image: None,
                unit_price: Money::from_cents(3800),
                quantity: 2,
                subtotal_amount: Money::from_cents(7600),
                add_user_id: Some(100),
                add_user_phone: Some("138****8000".into()),
                remark: Some("不要花生".into()),
                sold_out: false,
            }],
            total_amount: Money::from_cents(7600),
            total_quantity: 2,
            version: 4,
        };
        let json = serde_json::to_string(&cart).expect("serializes");
        assert_eq!(
            json,
            r#"{"tableId":123,"tableNumber":"A01","storeId":1,"items":[{"cuisineId":1001,"cuisineName":"宫保鸡丁","cuisineType":1,"cuisineImage":null,"unitPrice":38.00,"quantity":2,"subtotalAmount":76.00,"addUserId":100,"addUserPhone":"138****8000","remark":"不要花生","soldOut":false}],"totalAmount":76.00,"totalQuantity":2,"version":4}"#
        );
        let back: CartDTO = serde_json::from_str(&json).expect("parses back");
        assert_eq!(back, cart);
    }
}
