//! PostgreSQL's charges.

use async_trait::async_trait;
use orderbell_shared::charges::ChargeStatus;

use super::charges::ChargeStore;
use super::postgres::Postgres;
use super::sqlite_charges::{COLUMNS, charge, status_name};
use crate::domain::charges::{ChargeRow, Paid};
use crate::error::Result;

#[async_trait]
impl ChargeStore for Postgres {
    async fn charges_of(&self, paid: Paid) -> Result<Vec<ChargeRow>> {
        let (column, id) = match paid {
            Paid::Order(id) => ("order_id", id),
            Paid::Bill(id) => ("bill_id", id),
        };
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM charges WHERE {column} = $1 ORDER BY id"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(charge).collect()
    }

    async fn insert_charge(&self, c: &ChargeRow) -> Result<bool> {
        let (order_id, bill_id) = match c.paid {
            Paid::Order(id) => (Some(id), None),
            Paid::Bill(id) => (None, Some(id)),
        };
        let inserted = sqlx::query(&format!(
            "INSERT INTO charges ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (trade_no) DO NOTHING"
        ))
        .bind(c.store_id)
        .bind(order_id)
        .bind(bill_id)
        .bind(&c.trade_no)
        .bind(&c.provider)
        .bind(c.channel.as_str())
        .bind(c.amount.cents())
        .bind(status_name(c.status))
        .bind(&c.start_json)
        .bind(c.created_at)
        .bind(i64::from(c.queries))
        .bind(c.next_query_at)
        .execute(&self.pool)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    async fn due_charges(&self, now: i64, limit: u32) -> Result<Vec<ChargeRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM charges WHERE status = 'open' AND next_query_at <= $1 ORDER BY next_query_at LIMIT $2"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(charge).collect()
    }

    async fn end_charge(&self, trade_no: &str, status: ChargeStatus, at: i64) -> Result<()> {
        sqlx::query("UPDATE charges SET status = $1, closed_at = $2 WHERE trade_no = $3 AND status = 'open'")
            .bind(status_name(status))
            .bind(at)
            .bind(trade_no)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn charge_queried(&self, trade_no: &str, queries: u32, next_query_at: i64) -> Result<()> {
        sqlx::query("UPDATE charges SET queries = $1, next_query_at = $2 WHERE trade_no = $3 AND status = 'open'")
            .bind(i64::from(queries))
            .bind(next_query_at)
            .bind(trade_no)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
