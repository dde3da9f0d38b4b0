//! PostgreSQL's bills: [`BillTx`] for transactions and [`BillStore`] for reads.
//!
//! SQLite runs one writer at a time; here transactions run side by side at READ COMMITTED. A
//! transaction that reads a bill to decide something (settle it, add a round, move it) locks the
//! bill's table row and then the bill row, in that order everywhere (a cart change locks the
//! table row first too), so the decision still holds at commit and two of them cannot deadlock.

use async_trait::async_trait;
use orderbell_shared::Money;
use orderbell_shared::bills::{RoundReply, Settlement};
use sqlx::PgConnection;

use super::bills::{BillDinerRow, BillRow, BillSnapshot, BillStore, BillTx, Closing};
use super::postgres::Postgres;
use super::postgres_rows;
use super::postgres_tx::PgTx;
use super::sqlite_bills::{BILL_COLUMNS, BillRecord, SettlementRecord, UNFINISHED, count, settled, status_str};
use crate::domain::tables::TableRow;
use crate::error::Result;

/// The bills matching `where_` (one parameter, `$1`) with everything on them; `lock` ends the
/// bills' select (`FOR UPDATE OF b` inside a writing transaction, nothing for a read).
async fn snapshot(conn: &mut PgConnection, where_: &str, key: i64, lock: &str) -> Result<Vec<BillSnapshot>> {
    let sql = format!(
        "SELECT {BILL_COLUMNS} FROM bills b JOIN tables t ON t.id = b.table_id WHERE {where_} ORDER BY b.id {lock}"
    );
    let records: Vec<BillRecord> = sqlx::query_as(&sql).bind(key).fetch_all(&mut *conn).await?;
    let mut bills = Vec::with_capacity(records.len());
    for record in records {
        let bill = record.into_row()?;
        let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM orders WHERE bill_id = $1 ORDER BY round, id")
            .bind(bill.id)
            .fetch_all(&mut *conn)
            .await?;
        let mut rounds = Vec::with_capacity(ids.len());
        for (id,) in ids {
            rounds.extend(postgres_rows::order(conn, id).await?);
        }
        let diners: Vec<(i64, Option<String>)> =
            sqlx::query_as("SELECT id, phone FROM diners WHERE bill_id = $1 ORDER BY id")
                .bind(bill.id)
                .fetch_all(&mut *conn)
                .await?;
        let settlement: Option<SettlementRecord> = sqlx::query_as(
            "SELECT method, amount_cents, received_cents, change_cents, provider, transaction_id, reason, by_name, at
             FROM settlements WHERE bill_id = $1",
        )
        .bind(bill.id)
        .fetch_optional(&mut *conn)
        .await?;
        let settlement = settlement.map(settled).transpose()?;
        let replies = round_replies(conn, bill.id).await?;
        let unheard: Vec<(i64,)> = sqlx::query_as(
            "SELECT DISTINCT e.order_id FROM escalations e JOIN orders o ON o.id = e.order_id
             WHERE o.bill_id = $1 AND e.settled_at IS NULL ORDER BY e.order_id",
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
async fn round_replies(conn: &mut PgConnection, bill_id: i64) -> Result<Vec<RoundReply>> {
    let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT o.id, o.round, r.reply, r.replied_at FROM orders o JOIN reminders r ON r.id =
             (SELECT MAX(id) FROM reminders WHERE order_id = o.id AND reply IS NOT NULL AND replied_at IS NOT NULL)
         WHERE o.bill_id = $1 ORDER BY o.round, o.id",
    )
    .bind(bill_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(order_id, round, text, at)| RoundReply {
            order_id,
            round: count(round),
            text,
            at,
        })
        .collect())
}

/// Lock the table row: what a transaction decides about a table's bill holds until it commits.
async fn lock_table(conn: &mut PgConnection, table_id: i64) -> Result<()> {
    sqlx::query("SELECT 1 FROM tables WHERE id = $1 FOR UPDATE")
        .bind(table_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The table's open bill, its table and bill rows locked.
async fn open_bill_row(conn: &mut PgConnection, table_id: i64) -> Result<Option<BillRow>> {
    lock_table(&mut *conn, table_id).await?;
    let sql = format!(
        "SELECT {BILL_COLUMNS} FROM bills b JOIN tables t ON t.id = b.table_id
         WHERE b.table_id = $1 AND b.status = 'open' FOR UPDATE OF b"
    );
    let record: Option<BillRecord> = sqlx::query_as(&sql).bind(table_id).fetch_optional(conn).await?;
    record.map(BillRecord::into_row).transpose()
}

#[async_trait]
impl BillTx for PgTx {
    async fn open_bill(&mut self, table_id: i64, now: i64) -> Result<Option<BillRow>> {
        if let Some(bill) = open_bill_row(&mut self.0, table_id).await? {
            return Ok(Some(bill));
        }
        // The table row is locked (above), so nobody opens one in between.
        let opened = sqlx::query(
            "INSERT INTO bills (store_id, table_id, sitting, mode, status, opened_at)
             SELECT t.store_id, t.id, t.sitting,
                    COALESCE((SELECT ordering_mode FROM store_settings s WHERE s.store_id = t.store_id), 'pay_first'),
                    'open', $1
             FROM tables t WHERE t.id = $2 AND t.removed_at IS NULL",
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
            "INSERT INTO diners (table_id, bill_id, phone, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
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
        // Locked: a party leaving (the sitting rising) waits for what is decided on this one.
        let sitting: Option<(i64,)> =
            sqlx::query_as("SELECT sitting FROM tables WHERE id = $1 AND removed_at IS NULL FOR UPDATE")
                .bind(table_id)
                .fetch_optional(&mut *self.0)
                .await?;
        Ok(sitting.map(|(s,)| count(s)))
    }

    async fn next_round(&mut self, bill_id: i64) -> Result<u32> {
        let (round,): (i64,) = sqlx::query_as("UPDATE bills SET rounds = rounds + 1 WHERE id = $1 RETURNING rounds")
            .bind(bill_id)
            .fetch_one(&mut *self.0)
            .await?;
        Ok(count(round))
    }

    async fn bill(&mut self, bill_id: i64) -> Result<Option<BillSnapshot>> {
        // The bill's table first, then the bill: the order every writer of a table's bill takes.
        // Read again once locked: a party that moved meanwhile (换桌) is at another table.
        let mut held = None;
        loop {
            let table: Option<(i64,)> = sqlx::query_as("SELECT table_id FROM bills WHERE id = $1")
                .bind(bill_id)
                .fetch_optional(&mut *self.0)
                .await?;
            let Some((table_id,)) = table else {
                return Ok(None);
            };
            if held == Some(table_id) {
                break;
            }
            lock_table(&mut self.0, table_id).await?;
            held = Some(table_id);
        }
        Ok(snapshot(&mut self.0, "b.id = $1", bill_id, "FOR UPDATE OF b")
            .await?
            .pop())
    }

    async fn close_bill(&mut self, bill_id: i64, c: &Closing<'_>) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE bills SET status = $1, closed_at = $2, close_reason = $3, closed_by = $4, merged_into = $5,
                 next_table = $6
             WHERE id = $7 AND status = 'open'",
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
        sqlx::query("UPDATE tables SET sitting = sitting + 1 WHERE id = $1")
            .bind(table_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn insert_settlement(&mut self, bill_id: i64, s: &Settlement) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO settlements (bill_id, method, amount_cents, received_cents, change_cents, provider,
                 transaction_id, reason, by_name, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (bill_id) DO NOTHING",
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
        sqlx::query("UPDATE bills SET table_id = $1, sitting = $2, next_table = $3 WHERE id = $4")
            .bind(to.id)
            .bind(i64::from(sitting))
            .bind(&to.number)
            .bind(bill_id)
            .execute(&mut *self.0)
            .await?;
        retable(&mut self.0, bill_id, to).await
    }

    async fn merge_bill(&mut self, from: i64, into: i64) -> Result<()> {
        let to: (i64, i64, String) = sqlx::query_as(
            "SELECT t.id, t.store_id, t.number FROM bills b JOIN tables t ON t.id = b.table_id WHERE b.id = $1",
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
            "UPDATE orders SET bill_id = $1, round = round + (SELECT rounds FROM bills WHERE id = $1)
             WHERE bill_id = $2",
        )
        .bind(into)
        .bind(from)
        .execute(&mut *self.0)
        .await?;
        sqlx::query("UPDATE bills SET rounds = rounds + (SELECT rounds FROM bills WHERE id = $2) WHERE id = $1")
            .bind(into)
            .bind(from)
            .execute(&mut *self.0)
            .await?;
        sqlx::query("UPDATE diners SET bill_id = $1 WHERE bill_id = $2")
            .bind(into)
            .bind(from)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}

/// The bill's unfinished rounds are served at `to` from now on.
async fn retable(conn: &mut PgConnection, bill_id: i64, to: &TableRow) -> Result<()> {
    let sql =
        format!("UPDATE orders SET table_id = $1, table_number = $2 WHERE bill_id = $3 AND status IN {UNFINISHED}");
    sqlx::query(&sql)
        .bind(to.id)
        .bind(&to.number)
        .bind(bill_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The bills matching `where_`, read in one transaction: each from one snapshot (REPEATABLE
/// READ: at READ COMMITTED each statement would see the commits made since the one before).
async fn read_bills(db: &Postgres, where_: &str, key: i64) -> Result<Vec<BillSnapshot>> {
    let mut tx = db
        .pool
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    let bills = snapshot(&mut tx, where_, key, "").await?;
    tx.commit().await?;
    Ok(bills)
}

#[async_trait]
impl BillStore for Postgres {
    async fn table_generations(&self, table_id: i64) -> Result<Option<(u32, u32)>> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT link_generation, sitting FROM tables WHERE id = $1 AND removed_at IS NULL")
                .bind(table_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(generation, sitting)| (count(generation), count(sitting))))
    }

    async fn bill_snapshot(&self, bill_id: i64) -> Result<Option<BillSnapshot>> {
        Ok(read_bills(self, "b.id = $1", bill_id).await?.pop())
    }

    async fn open_bill_id(&self, table_id: i64) -> Result<Option<i64>> {
        let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM bills WHERE table_id = $1 AND status = 'open'")
            .bind(table_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(id.map(|(id,)| id))
    }

    async fn open_bill_of(&self, table_id: i64) -> Result<Option<BillSnapshot>> {
        Ok(read_bills(self, "b.table_id = $1 AND b.status = 'open'", table_id)
            .await?
            .pop())
    }

    async fn open_bills(&self, store_id: i64) -> Result<Vec<BillSnapshot>> {
        read_bills(self, "b.store_id = $1 AND b.status = 'open'", store_id).await
    }

    async fn cart_quantities(&self, store_id: i64) -> Result<Vec<(i64, u32)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT c.table_id, SUM(c.quantity)::BIGINT FROM cart_items c JOIN tables t ON t.id = c.table_id
             WHERE t.store_id = $1 GROUP BY c.table_id",
        )
        .bind(store_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(table, quantity)| (table, count(quantity)))
            .collect())
    }
}
