//! What storage knows of a store's tables as the owner manages them: their areas, which link is
//! current, and whether a table is in use.

use async_trait::async_trait;

use super::CartSnapshot;
use crate::domain::tables::PlacedTable;
use crate::error::Result;

/// Why a table was not written; nothing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableRefusal {
    /// No such table in use (or, adding one, no such store).
    Missing,
    /// Another table of the store has that number.
    NumberTaken,
    /// The table is occupied, and the change would confuse the people at it or the kitchen.
    Occupied,
}

/// A write that may be refused for what is stored (as opposed to failing).
pub type Refusable<T> = std::result::Result<T, TableRefusal>;

/// What to change of a table; `None` keeps it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableEdit<'a> {
    pub number: Option<&'a str>,
    pub area: Option<&'a str>,
}

#[async_trait]
pub trait TableStore: Send + Sync {
    /// The store's name and its tables, or `None` if there is no such store.
    async fn store_tables(&self, store_id: i64) -> Result<Option<(String, Vec<PlacedTable>)>>;

    /// Every table in use, of every store, by store and id.
    async fn all_tables(&self) -> Result<Vec<PlacedTable>>;

    async fn placed_table(&self, table_id: i64) -> Result<Option<PlacedTable>>;

    /// Add a table to a store; its id.
    async fn add_table(&self, store_id: i64, number: &str, area: &str) -> Result<Refusable<i64>>;

    /// Change a table's number or area. A new number is refused while the table is occupied;
    /// when it is taken, the (empty) cart is bumped and returned, to be sent with the new number.
    async fn edit_table(&self, table_id: i64, edit: TableEdit<'_>) -> Result<Refusable<Option<CartSnapshot>>>;

    /// Remove a table, unless it is occupied. Its orders stay, and its links stop working.
    async fn remove_table(&self, table_id: i64, at: i64) -> Result<Refusable<()>>;

    /// Make the table's next link current, ending the ones before; the new generation.
    async fn regenerate_link(&self, table_id: i64) -> Result<Refusable<u32>>;
}
