//! The PostgreSQL side of the tables the owner manages. Rows read as SQLite's are (see
//! `sqlite_tables`); a change that checks the table first locks its row, as every cart change
//! and order does, so nothing arrives between the check and the change.

use async_trait::async_trait;
use sqlx::PgConnection;

use super::postgres::Postgres;
use super::sqlite_tables::{COLUMNS, TableRecord, number_taken};
use super::tables::{Refusable, TableEdit, TableRefusal, TableStore};
use super::{CartSnapshot, postgres_rows};
use crate::domain::tables::PlacedTable;
use crate::error::Result;

async fn placed(conn: &mut PgConnection, table_id: i64) -> Result<Option<PlacedTable>> {
    let sql = format!("SELECT {COLUMNS} FROM tables t WHERE t.id = $1 AND t.removed_at IS NULL");
    let record: Option<TableRecord> = sqlx::query_as(&sql).bind(table_id).fetch_optional(conn).await?;
    Ok(record.map(PlacedTable::from))
}

/// The table, locked until the transaction ends. Locked by a statement of its own and read by
/// the next: a locking read that waited would re-check the table's row but not its cart's and
/// orders', and could call an occupied table free.
async fn locked(conn: &mut PgConnection, table_id: i64) -> Result<Option<PlacedTable>> {
    sqlx::query("SELECT 1 FROM tables WHERE id = $1 FOR UPDATE")
        .bind(table_id)
        .execute(&mut *conn)
        .await?;
    placed(conn, table_id).await
}

#[async_trait]
impl TableStore for Postgres {
    async fn store_tables(&self, store_id: i64) -> Result<Option<(String, Vec<PlacedTable>)>> {
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        let store: Option<(String,)> = sqlx::query_as("SELECT name FROM stores WHERE id = $1")
            .bind(store_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((name,)) = store else { return Ok(None) };
        let sql =
            format!("SELECT {COLUMNS} FROM tables t WHERE t.store_id = $1 AND t.removed_at IS NULL ORDER BY t.id");
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
            "INSERT INTO tables (store_id, number, area) SELECT $1, $2, $3
             WHERE EXISTS (SELECT 1 FROM stores WHERE id = $1) RETURNING id",
        )
        .bind(store_id)
        .bind(number)
        .bind(area)
        .fetch_optional(&self.pool)
        .await;
        Ok(number_taken(inserted)?.and_then(|id| id.map(|(id,)| id).ok_or(TableRefusal::Missing)))
    }

    async fn edit_table(&self, table_id: i64, edit: TableEdit<'_>) -> Result<Refusable<Option<CartSnapshot>>> {
        let mut tx = self.pool.begin().await?;
        let Some(table) = locked(&mut tx, table_id).await? else {
            return Ok(Err(TableRefusal::Missing));
        };
        let renumbered = edit.number.is_some_and(|n| n != table.number);
        if renumbered && table.occupied {
            return Ok(Err(TableRefusal::Occupied));
        }
        let written =
            sqlx::query("UPDATE tables SET number = COALESCE($1, number), area = COALESCE($2, area) WHERE id = $3")
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
            postgres_rows::bump_cart(&mut tx, table_id).await?
        } else {
            None
        };
        tx.commit().await?;
        Ok(Ok(cart))
    }

    async fn remove_table(&self, table_id: i64, at: i64) -> Result<Refusable<()>> {
        let mut tx = self.pool.begin().await?;
        let Some(table) = locked(&mut tx, table_id).await? else {
            return Ok(Err(TableRefusal::Missing));
        };
        if table.occupied {
            return Ok(Err(TableRefusal::Occupied));
        }
        // The row stays for the orders that point at it. Its number gets a suffix no table
        // number can have (numbers hold no control characters), so a new table may take it.
        sqlx::query("UPDATE tables SET removed_at = $1, number = number || chr(31) || id::TEXT WHERE id = $2")
            .bind(at)
            .bind(table_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn regenerate_link(&self, table_id: i64) -> Result<Refusable<u32>> {
        let generation: Option<(i64,)> = sqlx::query_as(
            "UPDATE tables SET link_generation = link_generation + 1
             WHERE id = $1 AND removed_at IS NULL RETURNING link_generation",
        )
        .bind(table_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(generation
            .map(|(g,)| u32::try_from(g).unwrap_or(0))
            .ok_or(TableRefusal::Missing))
    }
}
