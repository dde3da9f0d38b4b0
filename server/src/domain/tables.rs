//! A table: as a cart and an order know it, and as the owner places it.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    pub id: i64,
    pub store_id: i64,
    pub number: String,
}

/// A table in use (not removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedTable {
    pub id: i64,
    pub store_id: i64,
    pub number: String,
    pub area: String,
    /// The generation of the table's current link.
    pub link_generation: u32,
    /// An order is open at the table, or its cart is not empty.
    pub occupied: bool,
}
