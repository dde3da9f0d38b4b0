//! Past orders, by the local day each belongs to (see `db::reports`), a page at a time.

use orderbell_shared::reports::{HistoryOrder, HistoryPage, HistoryQuery};

use super::rules;
use crate::db::HistoryFilter;
use crate::error::Result;
use crate::state::AppState;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

pub async fn page(
    state: &AppState,
    store_id: i64,
    utc_offset_minutes: i32,
    query: &HistoryQuery,
) -> Result<HistoryPage> {
    let span = rules::range_span(&query.from, &query.to, utc_offset_minutes)?;
    let table = query.table.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let filter = HistoryFilter {
        store_id,
        start: span.start,
        end: span.end,
        table,
        status: query.status,
        method: query.method,
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let booked = state
        .db
        .booked_orders(&filter, Some(limit), query.offset.unwrap_or(0))
        .await?;
    let (total_count, total_amount) = rules::history_totals(&state.db.booked_totals(&filter).await?);
    Ok(HistoryPage {
        orders: booked
            .into_iter()
            .map(|b| HistoryOrder {
                order: b.order,
                method: b.method,
                settled_at: b.settled_at,
            })
            .collect(),
        total_count,
        total_amount,
    })
}
