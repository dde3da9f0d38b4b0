//! The store's menu as customers and clients read it.

use serde::{Deserialize, Serialize};

use crate::cart::CuisineType;
use crate::money::Money;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MenuDTO {
    pub store_id: i64,
    pub store_name: String,
    /// Categories in the order the menu shows them.
    pub categories: Vec<MenuCategoryDTO>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MenuCategoryDTO {
    pub name: String,
    pub dishes: Vec<DishDTO>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DishDTO {
    pub cuisine_id: i64,
    pub cuisine_name: String,
    pub cuisine_type: CuisineType,
    pub cuisine_image: Option<String>,
    pub unit_price: Money,
    pub description: Option<String>,
}
