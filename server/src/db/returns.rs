//! What storage knows of 退菜: a return written in the same transaction as the events that
//! report it, so the kitchen, the table and the books never disagree about an order's lines.

use async_trait::async_trait;
use orderbell_shared::Money;

use super::Tx;
use crate::error::Result;

/// One return of part of an order line, as decided by `orders::return_rules`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnWrite {
    pub order_id: i64,
    /// The line's index in the order, from 0.
    pub line: u32,
    pub quantity: u32,
    /// What the returned dishes came to.
    pub amount: Money,
    /// Set when the line was paid: this much is owed back (the refund is written beside it).
    pub refund: Option<Money>,
    pub reason: String,
    pub by: String,
    pub at: i64,
}

/// A transaction that can also write returns; it is a [`Tx`], so the events go in with it.
#[async_trait]
pub trait ReturnTx: Tx {
    /// Write the return, the line's returned quantity and the order's net total. False, with
    /// nothing written, if the line has fewer left than `quantity` (another return got there
    /// first).
    async fn record_return(&mut self, write: &ReturnWrite) -> Result<bool>;
}

#[async_trait]
pub trait ReturnStore: Send + Sync {
    /// A durable transaction (as `Database::begin`) that can write returns.
    async fn begin_return(&self) -> Result<Box<dyn ReturnTx>>;
}
