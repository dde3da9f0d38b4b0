//! PostgreSQL's printers: [`PrinterTx`] for changes (with their event) and [`PrinterStore`] for
//! reads. Stored as SQLite stores them (see `sqlite_printers`).

use async_trait::async_trait;
use orderbell_shared::printing::{PrinterConnection, PrinterDTO};
use sqlx::PgConnection;

use super::postgres::Postgres;
use super::postgres_tx::PgTx;
use super::printers::{PrinterStore, PrinterTx};
use super::sqlite_heard::name;
use super::sqlite_printers::{COLUMNS, PrinterRecord};
use crate::domain::printers::PrinterWrite;
use crate::error::Result;

async fn select(conn: &mut PgConnection, filter: &str, value: i64) -> Result<Vec<PrinterDTO>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM printers p JOIN credentials c ON c.id = p.device_id WHERE {filter} ORDER BY p.id"
    );
    let records: Vec<PrinterRecord> = sqlx::query_as(&sql).bind(value).fetch_all(conn).await?;
    records.into_iter().map(PrinterRecord::into_dto).collect()
}

async fn one(conn: &mut PgConnection, printer_id: i64) -> Result<Option<PrinterDTO>> {
    Ok(select(conn, "p.id = $1", printer_id).await?.pop())
}

/// Printer changes of one store run one after the other, as under SQLite's one writer: each
/// locks its store's row before it reads (`store`, one parameter), so that an address found free
/// stays free until the printer is written. NO KEY: what points at the store (orders) goes on.
async fn lock_store(conn: &mut PgConnection, store: &str, value: i64) -> Result<()> {
    sqlx::query(&format!("SELECT 1 FROM stores WHERE id = {store} FOR NO KEY UPDATE"))
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

#[async_trait]
impl PrinterTx for PgTx {
    async fn printer(&mut self, printer_id: i64) -> Result<Option<PrinterDTO>> {
        lock_store(&mut self.0, "(SELECT store_id FROM printers WHERE id = $1)", printer_id).await?;
        one(&mut self.0, printer_id).await
    }

    async fn printer_at(&mut self, store_id: i64, connection: &PrinterConnection) -> Result<Option<PrinterDTO>> {
        lock_store(&mut self.0, "$1", store_id).await?;
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM printers WHERE store_id = $1 AND address = $2")
            .bind(store_id)
            .bind(connection.address())
            .fetch_optional(&mut *self.0)
            .await?;
        match found {
            Some((id,)) => one(&mut self.0, id).await,
            None => Ok(None),
        }
    }

    async fn insert_printer(&mut self, p: &PrinterWrite, now: i64) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO printers (store_id, name, role, connection, address, paper, copies, categories, rules,
                                   device_id, enabled, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(p.store_id)
        .bind(&p.name)
        .bind(name(p.role))
        .bind(serde_json::to_string(&p.connection)?)
        .bind(p.connection.address())
        .bind(name(p.paper))
        .bind(i64::from(p.copies))
        .bind(serde_json::to_string(&p.category_ids)?)
        .bind(serde_json::to_string(&p.rules)?)
        .bind(p.device_id)
        .bind(p.enabled)
        .bind(now)
        .fetch_one(&mut *self.0)
        .await?;
        Ok(id)
    }

    async fn update_printer(&mut self, printer_id: i64, p: &PrinterWrite) -> Result<()> {
        sqlx::query(
            "UPDATE printers SET name = $1, role = $2, connection = $3, address = $4, paper = $5, copies = $6,
                                 categories = $7, rules = $8, device_id = $9, enabled = $10
             WHERE id = $11",
        )
        .bind(&p.name)
        .bind(name(p.role))
        .bind(serde_json::to_string(&p.connection)?)
        .bind(p.connection.address())
        .bind(name(p.paper))
        .bind(i64::from(p.copies))
        .bind(serde_json::to_string(&p.category_ids)?)
        .bind(serde_json::to_string(&p.rules)?)
        .bind(p.device_id)
        .bind(p.enabled)
        .bind(printer_id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn delete_printer(&mut self, printer_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM printers WHERE id = $1")
            .bind(printer_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl PrinterStore for Postgres {
    async fn begin_printers(&self) -> Result<Box<dyn PrinterTx>> {
        Ok(Box::new(self.begin_durable().await?))
    }

    async fn printers(&self, store_id: i64) -> Result<Vec<PrinterDTO>> {
        select(&mut *self.pool.acquire().await?, "p.store_id = $1", store_id).await
    }

    async fn printer(&self, printer_id: i64) -> Result<Option<PrinterDTO>> {
        one(&mut *self.pool.acquire().await?, printer_id).await
    }
}
