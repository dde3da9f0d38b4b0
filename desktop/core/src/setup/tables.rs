//! Tables, grouped in areas, and their QR codes: add, rename or move, remove (refused while a
//! table is occupied), a new link for one table (its old code stops working), and the printable
//! A4 sheet of every code.

use orderbell_shared::tables::{NewTable, StoreTablesDTO, TableChange, TableDTO};
use reqwest::Method;

use super::{EMPTY, Setup};
use crate::error::Result;

impl Setup {
    /// Every table of the store, by area.
    pub async fn tables(&self) -> Result<StoreTablesDTO> {
        self.get("tables").await
    }

    pub async fn add_table(&self, table: &NewTable) -> Result<TableDTO> {
        self.send(Method::POST, "tables", Some(table)).await
    }

    /// Rename or move a table; its link, and so its printed code, stays.
    pub async fn change_table(&self, table_id: i64, change: &TableChange) -> Result<TableDTO> {
        self.send(Method::PATCH, &format!("tables/{table_id}"), Some(change))
            .await
    }

    pub async fn remove_table(&self, table_id: i64) -> Result<()> {
        self.done(Method::DELETE, &format!("tables/{table_id}"), EMPTY).await
    }

    /// A new link for one table: its old code, and the phones that joined with it, stop working.
    pub async fn new_table_link(&self, table_id: i64) -> Result<TableDTO> {
        self.send(Method::POST, &format!("tables/{table_id}/link"), EMPTY).await
    }

    /// The A4 sheet of every table's code, as a PDF.
    pub async fn qr_sheet(&self) -> Result<Vec<u8>> {
        self.bytes("tables/qr-sheet.pdf").await
    }
}
