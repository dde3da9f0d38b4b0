//! What storage knows of the tables' bills: each party's sitting, its rounds, its diners, how it
//! was settled, and the online payments and refunds that came with it.

use async_trait::async_trait;
use orderbell_shared::OrderDTO;
use orderbell_shared::bills::{BillStatus, OrderingMode, RoundReply, Settlement};

use crate::domain::tables::TableRow;
use crate::error::Result;

/// A bill as stored, with the number of the table it is at now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillRow {
    pub id: i64,
    pub store_id: i64,
    pub table_id: i64,
    pub table_number: String,
    pub sitting: u32,
    pub mode: OrderingMode,
    pub status: BillStatus,
    pub rounds: u32,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub close_reason: Option<String>,
    pub merged_into: Option<i64>,
    pub next_table: Option<String>,
}

/// A phone that joined the bill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillDinerRow {
    pub diner_id: i64,
    pub phone: Option<String>,
}

/// A bill with everything on it, as one consistent read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillSnapshot {
    pub bill: BillRow,
    /// Its rounds by round number.
    pub rounds: Vec<OrderDTO>,
    /// Its diners in the order they joined.
    pub diners: Vec<BillDinerRow>,
    pub settlement: Option<Settlement>,
    /// The latest answered 催单 of each round, by round.
    pub replies: Vec<RoundReply>,
    /// Its rounds with an open escalation (nobody heard them yet), by order id.
    pub unheard: Vec<i64>,
}

/// How a bill ends: settled, closed, merged into another or (换桌) kept open at another table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closing<'a> {
    pub status: BillStatus,
    pub at: i64,
    pub reason: Option<&'a str>,
    pub by: &'a str,
    pub merged_into: Option<i64>,
    pub next_table: Option<&'a str>,
}

/// The bill primitives of a transaction ([`super::Tx`]); the rules in `crate::bills` are written
/// once against them.
#[async_trait]
pub trait BillTx: Send {
    /// The table's open bill, opened now if it has none (in the store's ordering mode, at the
    /// table's sitting); `None` if the table is not in use.
    async fn open_bill(&mut self, table_id: i64, now: i64) -> Result<Option<BillRow>>;

    /// The table's open bill, if it has one (none is opened).
    async fn bill_at(&mut self, table_id: i64) -> Result<Option<BillRow>>;

    /// A new diner at the table, on `bill_id`.
    async fn insert_diner(&mut self, table_id: i64, bill_id: i64, phone: Option<&str>, now: i64) -> Result<i64>;

    /// The table's current sitting; `None` if the table is not in use.
    async fn sitting(&mut self, table_id: i64) -> Result<Option<u32>>;

    /// Count one more round on the bill; its number.
    async fn next_round(&mut self, bill_id: i64) -> Result<u32>;

    async fn bill(&mut self, bill_id: i64) -> Result<Option<BillSnapshot>>;

    /// End the bill if it is still open; false if it was not (another change got there first).
    async fn close_bill(&mut self, bill_id: i64, closing: &Closing<'_>) -> Result<bool>;

    /// The party leaves the table: its sitting rises, so the party's phones can change nothing.
    async fn leave_table(&mut self, table_id: i64) -> Result<()>;

    /// False if the bill was settled before.
    async fn insert_settlement(&mut self, bill_id: i64, settlement: &Settlement) -> Result<bool>;

    /// 换桌: the bill goes to `to` at its current sitting, with its unfinished rounds, and names
    /// `to` as where the party went.
    async fn move_bill(&mut self, bill_id: i64, to: &TableRow, sitting: u32) -> Result<()>;

    /// 并台: the rounds (numbered on after the target's) and diners of `from` join `into`.
    async fn merge_bill(&mut self, from: i64, into: i64) -> Result<()>;
}

/// The bill reads outside a transaction.
#[async_trait]
pub trait BillStore: Send + Sync {
    /// The table's current link generation and sitting (one read, for every table or diner
    /// credential); `None` if the table is not in use.
    async fn table_generations(&self, table_id: i64) -> Result<Option<(u32, u32)>>;

    async fn bill_snapshot(&self, bill_id: i64) -> Result<Option<BillSnapshot>>;

    /// The id of the table's open bill, if it has one.
    async fn open_bill_id(&self, table_id: i64) -> Result<Option<i64>>;

    /// The table's open bill, if it has one.
    async fn open_bill_of(&self, table_id: i64) -> Result<Option<BillSnapshot>>;

    /// Every open bill of the store.
    async fn open_bills(&self, store_id: i64) -> Result<Vec<BillSnapshot>>;

    /// How many dishes are in each of the store's carts (tables with empty carts left out).
    async fn cart_quantities(&self, store_id: i64) -> Result<Vec<(i64, u32)>>;
}
