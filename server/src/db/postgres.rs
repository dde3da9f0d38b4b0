//! The scale-out engine: PostgreSQL, shared by several instances. Writing transactions run at
//! READ COMMITTED, so a read that a write depends on locks its row (`FOR UPDATE`, or an `UPDATE …
//! RETURNING` that takes the lock and the new value at once); see `postgres_tx`.

use std::time::Duration;

use async_trait::async_trait;
use orderbell_shared::OrderDTO;
use orderbell_shared::heard::{AlertEscalated, AlertReceipt, UnheardAlert};
use orderbell_shared::order::ReminderState;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::postgres_tx::PgTx;
use super::{CartSnapshot, Database, DeviceRow, Tx, postgres_heard, postgres_menu, postgres_rows};
use crate::domain::alerts::AlertRow;
use crate::domain::demo::DemoStore;
use crate::domain::journal::{Entry, Stream};
use crate::domain::tables::TableRow;
use crate::error::Result;

pub struct Postgres {
    pub(super) pool: PgPool,
}

impl Postgres {
    /// Connect to `url` and bring its schema up to date. Migrations take PostgreSQL's advisory
    /// lock, so instances starting together apply each migration once.
    pub async fn open(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // While PostgreSQL is away a request waits this long for a connection (sqlx retries a
            // refused one until then), then is answered 503: within the 5 s WeChat Pay gives a
            // callback, so that the provider retries it; the 30 s default outlasts every client.
            .acquire_timeout(Duration::from_secs(3))
            .connect(url)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Postgres { pool })
    }

    /// A writing transaction. PostgreSQL's commit returns once the WAL is flushed
    /// (synchronous_commit is on unless the server is told otherwise), as `Database::begin` asks.
    pub(super) async fn begin_durable(&self) -> Result<PgTx> {
        Ok(PgTx(self.pool.begin().await?))
    }
}

/// Identity sequences do not see rows inserted with their id given (the demo store's): move the
/// sequence past them so that the next row created without an id does not collide.
async fn raise_ids(conn: &mut sqlx::PgConnection, table: &str) -> Result<()> {
    sqlx::query(&format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
    ))
    .execute(conn)
    .await?;
    Ok(())
}

fn seq(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

#[async_trait]
impl Database for Postgres {
    async fn setting_or_insert(&self, key: &str, make: &(dyn Fn() -> String + Sync)) -> Result<String> {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(make())
            .execute(&self.pool)
            .await?;
        let (value,): (String,) = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        Ok(value)
    }

    async fn seed_demo(&self, demo: &DemoStore) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        // Instances starting together: the one that does not insert waits for the other's commit
        // (same id), then finds the store there and seeds nothing.
        let inserted = sqlx::query(
            "INSERT INTO stores (id, name) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM stores)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(demo.id)
        .bind(demo.name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        for (id, number) in demo.tables() {
            sqlx::query("INSERT INTO tables (id, store_id, number) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(demo.id)
                .bind(number)
                .execute(&mut *tx)
                .await?;
        }
        raise_ids(&mut tx, "stores").await?;
        raise_ids(&mut tx, "tables").await?;
        postgres_menu::seed(&mut tx, demo).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn table(&self, table_id: i64) -> Result<Option<TableRow>> {
        let record: Option<(i64, i64, String)> =
            sqlx::query_as("SELECT id, store_id, number FROM tables WHERE id = $1 AND removed_at IS NULL")
                .bind(table_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(record.map(|(id, store_id, number)| TableRow { id, store_id, number }))
    }

    async fn cart(&self, table_id: i64) -> Result<Option<CartSnapshot>> {
        // REPEATABLE READ: the version and the lines come from the same snapshot.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let head: Option<(i64, i64, String, i64)> =
            sqlx::query_as("SELECT id, store_id, number, cart_version FROM tables WHERE id = $1")
                .bind(table_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((id, store_id, number, version)) = head else {
            return Ok(None);
        };
        let lines = postgres_rows::lines(&mut tx, table_id).await?;
        tx.commit().await?;
        Ok(Some(CartSnapshot {
            table: TableRow { id, store_id, number },
            version: seq(version),
            lines,
        }))
    }

    async fn alerts(&self) -> Result<Vec<AlertRow>> {
        postgres_heard::alerts(&self.pool).await
    }

    async fn touch_device(&self, device: &DeviceRow) -> Result<()> {
        postgres_heard::touch_device(&self.pool, device).await
    }

    async fn devices(&self, store_id: i64) -> Result<Vec<DeviceRow>> {
        postgres_heard::devices(&self.pool, store_id).await
    }

    async fn open_reminders(&self, store_id: i64) -> Result<Vec<ReminderState>> {
        postgres_heard::open_reminders(&self.pool, store_id).await
    }

    async fn open_receipts(&self, store_id: i64) -> Result<Vec<AlertReceipt>> {
        postgres_heard::open_receipts(&self.pool, store_id).await
    }

    async fn open_escalations(&self, store_id: i64) -> Result<Vec<AlertEscalated>> {
        postgres_heard::open_escalations(&self.pool, store_id).await
    }

    async fn unheard(&self, store_id: i64, now: i64, limit: u32) -> Result<Vec<UnheardAlert>> {
        postgres_heard::unheard(&self.pool, store_id, now, limit).await
    }

    async fn setting(&self, key: &str) -> Result<Option<String>> {
        postgres_heard::setting(&self.pool, key).await
    }

    async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        postgres_heard::set_setting(&self.pool, key, value).await
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(self.begin_durable().await?))
    }

    async fn order(&self, order_id: i64) -> Result<Option<OrderDTO>> {
        postgres_rows::order(&mut *self.pool.acquire().await?, order_id).await
    }

    async fn open_orders(&self, store_id: i64) -> Result<Vec<OrderDTO>> {
        postgres_rows::open_orders(&mut *self.pool.acquire().await?, store_id).await
    }

    async fn unpaid_before(&self, cutoff: i64) -> Result<Vec<i64>> {
        let ids: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM orders WHERE status = 'pending_payment' AND created_at < $1 ORDER BY id")
                .bind(cutoff)
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }

    async fn events_after(&self, stream: Stream, after: u64, limit: u32) -> Result<Vec<Entry>> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT seq, kind, data, at FROM events WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(stream.name())
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(seq_, kind, data, at)| Entry {
                stream,
                seq: seq(seq_),
                kind,
                data,
                at,
            })
            .collect())
    }

    async fn stream_head(&self, stream: Stream) -> Result<(u64, u64)> {
        let head: Option<(i64, i64)> = sqlx::query_as("SELECT last_seq, pruned_through FROM streams WHERE name = $1")
            .bind(stream.name())
            .fetch_optional(&self.pool)
            .await?;
        let (last, pruned) = head.unwrap_or((0, 0));
        Ok((seq(last), seq(pruned)))
    }

    async fn prune_store_streams(&self, keep: u64) -> Result<()> {
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        let mut tx = self.pool.begin().await?;
        // Record the new floor first, then delete below it: a reader never sees a gap that the
        // floor does not explain.
        sqlx::query(
            "UPDATE streams SET pruned_through = last_seq - $1
             WHERE name LIKE 'store:%' AND last_seq - $1 > pruned_through",
        )
        .bind(keep)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM events WHERE stream LIKE 'store:%'
             AND seq <= (SELECT pruned_through FROM streams WHERE streams.name = events.stream)",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
