//! Persistence behind one small trait, with one implementation per engine. SQLite is the embedded
//! default; a PostgreSQL implementation joins for scale-out. Each engine owns its migrations, and
//! the cart rules they apply inside their transactions are shared ([`crate::carts::rules`]).

mod sqlite;

use async_trait::async_trait;
use orderbell_shared::{CuisineType, Money};

use crate::carts::rules::CartChange;
use crate::demo::DemoStore;
use crate::error::Result;

pub use sqlite::Sqlite;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreRow {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    pub id: i64,
    pub store_id: i64,
    pub number: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DishRow {
    pub id: i64,
    pub store_id: i64,
    pub category: String,
    pub name: String,
    pub kind: CuisineType,
    pub image: Option<String>,
    pub description: Option<String>,
    pub price: Money,
    pub available: bool,
}

/// What a cart line holds before it is priced from the menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineState {
    pub quantity: u32,
    pub remark: Option<String>,
    pub diner_id: Option<i64>,
}

/// One cart line joined with its dish and the diner who added it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartLine {
    pub dish: DishRow,
    pub line: LineState,
    pub diner_phone: Option<String>,
}

/// A table's cart as one consistent read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartSnapshot {
    pub table: TableRow,
    pub version: u64,
    pub lines: Vec<CartLine>,
}

#[async_trait]
pub trait Database: Send + Sync + 'static {
    /// The value of a setting, creating it with `make()` on first use (atomically).
    async fn setting_or_insert(&self, key: &str, make: &(dyn Fn() -> String + Sync)) -> Result<String>;

    /// Create the demo store unless any store exists. True when it did.
    async fn seed_demo(&self, demo: &DemoStore) -> Result<bool>;

    async fn tables(&self) -> Result<Vec<TableRow>>;

    async fn table(&self, table_id: i64) -> Result<Option<TableRow>>;

    /// The store and all its dishes, in menu order.
    async fn menu(&self, store_id: i64) -> Result<Option<(StoreRow, Vec<DishRow>)>>;

    async fn create_diner(&self, table_id: i64, phone: Option<&str>, now_ms: i64) -> Result<i64>;

    async fn cart(&self, table_id: i64) -> Result<Option<CartSnapshot>>;

    /// Apply one change in one transaction that also raises the cart's version; concurrent
    /// changes to a table are serialised, so none is lost. Bad changes leave everything as it was.
    async fn change_cart(&self, table_id: i64, change: &CartChange) -> Result<CartSnapshot>;

    /// Finish outstanding work and close connections.
    async fn close(&self);
}
