//! The store's menu as customers and clients read it.

use serde::{Deserialize, Serialize};

use crate::cart::CuisineType;
use crate::money::Money;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MenuDTO {
    pub store_id: i64,
    pub store_name: String,
    /// Categories in the order the menu shows them.
    pub categories: Vec<MenuCategoryDTO>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MenuCategoryDTO {
    pub category_id: i64,
    pub name: String,
    pub dishes: Vec<DishDTO>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DishDTO {
    pub cuisine_id: i64,
    pub cuisine_name: String,
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
