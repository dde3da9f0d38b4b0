//! SQLite's printers: [`PrinterTx`] for changes (with their event) and [`PrinterStore`] for reads.
//! The connection, categories and rules are stored as JSON; the owning device's name is read from
//! its credential, so renaming a device renames it here too.

use async_trait::async_trait;
use orderbell_shared::printing::{PrinterConnection, PrinterDTO};
use sqlx::{FromRow, SqliteConnection};

use super::printers::{PrinterStore, PrinterTx};
use super::sqlite::Sqlite;
use super::sqlite_heard::{name, parse};
use super::sqlite_tx::SqliteTx;
use crate::domain::printers::PrinterWrite;
use crate::error::Result;

pub(super) const COLUMNS: &str = "p.id, p.store_id, p.name, p.role, p.connection, p.paper, p.copies, p.categories, \
     p.rules, p.device_id, c.name AS device_name, p.enabled";

#[derive(FromRow)]
pub(super) struct PrinterRecord {
    id: i64,
    store_id: i64,
    name: String,
    role: String,
    connection: String,
    paper: String,
    copies: i64,
    categories: String,
    rules: String,
    device_id: i64,
    device_name: String,
    enabled: bool,
}

impl PrinterRecord {
    pub(super) fn into_dto(self) -> Result<PrinterDTO> {
        Ok(PrinterDTO {
            printer_id: self.id,
            store_id: self.store_id,
            name: self.name,
            role: parse(self.role)?,
            connection: serde_json::from_str(&self.connection)?,
            paper: parse(self.paper)?,
            copies: u8::try_from(self.copies).unwrap_or(1),
            category_ids: serde_json::from_str(&self.categories)?,
            rules: serde_json::from_str(&self.rules)?,
            device_id: self.device_id.to_string(),
            device_name: self.device_name,
            enabled: self.enabled,
        })
    }
}

async fn select(conn: &mut SqliteConnection, filter: &str, value: i64) -> Result<Vec<PrinterDTO>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM printers p JOIN credentials c ON c.id = p.device_id WHERE {filter} ORDER BY p.id"
    );
    let records: Vec<PrinterRecord> = sqlx::query_as(&sql).bind(value).fetch_all(conn).await?;
    records.into_iter().map(PrinterRecord::into_dto).collect()
}

async fn one(conn: &mut SqliteConnection, printer_id: i64) -> Result<Option<PrinterDTO>> {
    Ok(select(conn, "p.id = ?", printer_id).await?.pop())
}

#[async_trait]
impl PrinterTx for SqliteTx {
    async fn printer(&mut self, printer_id: i64) -> Result<Option<PrinterDTO>> {
        one(&mut self.0, printer_id).await
    }

    async fn printer_at(&mut self, store_id: i64, connection: &PrinterConnection) -> Result<Option<PrinterDTO>> {
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM printers WHERE store_id = ? AND address = ?")
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
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(p.store_id)
        .bind(&p.name)
        .bind(name(p.role))
        .bind(serde_json::to_string(&p.connection)?)
        .bind(p.connection.address())
        .bind(name(p.paper))
        .bind(p.copies)
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
            "UPDATE printers SET name = ?, role = ?, connection = ?, address = ?, paper = ?, copies = ?,
                                 categories = ?, rules = ?, device_id = ?, enabled = ?
             WHERE id = ?",
        )
        .bind(&p.name)
        .bind(name(p.role))
        .bind(serde_json::to_string(&p.connection)?)
        .bind(p.connection.address())
        .bind(name(p.paper))
        .bind(p.copies)
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
        sqlx::query("DELETE FROM printers WHERE id = ?")
            .bind(printer_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl PrinterStore for Sqlite {
    async fn begin_printers(&self) -> Result<Box<dyn PrinterTx>> {
        Ok(Box::new(self.begin_durable().await?))
    }

    async fn printers(&self, store_id: i64) -> Result<Vec<PrinterDTO>> {
        select(&mut *self.pool.acquire().await?, "p.store_id = ?", store_id).await
    }

    async fn printer(&self, printer_id: i64) -> Result<Option<PrinterDTO>> {
        one(&mut *self.pool.acquire().await?, printer_id).await
    }
}
