//! SQLite's bills: [`BillTx`] for transactions and [`BillStore`] for reads.

use async_trait::async_trait;
use orderbell_shared::Money;
use orderbell_shared::bills::{BillStatus, OrderingMode, PayMethod, RoundReply, Settlement};
use sqlx::{FromRow, SqliteConnection};

use super::bills::{BillDinerRow, BillRow, BillSnapshot, BillStore, BillTx, Closing};
use super::sqlite::Sqlite;
use super::sqlite_rows;
use super::sqlite_tx::SqliteTx;
use crate::domain::tables::TableRow;
use crate::error::{Error, Result};

/// The rounds a table still serves: moved with the party on 换桌 and 并台 (PostgreSQL's too).
pub(super) const UNFINISHED: &str = "('pending_payment', 'submitted', 'paid', 'accepted', 'ready')";

pub(super) const BILL_COLUMNS: &str = "b.id, b.store_id, b.table_id, t.number, b.sitting, b.mode, b.status, b.rounds, \
     b.opened_at, b.closed_at, b.close_reason, b.merged_into, b.next_table";

/// A bill row as both engines read it (whole numbers as i64: PostgreSQL has no u32).
#[derive(FromRow)]
pub(super) struct BillRecord {
    id: i64,
    store_id: i64,
    table_id: i64,
    number: String,
    sitting: i64,
    mode: String,
    status: String,
    rounds: i64,
    opened_at: i64,
    closed_at: Option<i64>,
    close_reason: Option<String>,
    merged_into: Option<i64>,
    next_table: Option<String>,
}

fn corrupt(what: String) -> Error {
    Error::Database(sqlx::Error::Decode(what.into()))
}

pub(super) fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

pub(super) fn status_str(status: BillStatus) -> &'static str {
    match status {
        BillStatus::Open => "open",
        BillStatus::Settled => "settled",
        BillStatus::Closed => "closed",
        BillStatus::Merged => "merged",
    }
}

impl BillRecord {
    pub(super) fn into_row(self) -> Result<BillRow> {
        let mode = match self.mode.as_str() {
            "pay_first" => OrderingMode::PayFirst,
            "pay_later" => OrderingMode::PayLater,
            other => return Err(corrupt(format!("bill mode {other:?}"))),
        };
        let status = [
            BillStatus::Open,
            BillStatus::Settled,
            BillStatus::Closed,
            BillStatus::Merged,
        ]
        .into_iter()
        .find(|s| status_str(*s) == self.status)
        .ok_or_else(|| corrupt(format!("bill status {:?}", self.status)))?;
        Ok(BillRow {
            id: self.id,
            store_id: self.store_id,
            table_id: self.table_id,
            table_number: self.number,
            sitting: count(self.sitting),
            mode,
            status,
            rounds: count(self.rounds),
            opened_at: self.opened_at,
            closed_at: self.closed_at,
            close_reason: self.close_reason,
            merged_into: self.merged_into,
            next_table: self.next_table,
        })
    }
}

pub(super) type SettlementRecord = (
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
);

pub(super) fn settled(
    (method, amount, received, change, provider, transaction_id, reason, by, at): SettlementRecord,
) -> Result<Settlement> {
    Ok(Settlement {
        method: PayMethod::parse(&method).ok_or_else(|| corrupt(format!("pay method {method:?}")))?,
        amount: Money::from_cents(amount),
        received: received.map(Money::from_cents),
        change: change.map(Money::from_cents),
        provider,
        transaction_id,
        reason,
        by,
        at,
    })
}

async fn snapshot(conn: &mut SqliteConnection, where_: &str, key: i64) -> Result<Vec<BillSnapshot>> {
    let sql =
        format!("SELECT {BILL_COLUMNS} FROM bills b JOIN tables t ON t.id = b.table_id WHERE {where_} ORDER BY b.id");
    let records: Vec<BillRecord> = sqlx::query_as(&sql).bind(key).fetch_all(&mut *conn).await?;
    let mut bills = Vec::with_capacity(records.len());
    for record in records {
        let bill = record.into_row()?;
        let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM orders WHERE bill_id = ? ORDER BY round, id")
            .bind(bill.id)
            .fetch_all(&mut *conn)
            .await?;
        let mut rounds = Vec::with_capacity(ids.len());
        for (id,) in ids {
            rounds.extend(sqlite_rows::order(conn, id).await?);
        }
        let diners: Vec<(i64, Option<String>)> =
            sqlx::query_as("SELECT id, phone FROM diners WHERE bill_id = ? ORDER BY id")
                .bind(bill.id)
                .fetch_all(&mut *conn)
                .await?;
        let settlement: Option<SettlementRecord> = sqlx::query_as(
            "SELECT method, amount_cents, received_cents, change_cents, provider, transaction_id, reason, by_name, at
             FROM settlements WHERE bill_id = ?",
        )
        .bind(bill.id)
        .fetch_optional(&mut *conn)
        .await?;
        let settlement = settlement.map(settled).transpose()?;
        let replies = round_replies(conn, bill.id).await?;
        let unheard: Vec<(i64,)> = sqlx::query_as(
            "SELECT DISTINCT e.order_id FROM escalations e JOIN orders o ON o.id = e.order_id
             WHERE o.bill_id = ? AND e.settled_at IS NULL ORDER BY e.order_id",
        )
        .bind(bill.id)
        .fetch_all(&mut *conn)
        .await?;
        bills.push(BillSnapshot {
            bill,
            rounds,
            diners: diners
                .into_iter()
                .map(|(diner_id, phone)| BillDinerRow { diner_id, phone })
                .collect(),
            settlement,
            replies,
            unheard: unheard.into_iter().map(|(id,)| id).collect(),
        });
    }
    Ok(bills)
}

/// Each round's latest answered 催单 (a later 催单 not yet answered leaves the answer shown).
async fn round_replies(conn: &mut SqliteConnection, bill_id: i64) -> Result<Vec<RoundReply>> {
    let rows: Vec<(i64, u32, String, i64)> = sqlx::query_as(
        "SELECT o.id, o.round, r.reply, r.replied_at FROM orders o JOIN reminders r ON r.id =
             (SELECT MAX(id) FROM reminders WHERE order_id = o.id AND reply IS NOT NULL AND replied_at IS NOT NULL)
         WHERE o.bill_id = ? ORDER BY o.round, o.id",
    )
    .bind(bill_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(order_id, round, text, at)| RoundReply {
            order_id,
            round,
            text,
            at,
        })
        .collect())
}

async fn one(conn: &mut SqliteConnection, where_: &str, key: i64) -> Result<Option<BillSnapshot>> {
    Ok(snapshot(conn, where_, key).await?.pop())
}

async fn open_bill_row(conn: &mut SqliteConnection, table_id: i64) -> Result<Option<BillRow>> {
    let sql = format!(
        "SELECT {BILL_COLUMNS} FROM bills b JOIN tables t ON t.id = b.table_id WHERE b.table_id = ? AND b.status = 'open'"
    );
    let record: Option<BillRecord> = sqlx::query_as(&sql).bind(table_id).fetch_optional(conn).await?;
    record.map(BillRecord::into_row).transpose()
}

#[async_trait]
impl BillTx for SqliteTx {
    async fn open_bill(&mut self, table_id: i64, now: i64) -> Result<Option<BillRow>> {
        if let Some(bill) = open_bill_row(&mut self.0, table_id).await? {
            return Ok(Some(bill));
        }
        // The write lock is held since BEGIN IMMEDIATE, so nobody opens one in between.
        let opened = sqlx::query(
            "INSERT INTO bills (store_id, table_id, sitting, mode, status, opened_at)
             SELECT t.store_id, t.id, t.sitting,
                    COALESCE((SELECT ordering_mode FROM store_settings s WHERE s.store_id = t.store_id), 'pay_first'),
                    'open', ?
             FROM tables t WHERE t.id = ? AND t.removed_at IS NULL",
        )
        .bind(now)
        .bind(table_id)
        .execute(&mut *self.0)
        .await?;
        if opened.rows_affected() == 0 {
            return Ok(None);
        }
        open_bill_row(&mut self.0, table_id).await
    }

    async fn bill_at(&mut self, table_id: i64) -> Result<Option<BillRow>> {
        open_bill_row(&mut self.0, table_id).await
    }

    async fn insert_diner(&mut self, table_id: i64, bill_id: i64, phone: Option<&str>, now: i64) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO diners (table_id, bill_id, phone, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(table_id)
        .bind(bill_id)
        .bind(phone)
        .bind(now)
        .fetch_one(&mut *self.0)
        .await?;
        Ok(id)
    }

    async fn sitting(&mut self, table_id: i64) -> Result<Option<u32>> {
        let sitting: Option<(u32,)> = sqlx::query_as("SELECT sitting FROM tables WHERE id = ? AND removed_at IS NULL")
            .bind(table_id)
            .fetch_optional(&mut *self.0)
            .await?;
        Ok(sitting.map(|(s,)| s))
    }

    async fn next_round(&mut self, bill_id: i64) -> Result<u32> {
        let (round,): (u32,) = sqlx::query_as("UPDATE bills SET rounds = rounds + 1 WHERE id = ? RETURNING rounds")
            .bind(bill_id)
            .fetch_one(&mut *self.0)
            .await?;
        Ok(round)
    }

    async fn bill(&mut self, bill_id: i64) -> Result<Option<BillSnapshot>> {
        one(&mut self.0, "b.id = ?", bill_id).await
    }

    async fn close_bill(&mut self, bill_id: i64, c: &Closing<'_>) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE bills SET status = ?, closed_at = ?, close_reason = ?, closed_by = ?, merged_into = ?, next_table = ?
             WHERE id = ? AND status = 'open'",
        )
        .bind(status_str(c.status))
        .bind(c.at)
        .bind(c.reason)
        .bind(c.by)
        .bind(c.merged_into)
        .bind(c.next_table)
        .bind(bill_id)
        .execute(&mut *self.0)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn leave_table(&mut self, table_id: i64) -> Result<()> {
        sqlx::query("UPDATE tables SET sitting = sitting + 1 WHERE id = ?")
            .bind(table_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn insert_settlement(&mut self, bill_id: i64, s: &Settlement) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO settlements (bill_id, method, amount_cents, received_cents, change_cents, provider,
                 transaction_id, reason, by_name, at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (bill_id) DO NOTHING",
        )
        .bind(bill_id)
        .bind(s.method.as_str())
        .bind(s.amount.cents())
        .bind(s.received.map(Money::cents))
        .bind(s.change.map(Money::cents))
        .bind(&s.provider)
        .bind(&s.transaction_id)
        .bind(&s.reason)
        .bind(&s.by)
        .bind(s.at)
        .execute(&mut *self.0)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn move_bill(&mut self, bill_id: i64, to: &TableRow, sitting: u32) -> Result<()> {
        sqlx::query("UPDATE bills SET table_id = ?, sitting = ?, next_table = ? WHERE id = ?")
            .bind(to.id)
            .bind(sitting)
            .bind(&to.number)
            .bind(bill_id)
            .execute(&mut *self.0)
            .await?;
        retable(&mut self.0, bill_id, to).await
    }

    async fn merge_bill(&mut self, from: i64, into: i64) -> Result<()> {
        let to: (i64, i64, String) = sqlx::query_as(
            "SELECT t.id, t.store_id, t.number FROM bills b JOIN tables t ON t.id = b.table_id WHERE b.id = ?",
        )
        .bind(into)
        .fetch_one(&mut *self.0)
        .await?;
        let to = TableRow {
            id: to.0,
            store_id: to.1,
            number: to.2,
        };
        retable(&mut self.0, from, &to).await?;
        // Rounds keep their order, numbered on after the target's own.
        sqlx::query(
            "UPDATE orders SET bill_id = ?1, round = round + (SELECT rounds FROM bills WHERE id = ?1)
             WHERE bill_id = ?2",
        )
        .bind(into)
        .bind(from)
        .execute(&mut *self.0)
        .await?;
        sqlx::query("UPDATE bills SET rounds = rounds + (SELECT rounds FROM bills WHERE id = ?2) WHERE id = ?1")
            .bind(into)
            .bind(from)
            .execute(&mut *self.0)
            .await?;
        sqlx::query("UPDATE diners SET bill_id = ? WHERE bill_id = ?")
            .bind(into)
            .bind(from)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}

/// The bill's unfinished rounds are served at `to` from now on.
async fn retable(conn: &mut SqliteConnection, bill_id: i64, to: &TableRow) -> Result<()> {
    let sql = format!("UPDATE orders SET table_id = ?, table_number = ? WHERE bill_id = ? AND status IN {UNFINISHED}");
    sqlx::query(&sql)
        .bind(to.id)
        .bind(&to.number)
        .bind(bill_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[async_trait]
impl BillStore for Sqlite {
    async fn table_generations(&self, table_id: i64) -> Result<Option<(u32, u32)>> {
        let row: Option<(u32, u32)> =
            sqlx::query_as("SELECT link_generation, sitting FROM tables WHERE id = ? AND removed_at IS NULL")
                .bind(table_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row)
    }

    async fn bill_snapshot(&self, bill_id: i64) -> Result<Option<BillSnapshot>> {
        // One read transaction: the bill, its rounds and its diners from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let bill = one(&mut tx, "b.id = ?", bill_id).await?;
        tx.commit().await?;
        Ok(bill)
    }

    async fn open_bill_id(&self, table_id: i64) -> Result<Option<i64>> {
        let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM bills WHERE table_id = ? AND status = 'open'")
            .bind(table_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(id.map(|(id,)| id))
    }

    async fn open_bill_of(&self, table_id: i64) -> Result<Option<BillSnapshot>> {
        let mut tx = self.pool.begin().await?;
        let bill = one(&mut tx, "b.table_id = ? AND b.status = 'open'", table_id).await?;
        tx.commit().await?;
        Ok(bill)
    }

    async fn open_bills(&self, store_id: i64) -> Result<Vec<BillSnapshot>> {
        let mut tx = self.pool.begin().await?;
        let bills = snapshot(&mut tx, "b.store_id = ? AND b.status = 'open'", store_id).await?;
        tx.commit().await?;
        Ok(bills)
    }

    async fn cart_quantities(&self, store_id: i64) -> Result<Vec<(i64, u32)>> {
        let rows: Vec<(i64, u32)> = sqlx::query_as(
            "SELECT c.table_id, SUM(c.quantity) FROM cart_items c JOIN tables t ON t.id = c.table_id
             WHERE t.store_id = ? GROUP BY c.table_id",
        )
        .bind(store_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }
}
