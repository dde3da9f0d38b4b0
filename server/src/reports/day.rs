//! One local day's books: the orders booked that day and the refunds that became due.

use orderbell_shared::reports::DaySummary;

use super::rules;
use crate::db::HistoryFilter;
use crate::domain::reports::BookedOrder;
use crate::error::Result;
use crate::state::AppState;

/// The day's summary and the orders sold that day, in the order they were booked.
pub async fn books(
    state: &AppState,
    store_id: i64,
    utc_offset_minutes: i32,
    date: &str,
) -> Result<(DaySummary, Vec<BookedOrder>)> {
    let day = rules::parse_date(date)?;
    let span = rules::day_span(day, utc_offset_minutes);
    let filter = HistoryFilter {
        store_id,
        start: span.start,
        end: span.end,
        ..HistoryFilter::default()
    };
    let booked = state.db.booked_orders(&filter, None, 0).await?;
    let refunds = state.db.refunds_due(store_id, span.start, span.end).await?;
    let summary = rules::summarize(store_id, day, utc_offset_minutes, &booked, &refunds);
    let sold = rules::sold(&booked).map(|(b, _)| b.clone()).collect();
    Ok((summary, sold))
}
