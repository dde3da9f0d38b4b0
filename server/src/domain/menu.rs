//! A store's menu: categories, dishes and the contents of set meals.

use orderbell_shared::{CuisineType, Money};

use super::stores::StoreRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryRow {
    pub id: i64,
    pub name: String,
    pub position: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DishRow {
    pub id: i64,
    pub store_id: i64,
    pub category_id: i64,
    /// Its place within its category.
    pub position: i64,
    pub name: String,
    pub kind: CuisineType,
    /// The stored photo's name (`<hash>.<ext>`), see `crate::media`.
    pub photo: Option<String>,
    pub description: Option<String>,
    pub price: Money,
    /// 估清: cannot be added to a cart or ordered.
    pub sold_out: bool,
    /// A set meal holding a dish that is sold out: it cannot be made either. Read, never written.
    pub part_sold_out: bool,
}

impl DishRow {
    /// Whether it may go into a cart and be ordered now.
    pub fn orderable(&self) -> bool {
        !self.sold_out && !self.part_sold_out
    }
}

/// One dish inside a set meal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetItemRow {
    pub set_id: i64,
    pub dish_id: i64,
    pub quantity: u32,
}

/// A store's whole menu, read at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Menu {
    pub store: StoreRow,
    pub version: u64,
    /// In menu order.
    pub categories: Vec<CategoryRow>,
    /// In menu order within each category.
    pub dishes: Vec<DishRow>,
    /// Per set, in the order the set lists them.
    pub set_items: Vec<SetItemRow>,
}

impl Menu {
    pub fn dish(&self, dish_id: i64) -> Option<&DishRow> {
        self.dishes.iter().find(|d| d.id == dish_id)
    }

    pub fn category(&self, category_id: i64) -> Option<&CategoryRow> {
        self.categories.iter().find(|c| c.id == category_id)
    }

    pub fn contents(&self, set_id: i64) -> impl Iterator<Item = &SetItemRow> {
        self.set_items.iter().filter(move |i| i.set_id == set_id)
    }
}
