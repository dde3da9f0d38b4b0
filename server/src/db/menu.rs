//! What storage knows of a store's menu: categories, dishes and the contents of set meals, read
//! whole, and changed inside one transaction that also raises the store's menu version.

use async_trait::async_trait;
use orderbell_shared::{CuisineType, Money};

use super::{CartSnapshot, StoreRow};
use crate::error::Result;

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

#[async_trait]
pub trait MenuStore: Send + Sync {
    /// The store's menu; `None` if there is no such store.
    async fn menu(&self, store_id: i64) -> Result<Option<Menu>>;

    /// A transaction over the store's menu, on disk before its commit returns, with the store's
    /// menu version already raised (serialising menu changes); `None` if there is no such store.
    async fn begin_menu(&self, store_id: i64) -> Result<Option<(Box<dyn MenuTx>, u64)>>;
}

/// One change to a menu. Dropping it without `commit` rolls back.
#[async_trait]
pub trait MenuTx: Send {
    async fn commit(self: Box<Self>) -> Result<()>;

    /// The menu as this transaction sees it (its version is the raised one).
    async fn menu(&mut self) -> Result<Menu>;

    async fn insert_category(&mut self, name: &str, position: i64) -> Result<i64>;

    async fn update_category(&mut self, category: &CategoryRow) -> Result<()>;

    async fn delete_category(&mut self, category_id: i64) -> Result<()>;

    /// A new dish (its `id` is ignored unless `keep_id`); its id.
    async fn insert_dish(&mut self, dish: &DishRow, keep_id: bool) -> Result<i64>;

    async fn update_dish(&mut self, dish: &DishRow) -> Result<()>;

    /// Remove a dish, its lines in carts and its own set contents.
    async fn delete_dish(&mut self, dish_id: i64) -> Result<()>;

    /// Replace what the set meal holds.
    async fn set_contents(&mut self, set_id: i64, items: &[(i64, u32)]) -> Result<()>;

    /// The tables whose carts hold any of `dish_ids`.
    async fn tables_holding(&mut self, dish_ids: &[i64]) -> Result<Vec<i64>>;

    /// Raise the carts' versions (their content changed under them) and read them.
    async fn bump_carts(&mut self, table_ids: &[i64]) -> Result<Vec<CartSnapshot>>;
}
