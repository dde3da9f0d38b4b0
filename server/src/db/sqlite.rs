//! The embedded engine: one SQLite file in WAL mode. Readers never wait; SQLite allows one writer
//! at a time, so every writing transaction takes the write lock up front (see `sqlite_tx`).

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use orderbell_shared::OrderDTO;
use orderbell_shared::heard::{AlertEscalated, AlertReceipt, UnheardAlert};
use orderbell_shared::order::ReminderState;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::sqlite_rows::{self, TableRecord};
use super::sqlite_tx::SqliteTx;
use super::{CartSnapshot, Database, DeviceRow, Tx, sqlite_heard, sqlite_menu};
use crate::domain::alerts::AlertRow;
use crate::domain::demo::DemoStore;
use crate::domain::journal::{Entry, Stream};
use crate::domain::tables::TableRow;
use crate::error::Result;

pub struct Sqlite {
    pub(super) pool: SqlitePool,
}

impl Sqlite {
    /// Open (creating if needed) `orderbell.db` in `dir` and bring its schema up to date.
    pub async fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let options = SqliteConnectOptions::new()
            .filename(dir.join("orderbell.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Each transaction sets its own level when it begins (see `begin`); FULL is the
            // level of everything else.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        // Two processes opening one data folder at once (the server starting while `orderbell
        // credential` runs) would both apply the same migration, and one of them fail: SQLite
        // migrations take no lock of their own, so a file lock beside the database orders them.
        let lock = std::fs::File::create(dir.join("orderbell.migrate.lock"))?;
        let lock = tokio::task::spawn_blocking(move || lock.lock().map(|()| lock))
            .await
            .map_err(std::io::Error::other)??;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        drop(lock);
        Ok(Sqlite { pool })
    }

    /// A writing transaction on disk before its commit returns (see `Database::begin`). In WAL
    /// mode, FULL syncs the log at each commit, so a commit that returned survives a power cut
    /// (NORMAL would sync only at checkpoints). Measured here: ~4 ms a commit; docs/RELIABILITY.md.
    pub(super) async fn begin_durable(&self) -> Result<SqliteTx> {
        let tx = self
            .pool
            .begin_with("PRAGMA synchronous = FULL; BEGIN IMMEDIATE")
            .await?;
        Ok(SqliteTx(tx))
    }
}

#[async_trait]
impl Database for Sqlite {
    async fn setting_or_insert(&self, key: &str, make: &(dyn Fn() -> String + Sync)) -> Result<String> {
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(make())
            .execute(&self.pool)
            .await?;
        let (value,): (String,) = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        Ok(value)
    }

    async fn seed_demo(&self, demo: &DemoStore) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query("INSERT INTO stores (id, name) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM stores)")
            .bind(demo.id)
            .bind(demo.name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        for (id, number) in demo.tables() {
            sqlx::query("INSERT INTO tables (id, store_id, number) VALUES (?, ?, ?)")
                .bind(id)
                .bind(demo.id)
                .bind(number)
                .execute(&mut *tx)
                .await?;
        }
        sqlite_menu::seed(&mut tx, demo).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn table(&self, table_id: i64) -> Result<Option<TableRow>> {
        let record: Option<TableRecord> =
            sqlx::query_as("SELECT id, store_id, number FROM tables WHERE id = ? AND removed_at IS NULL")
                .bind(table_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(record.map(TableRow::from))
    }

    async fn cart(&self, table_id: i64) -> Result<Option<CartSnapshot>> {
        // One read transaction: the version and the lines come from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let head: Option<(i64, i64, String, i64)> =
            sqlx::query_as("SELECT id, store_id, number, cart_version FROM tables WHERE id = ?")
                .bind(table_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((id, store_id, number, version)) = head else {
            return Ok(None);
        };
        let lines = sqlite_rows::lines(&mut tx, table_id).await?;
        tx.commit().await?;
        let table = TableRow { id, store_id, number };
        Ok(Some(CartSnapshot {
            table,
            version: u64::try_from(version).unwrap_or(0),
            lines,
        }))
    }

    async fn alerts(&self) -> Result<Vec<AlertRow>> {
        sqlite_heard::alerts(&self.pool).await
    }

    async fn touch_device(&self, device: &DeviceRow) -> Result<()> {
        sqlite_heard::touch_device(&self.pool, device).await
    }

    async fn devices(&self, store_id: i64) -> Result<Vec<DeviceRow>> {
        sqlite_heard::devices(&self.pool, store_id).await
    }

    async fn open_reminders(&self, store_id: i64) -> Result<Vec<ReminderState>> {
        sqlite_heard::open_reminders(&self.pool, store_id).await
    }

    async fn open_receipts(&self, store_id: i64) -> Result<Vec<AlertReceipt>> {
        sqlite_heard::open_receipts(&self.pool, store_id).await
    }

    async fn open_escalations(&self, store_id: i64) -> Result<Vec<AlertEscalated>> {
        sqlite_heard::open_escalations(&self.pool, store_id).await
    }

    async fn unheard(&self, store_id: i64, now: i64, limit: u32) -> Result<Vec<UnheardAlert>> {
        sqlite_heard::unheard(&self.pool, store_id, now, limit).await
    }

    async fn setting(&self, key: &str) -> Result<Option<String>> {
        sqlite_heard::setting(&self.pool, key).await
    }

    async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlite_heard::set_setting(&self.pool, key, value).await
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(self.begin_durable().await?))
    }

    async fn order(&self, order_id: i64) -> Result<Option<OrderDTO>> {
        sqlite_rows::order(&mut *self.pool.acquire().await?, order_id).await
    }

    async fn open_orders(&self, store_id: i64) -> Result<Vec<OrderDTO>> {
        sqlite_rows::open_orders(&mut *self.pool.acquire().await?, store_id).await
    }

    async fn unpaid_before(&self, cutoff: i64) -> Result<Vec<i64>> {
        let ids: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM orders WHERE status = 'pending_payment' AND created_at < ? ORDER BY id")
                .bind(cutoff)
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }

    async fn events_after(&self, stream: Stream, after: u64, limit: u32) -> Result<Vec<Entry>> {
        let rows: Vec<(i64, String, String, i64)> =
            sqlx::query_as("SELECT seq, kind, data, at FROM events WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?")
                .bind(stream.name())
                .bind(i64::try_from(after).unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(seq, kind, data, at)| Entry {
                stream,
                seq: u64::try_from(seq).unwrap_or(0),
                kind,
                data,
                at,
            })
            .collect())
    }

    async fn stream_head(&self, stream: Stream) -> Result<(u64, u64)> {
        let head: Option<(i64, i64)> = sqlx::query_as("SELECT last_seq, pruned_through FROM streams WHERE name = ?")
            .bind(stream.name())
            .fetch_optional(&self.pool)
            .await?;
        let (last, pruned) = head.unwrap_or((0, 0));
        Ok((u64::try_from(last).unwrap_or(0), u64::try_from(pruned).unwrap_or(0)))
    }

    async fn prune_store_streams(&self, keep: u64) -> Result<()> {
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // Record the new floor first, then delete below it: a reader never sees a gap that the
        // floor does not explain.
        sqlx::query(
            "UPDATE streams SET pruned_through = last_seq - ?
             WHERE name LIKE 'store:%' AND last_seq - ? > pruned_through",
        )
        .bind(keep)
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
