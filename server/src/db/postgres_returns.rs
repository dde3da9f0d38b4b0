//! PostgreSQL's 退菜: the return, the line and the order's total, in the caller's transaction (as
//! `sqlite_returns`).

use async_trait::async_trait;

use super::postgres::Postgres;
use super::postgres_tx::PgTx;
use super::returns::{ReturnStore, ReturnTx, ReturnWrite};
use crate::error::Result;

#[async_trait]
impl ReturnTx for PgTx {
    async fn record_return(&mut self, w: &ReturnWrite) -> Result<bool> {
        // The guard makes an over-return impossible even if two returns raced past the rules: the
        // second waits for the first's row lock and re-checks the guard against what it wrote.
        let line = sqlx::query(
            "UPDATE order_items SET returned_quantity = returned_quantity + $1
             WHERE order_id = $2 AND position = $3 AND returned_quantity + $1 <= quantity",
        )
        .bind(i64::from(w.quantity))
        .bind(w.order_id)
        .bind(i64::from(w.line))
        .execute(&mut *self.0)
        .await?;
        if line.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("UPDATE orders SET total_cents = total_cents - $1 WHERE id = $2")
            .bind(w.amount.cents())
            .bind(w.order_id)
            .execute(&mut *self.0)
            .await?;
        sqlx::query(
            "INSERT INTO item_returns (order_id, position, quantity, amount_cents, refund_cents, reason, by_name, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(w.order_id)
        .bind(i64::from(w.line))
        .bind(i64::from(w.quantity))
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
impl ReturnStore for Postgres {
    async fn begin_return(&self) -> Result<Box<dyn ReturnTx>> {
        Ok(Box::new(self.begin_durable().await?))
    }
}
