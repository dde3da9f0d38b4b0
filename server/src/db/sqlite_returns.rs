//! SQLite's 退菜: the return, the line and the order's total, in the caller's transaction (the
//! refund, when the line was paid, is written beside it: `RefundTx`).

use async_trait::async_trait;

use super::returns::{ReturnStore, ReturnTx, ReturnWrite};
use super::sqlite::Sqlite;
use super::sqlite_tx::SqliteTx;
use crate::error::Result;

#[async_trait]
impl ReturnTx for SqliteTx {
    async fn record_return(&mut self, w: &ReturnWrite) -> Result<bool> {
        // The guard makes an over-return impossible even if two returns raced past the rules.
        let line = sqlx::query(
            "UPDATE order_items SET returned_quantity = returned_quantity + ?
             WHERE order_id = ? AND position = ? AND returned_quantity + ? <= quantity",
        )
        .bind(w.quantity)
        .bind(w.order_id)
        .bind(w.line)
        .bind(w.quantity)
        .execute(&mut *self.0)
        .await?;
        if line.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("UPDATE orders SET total_cents = total_cents - ? WHERE id = ?")
            .bind(w.amount.cents())
            .bind(w.order_id)
            .execute(&mut *self.0)
            .await?;
        sqlx::query(
            "INSERT INTO item_returns (order_id, position, quantity, amount_cents, refund_cents, reason, by_name, at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(w.order_id)
        .bind(w.line)
        .bind(w.quantity)
        .bind(w.amount.cents())
        .bind(w.refund.map(|r| r.cents()))
        .bind(&w.reason)
        .bind(&w.by)
        .bind(w.at)
        .execute(&mut *self.0)
        .await?;
        Ok(true)
    }
}

#[async_trait]
impl ReturnStore for Sqlite {
    async fn begin_return(&self) -> Result<Box<dyn ReturnTx>> {
        Ok(Box::new(self.begin_durable().await?))
    }
}
