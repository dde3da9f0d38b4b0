//! The SQLite side of the tables the owner manages.

use async_trait::async_trait;
use sqlx::{FromRow, SqliteConnection};

use super::tables::{Refusable, TableEdit, TableRefusal, TableStore};
use super::{CartSnapshot, Sqlite, sqlite_rows};
use crate::domain::tables::PlacedTable;
use crate::error::Result;

/// The columns of a [`PlacedTable`], from `tables t`. A table is occupied while its cart holds
/// anything or one of its orders is not finished.
pub(super) const COLUMNS: &str = "t.id, t.store_id, t.number, t.area, t.link_generation,
    (EXISTS (SELECT 1 FROM cart_items c WHERE c.table_id = t.id)
     OR EXISTS (SELECT 1 FROM orders o WHERE o.table_id = t.id
                AND o.status NOT IN ('completed', 'cancelled', 'rejected'))) AS occupied";

#[derive(FromRow)]
pub(super) struct TableRecord {
    id: i64,
    store_id: i64,
    number: String,
    area: String,
    link_generation: i64,
    occupied: bool,
}

impl From<TableRecord> for PlacedTable {
    fn from(r: TableRecord) -> Self {
        PlacedTable {
            id: r.id,
            store_id: r.store_id,
            number: r.number,
            area: r.area,
            link_generation: u32::try_from(r.link_generation).unwrap_or(0),
            occupied: r.occupied,
        }
    }
}

async fn placed(conn: &mut SqliteConnection, table_id: i64) -> Result<Option<PlacedTable>> {
    let sql = format!("SELECT {COLUMNS} FROM tables t WHERE t.id = ? AND t.removed_at IS NULL");
    let record: Option<TableRecord> = sqlx::query_as(&sql).bind(table_id).fetch_optional(conn).await?;
    Ok(record.map(PlacedTable::from))
}

/// A write that broke `UNIQUE (store_id, number)` is a refusal, not a failure.
pub(super) fn number_taken<T>(result: std::result::Result<T, sqlx::Error>) -> Result<Refusable<T>> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(Err(TableRefusal::NumberTaken)),
        Err(e) => Err(e.into()),
    }
}

#[async_trait]
impl TableStore for Sqlite {
    async fn store_tables(&self, store_id: i64) -> Result<Option<(String, Vec<PlacedTable>)>> {
        let mut tx = self.pool.begin().await?;
        let store: Option<(String,)> = sqlx::query_as("SELECT name FROM stores WHERE id = ?")
            .bind(store_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((name,)) = store else { return Ok(None) };
        let sql = format!("SELECT {COLUMNS} FROM tables t WHERE t.store_id = ? AND t.removed_at IS NULL ORDER BY t.id");
        let records: Vec<TableRecord> = sqlx::query_as(&sql).bind(store_id).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some((name, records.into_iter().map(PlacedTable::from).collect())))
    }

    async fn all_tables(&self) -> Result<Vec<PlacedTable>> {
        let sql = format!("SELECT {COLUMNS} FROM tables t WHERE t.removed_at IS NULL ORDER BY t.store_id, t.id");
        let records: Vec<TableRecord> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        Ok(records.into_iter().map(PlacedTable::from).collect())
    }

    async fn placed_table(&self, table_id: i64) -> Result<Option<PlacedTable>> {
        placed(&mut *self.pool.acquire().await?, table_id).await
    }

    async fn add_table(&self, store_id: i64, number: &str, area: &str) -> Result<Refusable<i64>> {
        let inserted = sqlx::query_as::<_, (i64,)>(
            "INSERT INTO tables (store_id, number, area) SELECT ?, ?, ?
             WHERE EXISTS (SELECT 1 FROM stores WHERE id = ?) RETURNING id",
        )
        .bind(store_id)
        .bind(number)
        .bind(area)
        .bind(store_id)
        .fetch_optional(&self.pool)
        .await;
        Ok(number_taken(inserted)?.and_then(|id| id.map(|(id,)| id).ok_or(TableRefusal::Missing)))
    }

    async fn edit_table(&self, table_id: i64, edit: TableEdit<'_>) -> Result<Refusable<Option<CartSnapshot>>> {
        // Under the write lock: no order or cart line can arrive between the check and the change.
        let mut tx = self
            .pool
            .begin_with("PRAGMA synchronous = FULL; BEGIN IMMEDIATE")
            .await?;
        let Some(table) = placed(&mut tx, table_id).await? else {
            return Ok(Err(TableRefusal::Missing));
        };
        let renumbered = edit.number.is_some_and(|n| n != table.number);
        if renumbered && table.occupied {
            return Ok(Err(TableRefusal::Occupied));
        }
        let written =
            sqlx::query("UPDATE tables SET number = COALESCE(?, number), area = COALESCE(?, area) WHERE id = ?")
                .bind(edit.number)
                .bind(edit.area)
                .bind(table_id)
                .execute(&mut *tx)
                .await;
        if let Err(refused) = number_taken(written)? {
            return Ok(Err(refused));
        }
        // A phone at the table holds its cart with the number in it: send it again.
        let cart = if renumbered {
            sqlite_rows::bump_cart(&mut tx, table_id).await?
        } else {
            None
        };
        tx.commit().await?;
        Ok(Ok(cart))
    }

    async fn remove_table(&self, table_id: i64, at: i64) -> Result<Refusable<()>> {
        let mut tx = self
            .pool
            .begin_with("PRAGMA synchronous = FULL; BEGIN IMMEDIATE")
            .await?;
        let Some(table) = placed(&mut tx, table_id).await? else {
            return Ok(Err(TableRefusal::Missing));
        };
        if table.occupied {
            return Ok(Err(TableRefusal::Occupied));
        }
        // The row stays for the orders that point at it. Its number gets a suffix no table
        // number can have (numbers hold no control characters), so a new table may take it.
        sqlx::query("UPDATE tables SET removed_at = ?, number = number || char(31) || id WHERE id = ?")
            .bind(at)
            .bind(table_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn regenerate_link(&self, table_id: i64) -> Result<Refusable<u32>> {
        let mut tx = self
            .pool
            .begin_with("PRAGMA synchronous = FULL; BEGIN IMMEDIATE")
            .await?;
        let generation: Option<(i64,)> = sqlx::query_as(
            "UPDATE tables SET link_generation = link_generation + 1
             WHERE id = ? AND removed_at IS NULL RETURNING link_generation",
        )
        .bind(table_id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(generation
            .map(|(g,)| u32::try_from(g).unwrap_or(0))
            .ok_or(TableRefusal::Missing))
    }
}
