//! What storage knows of a store's menu: categories, dishes and the contents of set meals, read
//! whole, and changed inside one transaction that also raises the store's menu version.

use super::CartSnapshot;
use crate::domain::menu::{CategoryRow, DishRow, Menu};
use crate::error::Result;
use async_trait::async_trait;

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
