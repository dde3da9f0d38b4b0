//! A store's tables: the signed link on each table's QR code and the diners who join with it
//! (`diners`), the owner's tables grouped in areas (`http`), and each table's QR code as an image
//! (`qr`) and on a printable A4 sheet (`sheet`); each table's current link in memory (`links`).

mod diners;
mod http;
pub mod links;
mod qr;
pub mod rules;
mod sheet;

use utoipa_axum::router::OpenApiRouter;

use crate::auth::Grant;
use crate::domain::tables::PlacedTable;
use crate::error::Result;
use crate::state::AppState;

pub use http::{QrFile, qr_files};
pub use qr::Code;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(diners::router()).merge(http::router())
}

/// A table's link, as printed for its QR code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableLink {
    pub table_id: i64,
    pub store_id: i64,
    pub table_number: String,
    pub token: String,
    pub url: String,
}

/// The table's current link.
pub fn link(state: &AppState, table: &PlacedTable) -> TableLink {
    let token = state.keys.sign(Grant::Table {
        table_id: table.id,
        link: table.link_generation,
    });
    TableLink {
        table_id: table.id,
        store_id: table.store_id,
        table_number: table.number.clone(),
        url: format!("{}/t/{}?token={token}", state.public_url, table.id),
        token,
    }
}

/// Every table's current link, of every store.
pub async fn links(state: &AppState) -> Result<Vec<TableLink>> {
    let tables = state.db.all_tables().await?;
    Ok(tables.iter().map(|t| link(state, t)).collect())
}
