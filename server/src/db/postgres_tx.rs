//! PostgreSQL's implementation of [`Tx`].
//!
//! Transactions run at READ COMMITTED: each read that a write depends on locks its row, so that
//! changes to one table's cart, and appends to one stream, commit one after the other.

use async_trait::async_trait;
use orderbell_shared::heard::{AlertEscalated, AlertReceipt};
use orderbell_shared::{OrderDTO, OrderStatus};

use super::postgres_rows::{self, lines};
use super::{CartHead, CartLine, NewOrder, PaymentRow, Tx, postgres_heard};
use crate::domain::carts::{LineState, LineWrite};
use crate::domain::charges::Paid;
use crate::domain::journal::{Entry, Stream};
use crate::domain::tables::TableRow;
use crate::error::Result;

pub(super) struct PgTx(pub(super) sqlx::Transaction<'static, sqlx::Postgres>);

fn seq(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

#[async_trait]
impl Tx for PgTx {
    async fn commit(self: Box<Self>) -> Result<()> {
        self.0.commit().await?;
        Ok(())
    }

    async fn cart_head(&mut self, table_id: i64, dish_id: Option<i64>) -> Result<Option<CartHead>> {
        postgres_rows::cart_head(&mut self.0, table_id, dish_id).await
    }

    async fn bump_cart(&mut self, table_id: i64) -> Result<Option<(TableRow, u64)>> {
        let head: Option<(i64, String, i64)> = sqlx::query_as(
            "UPDATE tables SET cart_version = cart_version + 1 WHERE id = $1 AND removed_at IS NULL
             RETURNING store_id, number, cart_version",
        )
        .bind(table_id)
        .fetch_optional(&mut *self.0)
        .await?;
        Ok(head.map(|(store_id, number, version)| {
            (
                TableRow {
                    id: table_id,
                    store_id,
                    number,
                },
                seq(version),
            )
        }))
    }

    async fn cart_line(&mut self, table_id: i64, dish_id: i64) -> Result<Option<LineState>> {
        postgres_rows::line(&mut self.0, table_id, dish_id).await
    }

    async fn write_line(&mut self, table_id: i64, version: u64, write: LineWrite) -> Result<()> {
        postgres_rows::write_line(&mut self.0, table_id, version, write).await
    }

    async fn cart_lines(&mut self, table_id: i64) -> Result<Vec<CartLine>> {
        lines(&mut self.0, table_id).await
    }

    async fn write_cart(&mut self, table_id: i64, version: u64, write: LineWrite) -> Result<Vec<CartLine>> {
        postgres_rows::write_cart(&mut self.0, table_id, version, write).await
    }

    async fn clear_cart(&mut self, table_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM cart_items WHERE table_id = $1")
            .bind(table_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn order_id_by_key(&mut self, table_id: i64, key: &str) -> Result<Option<i64>> {
        let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM orders WHERE table_id = $1 AND idempotency_key = $2")
            .bind(table_id)
            .bind(key)
            .fetch_optional(&mut *self.0)
            .await?;
        Ok(id.map(|(id,)| id))
    }

    async fn insert_order(&mut self, order: &NewOrder) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO orders (store_id, table_id, table_number, diner_id, idempotency_key, status, total_cents, created_at,
                 bill_id, round)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(order.store_id)
        .bind(order.table_id)
        .bind(&order.table_number)
        .bind(order.diner_id)
        .bind(&order.idempotency_key)
        .bind(order.status.as_str())
        .bind(order.total.cents())
        .bind(order.created_at)
        .bind(order.bill_id)
        .bind(i64::from(order.round))
        .fetch_one(&mut *self.0)
        .await?;
        for (position, item) in order.items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO order_items (order_id, position, dish_id, name, kind, unit_price_cents, quantity, remark, diner_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(item.cuisine_id)
            .bind(&item.cuisine_name)
            .bind(i64::from(u8::from(item.cuisine_type)))
            .bind(item.unit_price.cents())
            .bind(i64::from(item.quantity))
            .bind(&item.remark)
            .bind(item.add_user_id)
            .execute(&mut *self.0)
            .await?;
        }
        Ok(id)
    }

    async fn order(&mut self, order_id: i64) -> Result<Option<OrderDTO>> {
        // What a writer reads of an order holds until it commits, as under SQLite's one writer:
        // two 退菜 of the last portion, or a callback and a cancel, decide one after the other.
        // The order's table is locked first, the order every writer at a table takes (cart
        // changes, rounds and bills: see `postgres_bills`), so that none of them deadlock.
        for lock in [
            "SELECT 1 FROM tables WHERE id = (SELECT table_id FROM orders WHERE id = $1) FOR UPDATE",
            "SELECT 1 FROM orders WHERE id = $1 FOR UPDATE",
        ] {
            sqlx::query(lock).bind(order_id).execute(&mut *self.0).await?;
        }
        postgres_rows::order(&mut self.0, order_id).await
    }

    async fn update_order(&mut self, order: &OrderDTO, expected: OrderStatus) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE orders SET status = $1, paid_at = $2, accepted_at = $3, ready_at = $4, finished_at = $5,
                 reject_reason = $6, reminder_count = $7, last_reminder_at = $8
             WHERE id = $9 AND status = $10",
        )
        .bind(order.status.as_str())
        .bind(order.paid_at)
        .bind(order.accepted_at)
        .bind(order.ready_at)
        .bind(order.finished_at)
        .bind(&order.reject_reason)
        .bind(i64::from(order.reminder_count))
        .bind(order.last_reminder_at)
        .bind(order.order_id)
        .bind(expected.as_str())
        .execute(&mut *self.0)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_payment(&mut self, p: &PaymentRow) -> Result<bool> {
        // An order's payments and a bill's are kept apart (a bill payment has no order), each
        // counted once per provider transaction.
        let (sql, paid) = match p.paid {
            Paid::Order(order_id) => (
                "INSERT INTO payments (provider, transaction_id, notification_id, order_id, amount_cents, outcome, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (provider, transaction_id) DO NOTHING",
                order_id,
            ),
            Paid::Bill(bill_id) => (
                "INSERT INTO bill_payments (provider, transaction_id, notification_id, bill_id, amount_cents, outcome, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (provider, transaction_id) DO NOTHING",
                bill_id,
            ),
        };
        let done = sqlx::query(sql)
            .bind(p.provider)
            .bind(&p.transaction_id)
            .bind(&p.notification_id)
            .bind(paid)
            .bind(p.amount.cents())
            .bind(p.outcome)
            .bind(p.received_at)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_reminder(&mut self, order_id: i64, at: i64) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as("INSERT INTO reminders (order_id, created_at) VALUES ($1, $2) RETURNING id")
            .bind(order_id)
            .bind(at)
            .fetch_one(&mut *self.0)
            .await?;
        Ok(id)
    }

    async fn reply_latest_reminder(&mut self, order_id: i64, text: &str, at: i64) -> Result<Option<i64>> {
        let id: Option<(i64,)> = sqlx::query_as(
            "UPDATE reminders SET reply = $1, replied_at = $2
             WHERE id = (SELECT MAX(id) FROM reminders WHERE order_id = $3) RETURNING id",
        )
        .bind(text)
        .bind(at)
        .bind(order_id)
        .fetch_optional(&mut *self.0)
        .await?;
        Ok(id.map(|(id,)| id))
    }

    async fn append(&mut self, stream: Stream, kind: &str, data: &str, at: i64) -> Result<Entry> {
        // The stream's row stays locked from taking the number to the commit: another writer of
        // this stream (here or on another instance) waits, so commit order is id order and a
        // reader never sees an id before a smaller one that is still to come.
        let (last,): (i64,) = sqlx::query_as(
            "INSERT INTO streams (name, last_seq) VALUES ($1, 1)
             ON CONFLICT (name) DO UPDATE SET last_seq = streams.last_seq + 1 RETURNING last_seq",
        )
        .bind(stream.name())
        .fetch_one(&mut *self.0)
        .await?;
        sqlx::query("INSERT INTO events (stream, seq, kind, data, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(stream.name())
            .bind(last)
            .bind(kind)
            .bind(data)
            .bind(at)
            .execute(&mut *self.0)
            .await?;
        Ok(Entry {
            stream,
            seq: seq(last),
            kind: kind.to_owned(),
            data: data.to_owned(),
            at,
        })
    }

    async fn insert_receipt(&mut self, receipt: &AlertReceipt) -> Result<bool> {
        postgres_heard::insert_receipt(&mut self.0, receipt).await
    }

    async fn insert_escalation(&mut self, store_id: i64, escalated: &AlertEscalated) -> Result<bool> {
        postgres_heard::insert_escalation(&mut self.0, store_id, escalated).await
    }

    async fn settle_escalation(&mut self, order_id: i64, reminder_id: i64, at: i64) -> Result<Option<i64>> {
        postgres_heard::settle_escalation(&mut self.0, order_id, reminder_id, at).await
    }
}
