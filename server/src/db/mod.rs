//! Persistence behind one small trait, with one implementation per engine. SQLite is the embedded
//! default; a PostgreSQL implementation joins for scale-out. Each engine owns its migrations; what
//! they read and write, the rules decide on too, and it lives in [`crate::domain`].

pub mod access;
pub mod bills;
pub mod charges;
pub mod heard;
pub mod menu;
mod postgres;
mod postgres_access;
mod postgres_bills;
mod postgres_charges;
mod postgres_heard;
mod postgres_menu;
mod postgres_printers;
mod postgres_refunds;
mod postgres_reports;
mod postgres_returns;
mod postgres_rows;
mod postgres_store_settings;
mod postgres_tables;
mod postgres_tx;
pub mod printers;
pub mod refunds;
pub mod reports;
pub mod returns;
mod sqlite;
mod sqlite_access;
mod sqlite_backup;
mod sqlite_bills;
mod sqlite_charges;
mod sqlite_heard;
mod sqlite_menu;
mod sqlite_printers;
mod sqlite_refunds;
mod sqlite_reports;
mod sqlite_returns;
mod sqlite_rows;
mod sqlite_store_settings;
mod sqlite_tables;
mod sqlite_tx;
pub mod store_settings;
pub mod tables;

use async_trait::async_trait;
use orderbell_shared::heard::{AlertEscalated, AlertReceipt, UnheardAlert};
use orderbell_shared::order::ReminderState;
use orderbell_shared::{Money, OrderDTO, OrderItemDTO, OrderStatus};

use crate::domain::alerts::AlertRow;
use crate::domain::carts::{LineState, LineWrite};
use crate::domain::charges::Paid;
use crate::domain::demo::DemoStore;
use crate::domain::journal::{Entry, Stream};
use crate::domain::menu::DishRow;
use crate::domain::tables::TableRow;
use crate::error::Result;

pub use access::{AccessStore, CredentialRow, Holder, Issued};
pub use bills::{BillStore, BillTx};
pub use charges::ChargeStore;
pub use heard::{DeviceRow, alert_of};
pub use menu::MenuStore;
pub use postgres::Postgres;
pub use printers::{PrinterStore, PrinterTx};
pub use refunds::{RefundRecord, RefundStore, RefundTx};
pub use reports::{HistoryFilter, ReportStore};
pub use returns::{ReturnStore, ReturnWrite};
pub use sqlite::Sqlite;
pub use store_settings::StoreSettingsStore;
pub use tables::{TableEdit, TableRefusal, TableStore};

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

/// A table and what a change to one line of its cart starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartHead {
    pub table: TableRow,
    /// The cart's version now (a change makes it one higher).
    pub version: u64,
    /// The changed dish, if the change names one that exists.
    pub dish: Option<DishRow>,
    pub line: Option<LineState>,
}

/// An order about to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrder {
    pub store_id: i64,
    pub table_id: i64,
    pub table_number: String,
    pub diner_id: Option<i64>,
    pub idempotency_key: String,
    /// `pending_payment` (先付后吃) or `submitted` (先吃后付).
    pub status: OrderStatus,
    pub bill_id: i64,
    pub round: u32,
    pub total: Money,
    pub created_at: i64,
    pub items: Vec<OrderItemDTO>,
}

/// A payment a provider told us of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRow {
    pub provider: &'static str,
    pub transaction_id: String,
    pub notification_id: String,
    pub paid: Paid,
    pub amount: Money,
    /// `applied` or `refund_due`.
    pub outcome: &'static str,
    pub received_at: i64,
}

/// One transaction. The order logic (`crate::orders`, `crate::reminders`) is written once against
/// these primitives; each engine implements them. Dropping it without `commit` rolls back.
#[async_trait]
pub trait Tx: BillTx + RefundTx + Send {
    async fn commit(self: Box<Self>) -> Result<()>;

    /// The table, its cart's version, the dish `dish_id` and its line in the cart (each if it is
    /// there), in one read without writing, so that a change can be checked before it writes
    /// anything; `None` if no table.
    async fn cart_head(&mut self, table_id: i64, dish_id: Option<i64>) -> Result<Option<CartHead>>;

    /// Raise the table's cart version (serialising changes to that table); `None` if no table.
    async fn bump_cart(&mut self, table_id: i64) -> Result<Option<(TableRow, u64)>>;

    /// The line of `dish_id` in the table's cart, if it is there.
    async fn cart_line(&mut self, table_id: i64, dish_id: i64) -> Result<Option<LineState>>;

    /// Write a cart change; `version` is the cart's new version (lines keep the one that added them).
    async fn write_line(&mut self, table_id: i64, version: u64, write: LineWrite) -> Result<()>;

    async fn cart_lines(&mut self, table_id: i64) -> Result<Vec<CartLine>>;

    /// A checked change to a table read with [`Tx::cart_head`] in this transaction: the cart's
    /// version becomes `version`, `write` applies, and the cart's lines come back, in one
    /// hand-off to the database instead of three.
    async fn write_cart(&mut self, table_id: i64, version: u64, write: LineWrite) -> Result<Vec<CartLine>>;

    async fn clear_cart(&mut self, table_id: i64) -> Result<()>;

    async fn order_id_by_key(&mut self, table_id: i64, key: &str) -> Result<Option<i64>>;

    async fn insert_order(&mut self, order: &NewOrder) -> Result<i64>;

    async fn order(&mut self, order_id: i64) -> Result<Option<OrderDTO>>;

    /// Write the order's status, times and reminder fields if it is still in `expected`
    /// (compare-and-set). False if another change got there first.
    async fn update_order(&mut self, order: &OrderDTO, expected: OrderStatus) -> Result<bool>;

    /// False if this provider's transaction was recorded before: a repeated notification.
    async fn insert_payment(&mut self, payment: &PaymentRow) -> Result<bool>;

    async fn insert_reminder(&mut self, order_id: i64, at: i64) -> Result<i64>;

    /// Answer the order's latest 催单; `None` if it has none.
    async fn reply_latest_reminder(&mut self, order_id: i64, text: &str, at: i64) -> Result<Option<i64>>;

    /// Append an event to a stream with the stream's next number.
    async fn append(&mut self, stream: Stream, kind: &str, data: &str, at: i64) -> Result<Entry>;

    /// Record what a device did with an alert; false if it said so before.
    async fn insert_receipt(&mut self, receipt: &AlertReceipt) -> Result<bool>;

    /// Escalate an alert; false if it was escalated before (an alert escalates once).
    async fn insert_escalation(&mut self, store_id: i64, escalated: &AlertEscalated) -> Result<bool>;

    /// Settle the alert's open escalation: its `since`, or `None` if none was open.
    async fn settle_escalation(&mut self, order_id: i64, reminder_id: i64, at: i64) -> Result<Option<i64>>;
}

#[async_trait]
pub trait Database:
    AccessStore
    + BillStore
    + ChargeStore
    + MenuStore
    + PrinterStore
    + RefundStore
    + ReportStore
    + ReturnStore
    + StoreSettingsStore
    + TableStore
    + Send
    + Sync
    + 'static
{
    /// A transaction that may write, on disk before its commit returns: payments, orders and
    /// 催单 are acknowledged to someone (a provider, a customer) who will not send them again.
    async fn begin(&self) -> Result<Box<dyn Tx>>;

    async fn order(&self, order_id: i64) -> Result<Option<OrderDTO>>;

    /// The store's paid, unfinished orders, oldest first.
    async fn open_orders(&self, store_id: i64) -> Result<Vec<OrderDTO>>;

    /// Unpaid orders created before `cutoff`.
    async fn unpaid_before(&self, cutoff: i64) -> Result<Vec<i64>>;

    /// Up to `limit` events of `stream` after `after`, in order.
    async fn events_after(&self, stream: Stream, after: u64, limit: u32) -> Result<Vec<Entry>>;

    /// The stream's newest event id and the id up to which events were pruned.
    async fn stream_head(&self, stream: Stream) -> Result<(u64, u64)>;

    /// Keep only the newest `keep` events of every store stream.
    async fn prune_store_streams(&self, keep: u64) -> Result<()>;

    /// The value of a setting, creating it with `make()` on first use (atomically).
    async fn setting_or_insert(&self, key: &str, make: &(dyn Fn() -> String + Sync)) -> Result<String>;

    /// Create the demo store unless any store exists. True when it did.
    async fn seed_demo(&self, demo: &DemoStore) -> Result<bool>;

    async fn table(&self, table_id: i64) -> Result<Option<TableRow>>;

    async fn cart(&self, table_id: i64) -> Result<Option<CartSnapshot>>;

    /// Every alert that needs a person and every escalation still open, across stores.
    async fn alerts(&self) -> Result<Vec<AlertRow>>;

    /// Remember a device and when it was last seen.
    async fn touch_device(&self, device: &DeviceRow) -> Result<()>;

    /// The store's devices, most recently seen first.
    async fn devices(&self, store_id: i64) -> Result<Vec<DeviceRow>>;

    /// The 催单 of the store's open orders, with their replies.
    async fn open_reminders(&self, store_id: i64) -> Result<Vec<ReminderState>>;

    /// What devices did with the alerts of the store's open orders.
    async fn open_receipts(&self, store_id: i64) -> Result<Vec<AlertReceipt>>;

    /// The store's escalations still open.
    async fn open_escalations(&self, store_id: i64) -> Result<Vec<AlertEscalated>>;

    /// The store's newest `limit` escalations, open ones counted up to `now`.
    async fn unheard(&self, store_id: i64, now: i64, limit: u32) -> Result<Vec<UnheardAlert>>;

    async fn setting(&self, key: &str) -> Result<Option<String>>;

    async fn set_setting(&self, key: &str, value: &str) -> Result<()>;

    /// Whether the database answers a trivial query (`/readyz`).
    async fn ping(&self) -> Result<()>;

    /// Finish outstanding work and close connections.
    async fn close(&self);
}
