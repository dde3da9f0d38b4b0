//! The store's menu as customers and clients read it.

use serde::{Deserialize, Serialize};

use crate::cart::CuisineType;
use crate::money::Money;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MenuDTO {
    pub store_id: i64,
    pub store_name: String,
    /// Rises with every change to the menu: the `menuVersion` of the `menu_update` that told of it.
    #[serde(default)]
    pub menu_version: u64,
    /// Categories in the order the menu shows them (also those without dishes yet).
    pub categories: Vec<MenuCategoryDTO>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MenuCategoryDTO {
    pub category_id: i64,
    pub name: String,
    pub dishes: Vec<DishDTO>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DishDTO {
    pub cuisine_id: i64,
    pub cuisine_name: String,
    #[cfg_attr(feature = "ts", ts(type = "1 | 2"))]
    pub cuisine_type: CuisineType,
    pub cuisine_image: Option<String>,
    pub unit_price: Money,
    pub description: Option<String>,
    /// A small version of the photo for the menu list (`cuisineImage` is the full one).
    #[serde(default)]
    pub thumbnail: Option<String>,
    /// 估清: shown greyed, and cannot be added to a cart or ordered.
    #[serde(default)]
    pub sold_out: bool,
    /// What a set meal (`cuisineType` 2) contains; empty for a single dish.
    #[serde(default)]
    pub set_items: Vec<SetItemDTO>,
}

/// One dish of a set meal, with how many of it the set holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SetItemDTO {
    pub cuisine_id: i64,
    pub cuisine_name: String,
    pub quantity: u32,
}

/// Sent on every table stream of the store when its menu changes (a dish sold out or back, a
/// price, a new dish): the page reads the menu again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MenuUpdate {
    pub store_id: i64,
    /// Rises with every change to the store's menu.
    pub menu_version: u64,
}

/// `POST /api/stores/{storeId}/categories` and `PATCH …/categories/{categoryId}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CategoryInput {
    pub name: String,
}

/// `PUT …/categories/order` (`ids` are category ids) and `PUT …/categories/{id}/dishes/order`
/// (dish ids): the whole list in its new order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Reorder {
    pub ids: Vec<i64>,
}

/// `POST …/dishes` (every field but `description` and `setItems` required) and
/// `PATCH …/dishes/{dishId}` (only the fields sent change). `unitPrice` is yuan, as a JSON number
/// or a string (`38.5`, `"38.50"`), at most two decimals: it is read exactly, never as a float.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DishInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuisine_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "1 | 2 | null"))]
    pub cuisine_type: Option<CuisineType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | string | null"))]
    pub unit_price: Option<PriceInput>,
    /// An empty description removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_items: Option<Vec<SetItemInput>>,
}

/// A price as it was written, kept as text so that the server can say exactly what is wrong
/// with it (negative, too large, finer than a fen) instead of a float that rounded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceInput(pub String);

impl Serialize for PriceInput {
    /// A plain decimal (`72.00`, as export writes it) goes out as a JSON number; anything else as
    /// the string it is.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let plain = !self.0.is_empty()
            && !self.0.starts_with('.')
            && !self.0.ends_with('.')
            && self.0.bytes().filter(|b| *b == b'.').count() <= 1
            && self.0.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        match serde_json::value::RawValue::from_string(self.0.clone()) {
            Ok(raw) if plain => raw.serialize(serializer),
            _ => serializer.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for PriceInput {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        Ok(PriceInput(raw.get().trim().trim_matches('"').to_owned()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SetItemInput {
    pub cuisine_id: i64,
    #[serde(default = "crate::api::one")]
    pub quantity: u32,
}

/// `PUT …/dishes/{dishId}/sold-out`: 估清 (`true`) or back in stock (`false`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SoldOutInput {
    pub sold_out: bool,
}

/// One problem of a refused import: the CSV line (the header is line 1) or, for JSON, the dish's
/// place in the file (1 = the first dish), with the column and what to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RowError {
    pub row: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

/// The whole menu as JSON for export and import: categories in order, each with its dishes.
/// Set meals name their contents by dish name, so a file can be written by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MenuFile {
    pub categories: Vec<CategoryFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CategoryFile {
    pub name: String,
    #[serde(default)]
    pub dishes: Vec<DishFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DishFile {
    /// The dish's id when it is already on the menu (keeps carts and the photo); absent for a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuisine_id: Option<i64>,
    pub cuisine_name: String,
    #[serde(default = "single")]
    pub cuisine_type: CuisineType,
    pub unit_price: PriceInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_items: Vec<SetItemFile>,
    #[serde(default)]
    pub sold_out: bool,
    /// A photo already stored on this server (its name as exported), or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SetItemFile {
    pub cuisine_name: String,
    #[serde(default = "crate::api::one")]
    pub quantity: u32,
}

fn single() -> CuisineType {
    CuisineType::Single
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_kept_as_written() {
        let input: DishInput =
            serde_json::from_str(r#"{"unitPrice": 12.345}"#).expect("a number with three decimals still parses");
        assert_eq!(input.unit_price, Some(PriceInput("12.345".into())), "no float rounding");
        let input: DishInput = serde_json::from_str(r#"{"unitPrice": "38.50"}"#).expect("a string");
        assert_eq!(input.unit_price, Some(PriceInput("38.50".into())));
        let out = serde_json::to_string(&[PriceInput("72.00".into()), PriceInput("十元".into())]).expect("writes");
        assert_eq!(
            out, r#"[72.00,"十元"]"#,
            "a price goes out as a number with its two decimals"
        );
    }
}
