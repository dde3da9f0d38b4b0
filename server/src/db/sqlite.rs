//! The embedded engine: one SQLite file in WAL mode.
//!
//! SQLite allows one writer at a time. Every cart change starts with the `UPDATE` that raises the
//! table's version, so the transaction takes the write lock before it reads anything: concurrent
//! changes queue on the busy timeout instead of failing on a read-to-write upgrade.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use orderbell_shared::{CuisineType, Money, OrderDTO};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

use super::sqlite_tx::{self, SqliteTx};
use super::{CartLine, CartSnapshot, Database, DishRow, LineState, StoreRow, TableRow, Tx};
use crate::carts::rules::{self, CartChange, LineWrite};
use crate::demo::DemoStore;
use crate::error::{Error, Result};
use crate::journal::{Entry, Stream};

pub struct Sqlite {
    pool: SqlitePool,
}

impl Sqlite {
    /// Open (creating if needed) `orderbell.db` in `dir` and bring its schema up to date.
    pub async fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let options = SqliteConnectOptions::new()
            .filename(dir.join("orderbell.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Sqlite { pool })
    }
}

#[derive(FromRow)]
struct TableRecord {
    id: i64,
    store_id: i64,
    number: String,
}

impl From<TableRecord> for TableRow {
    fn from(r: TableRecord) -> Self {
        TableRow {
            id: r.id,
            store_id: r.store_id,
            number: r.number,
        }
    }
}

#[derive(FromRow)]
struct DishRecord {
    id: i64,
    store_id: i64,
    category: String,
    name: String,
    kind: u8,
    image: Option<String>,
    description: Option<String>,
    price_cents: i64,
    available: bool,
}

impl DishRecord {
    fn into_row(self) -> Result<DishRow> {
        let kind = CuisineType::try_from(self.kind).map_err(|e| Error::Database(sqlx::Error::Decode(e.into())))?;
        Ok(DishRow {
            id: self.id,
            store_id: self.store_id,
            category: self.category,
            name: self.name,
            kind,
            image: self.image,
            description: self.description,
            price: Money::from_cents(self.price_cents),
            available: self.available,
        })
    }
}

#[derive(FromRow)]
struct LineRecord {
    #[sqlx(flatten)]
    dish: DishRecord,
    quantity: u32,
    remark: Option<String>,
    diner_id: Option<i64>,
    diner_phone: Option<String>,
}

const DISH_COLUMNS: &str =
    "d.id, d.store_id, d.category, d.name, d.kind, d.image, d.description, d.price_cents, d.available";

async fn dish(conn: &mut SqliteConnection, dish_id: i64) -> Result<Option<DishRow>> {
    let sql = format!("SELECT {DISH_COLUMNS} FROM dishes d WHERE d.id = ?");
    let record: Option<DishRecord> = sqlx::query_as(&sql).bind(dish_id).fetch_optional(conn).await?;
    record.map(DishRecord::into_row).transpose()
}

async fn line(conn: &mut SqliteConnection, table_id: i64, dish_id: i64) -> Result<Option<LineState>> {
    let row: Option<(u32, Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT quantity, remark, diner_id FROM cart_items WHERE table_id = ? AND dish_id = ?")
            .bind(table_id)
            .bind(dish_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(quantity, remark, diner_id)| LineState {
        quantity,
        remark,
        diner_id,
    }))
}

pub(super) async fn lines(conn: &mut SqliteConnection, table_id: i64) -> Result<Vec<CartLine>> {
    let sql = format!(
        "SELECT {DISH_COLUMNS}, c.quantity, c.remark, c.diner_id, n.phone AS diner_phone
         FROM cart_items c JOIN dishes d ON d.id = c.dish_id LEFT JOIN diners n ON n.id = c.diner_id
         WHERE c.table_id = ? ORDER BY c.added_version, c.dish_id"
    );
    let records: Vec<LineRecord> = sqlx::query_as(&sql).bind(table_id).fetch_all(conn).await?;
    records
        .into_iter()
        .map(|r| {
            Ok(CartLine {
                dish: r.dish.into_row()?,
                line: LineState {
                    quantity: r.quantity,
                    remark: r.remark,
                    diner_id: r.diner_id,
                },
                diner_phone: r.diner_phone,
            })
        })
        .collect()
}

async fn apply(conn: &mut SqliteConnection, table_id: i64, version: u64, write: LineWrite) -> Result<()> {
    match write {
        LineWrite::Upsert { dish_id, line } => {
            sqlx::query(
                "INSERT INTO cart_items (table_id, dish_id, quantity, remark, diner_id, added_version)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (table_id, dish_id) DO UPDATE
                 SET quantity = excluded.quantity, remark = excluded.remark, diner_id = excluded.diner_id",
            )
            .bind(table_id)
            .bind(dish_id)
            .bind(line.quantity)
            .bind(line.remark)
            .bind(line.diner_id)
            .bind(i64::try_from(version).unwrap_or(i64::MAX))
            .execute(conn)
            .await?;
        }
        LineWrite::Delete { dish_id } => {
            sqlx::query("DELETE FROM cart_items WHERE table_id = ? AND dish_id = ?")
                .bind(table_id)
                .bind(dish_id)
                .execute(conn)
                .await?;
        }
        LineWrite::DeleteAll => {
            sqlx::query("DELETE FROM cart_items WHERE table_id = ?")
                .bind(table_id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
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
        for (position, dish) in demo.dishes.iter().enumerate() {
            sqlx::query(
                "INSERT INTO dishes (id, store_id, category, position, name, kind, image, description, price_cents)
                 VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            )
            .bind(dish.id)
            .bind(demo.id)
            .bind(dish.category)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(dish.name)
            .bind(u8::from(dish.kind))
            .bind(dish.description)
            .bind(dish.price_cents)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn tables(&self) -> Result<Vec<TableRow>> {
        let records: Vec<TableRecord> = sqlx::query_as("SELECT id, store_id, number FROM tables ORDER BY store_id, id")
            .fetch_all(&self.pool)
            .await?;
        Ok(records.into_iter().map(TableRow::from).collect())
    }

    async fn table(&self, table_id: i64) -> Result<Option<TableRow>> {
        let record: Option<TableRecord> = sqlx::query_as("SELECT id, store_id, number FROM tables WHERE id = ?")
            .bind(table_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(record.map(TableRow::from))
    }

    async fn menu(&self, store_id: i64) -> Result<Option<(StoreRow, Vec<DishRow>)>> {
        let store: Option<(i64, String)> = sqlx::query_as("SELECT id, name FROM stores WHERE id = ?")
            .bind(store_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some((id, name)) = store else { return Ok(None) };
        let sql = format!("SELECT {DISH_COLUMNS} FROM dishes d WHERE d.store_id = ? ORDER BY d.position, d.id");
        let records: Vec<DishRecord> = sqlx::query_as(&sql).bind(store_id).fetch_all(&self.pool).await?;
        let dishes = records.into_iter().map(DishRecord::into_row).collect::<Result<_>>()?;
        Ok(Some((StoreRow { id, name }, dishes)))
    }

    async fn create_diner(&self, table_id: i64, phone: Option<&str>, now_ms: i64) -> Result<i64> {
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO diners (table_id, phone, created_at) VALUES (?, ?, ?) RETURNING id")
                .bind(table_id)
                .bind(phone)
                .bind(now_ms)
                .fetch_one(&self.pool)
                .await?;
        Ok(id)
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
        let lines = lines(&mut tx, table_id).await?;
        tx.commit().await?;
        let table = TableRow { id, store_id, number };
        Ok(Some(CartSnapshot {
            table,
            version: u64::try_from(version).unwrap_or(0),
            lines,
        }))
    }

    async fn change_cart(&self, table_id: i64, change: &CartChange) -> Result<CartSnapshot> {
        let mut tx = self.pool.begin().await?;
        // Write first: this takes SQLite's write lock before any read (see the module comment).
        let head: Option<(i64, String, i64)> = sqlx::query_as(
            "UPDATE tables SET cart_version = cart_version + 1 WHERE id = ? RETURNING store_id, number, cart_version",
        )
        .bind(table_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (store_id, number, version) = head.ok_or(Error::NotFound {
            code: "table_not_found",
            what: "桌台",
            id: table_id,
        })?;
        let version = u64::try_from(version).unwrap_or(0);
        let table = TableRow {
            id: table_id,
            store_id,
            number,
        };
        let write = match change.dish_id() {
            Some(dish_id) => {
                let dish = dish(&mut tx, dish_id).await?;
                let current = line(&mut tx, table_id, dish_id).await?;
                rules::plan(change, &table, dish.as_ref(), current.as_ref())?
            }
            None => rules::plan(change, &table, None, None)?,
        };
        apply(&mut tx, table_id, version, write).await?;
        let lines = lines(&mut tx, table_id).await?;
        tx.commit().await?;
        Ok(CartSnapshot { table, version, lines })
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(SqliteTx(self.pool.begin_with("BEGIN IMMEDIATE").await?)))
    }

    async fn order(&self, order_id: i64) -> Result<Option<OrderDTO>> {
        sqlite_tx::order(&mut *self.pool.acquire().await?, order_id).await
    }

    async fn open_orders(&self, store_id: i64) -> Result<Vec<OrderDTO>> {
        sqlite_tx::open_orders(&mut *self.pool.acquire().await?, store_id).await
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

    async fn close(&self) {
        self.pool.close().await;
    }
}
