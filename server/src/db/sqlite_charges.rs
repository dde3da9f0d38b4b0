//! SQLite's charges.

use async_trait::async_trait;
use orderbell_shared::Money;
use orderbell_shared::charges::{ChargeStatus, PayChannel};
use sqlx::{ColumnIndex, Decode, Row, Type};

use super::charges::ChargeStore;
use super::sqlite::Sqlite;
use crate::domain::charges::{ChargeRow, Paid};
use crate::error::{Error, Result};

pub(super) const COLUMNS: &str =
    "store_id, order_id, bill_id, trade_no, provider, channel, amount_cents, status, start_json,
     created_at, queries, next_query_at";

#[async_trait]
impl ChargeStore for Sqlite {
    async fn charges_of(&self, paid: Paid) -> Result<Vec<ChargeRow>> {
        let (column, id) = match paid {
            Paid::Order(id) => ("order_id", id),
            Paid::Bill(id) => ("bill_id", id),
        };
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM charges WHERE {column} = ? ORDER BY id"))
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
            "INSERT INTO charges ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
        .bind(c.queries)
        .bind(c.next_query_at)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    async fn due_charges(&self, now: i64, limit: u32) -> Result<Vec<ChargeRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM charges WHERE status = 'open' AND next_query_at <= ? ORDER BY next_query_at LIMIT ?"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(charge).collect()
    }

    async fn end_charge(&self, trade_no: &str, status: ChargeStatus, at: i64) -> Result<()> {
        sqlx::query("UPDATE charges SET status = ?, closed_at = ? WHERE trade_no = ? AND status = 'open'")
            .bind(status_name(status))
            .bind(at)
            .bind(trade_no)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn charge_queried(&self, trade_no: &str, queries: u32, next_query_at: i64) -> Result<()> {
        sqlx::query("UPDATE charges SET queries = ?, next_query_at = ? WHERE trade_no = ? AND status = 'open'")
            .bind(queries)
            .bind(next_query_at)
            .bind(trade_no)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

pub(super) fn status_name(status: ChargeStatus) -> &'static str {
    match status {
        ChargeStatus::Open => "open",
        ChargeStatus::Paid => "paid",
        ChargeStatus::Closed => "closed",
    }
}

/// A charge from its row, of either engine.
pub(super) fn charge<'r, R: Row>(row: &'r R) -> Result<ChargeRow>
where
    &'r str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let corrupt = |what: &str| Error::Database(sqlx::Error::Decode(format!("charges: unreadable {what}").into()));
    let paid = match (row.try_get("order_id")?, row.try_get("bill_id")?) {
        (Some(order_id), _) => Paid::Order(order_id),
        (None, Some(bill_id)) => Paid::Bill(bill_id),
        (None, None) => return Err(corrupt("charge of neither an order nor a bill")),
    };
    let channel: String = row.try_get("channel")?;
    let status: String = row.try_get("status")?;
    Ok(ChargeRow {
        store_id: row.try_get("store_id")?,
        paid,
        trade_no: row.try_get("trade_no")?,
        provider: row.try_get("provider")?,
        channel: PayChannel::parse(&channel).ok_or_else(|| corrupt("channel"))?,
        amount: Money::from_cents(row.try_get("amount_cents")?),
        status: match status.as_str() {
            "open" => ChargeStatus::Open,
            "paid" => ChargeStatus::Paid,
            "closed" => ChargeStatus::Closed,
            _ => return Err(corrupt("status")),
        },
        start_json: row.try_get("start_json")?,
        created_at: row.try_get("created_at")?,
        queries: u32::try_from(row.try_get::<i64, _>("queries")?).unwrap_or(0),
        next_query_at: row.try_get("next_query_at")?,
    })
}
