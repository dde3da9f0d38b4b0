//! What storage knows of a store's printers. A change is written in the same transaction as the
//! `printers_changed` event that tells the store's devices, so no device misses one.

use async_trait::async_trait;
use orderbell_shared::printing::{PrinterConnection, PrinterDTO};

use super::Tx;
use crate::domain::printers::PrinterWrite;
use crate::error::Result;

/// A transaction that can also write printers; it is a [`Tx`], so the event goes in with it.
#[async_trait]
pub trait PrinterTx: Tx {
    async fn printer(&mut self, printer_id: i64) -> Result<Option<PrinterDTO>>;

    /// The printer of `store_id` at `connection`'s address, if the store has one there.
    async fn printer_at(&mut self, store_id: i64, connection: &PrinterConnection) -> Result<Option<PrinterDTO>>;

    async fn insert_printer(&mut self, printer: &PrinterWrite, now: i64) -> Result<i64>;

    async fn update_printer(&mut self, printer_id: i64, printer: &PrinterWrite) -> Result<()>;

    async fn delete_printer(&mut self, printer_id: i64) -> Result<()>;
}

#[async_trait]
pub trait PrinterStore: Send + Sync {
    /// A durable transaction (as `Database::begin`) that can write printers.
    async fn begin_printers(&self) -> Result<Box<dyn PrinterTx>>;

    /// The store's printers, in the order they were added.
    async fn printers(&self, store_id: i64) -> Result<Vec<PrinterDTO>>;

    async fn printer(&self, printer_id: i64) -> Result<Option<PrinterDTO>>;
}
