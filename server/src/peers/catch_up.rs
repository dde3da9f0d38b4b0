//! Catching up from the database what the bus may have missed: for every topic someone
//! connected here watches, its newest state is read and handed to the feed, which passes it on
//! only if it is newer than what it sent. A durable stream gets its newest event: a subscriber
//! behind it sees the jump and replays the rest from the journal, so nothing is lost and
//! nothing doubled.

use crate::bills::bill_dto;
use crate::carts::{cart_dto, cart_event};
use crate::error::Result;
use crate::journal;
use crate::menu::menu_event;
use crate::push::bus::Depth;
use crate::state::AppState;
use crate::tables::links::Verdict;

pub async fn run(state: &AppState, depth: Depth) {
    if let Err(e) = catch_up(state, depth).await {
        tracing::warn!(error = ?e, "catching up from the database failed; trying again on the next round");
    }
}

async fn catch_up(state: &AppState, depth: Depth) -> Result<()> {
    crate::devices::refresh(state).await?;
    for stream in state.journal.watched() {
        let (head, _) = state.db.stream_head(stream).await?;
        if let Some(newest) = state.db.events_after(stream, head.saturating_sub(1), 1).await?.pop() {
            state.journal.deliver(stream, journal::encode(&newest));
        }
    }
    for table_id in state.carts.watched() {
        if depth == Depth::Full && !link_still_holds(state, table_id).await? {
            continue;
        }
        if let Some(cart) = state.db.cart(table_id).await? {
            state.carts.deliver(table_id, cart_event(&cart_dto(&cart)));
        }
    }
    for store_id in state.menus.watched() {
        if let Some(menu) = state.db.menu(store_id).await? {
            state.menus.deliver(store_id, menu_event(store_id, menu.version));
        }
    }
    if depth == Depth::Full {
        for table_id in state.bills.feed.watched() {
            let Some(bill_id) = state.db.open_bill_id(table_id).await? else {
                continue;
            };
            if let Some(bill) = state.db.bill_snapshot(bill_id).await? {
                state.bills.show(table_id, &bill_dto(bill));
            }
        }
        state.presence.heard_again();
    }
    Ok(())
}

/// Whether the link the table's watchers came with still holds; if it was regenerated (or the
/// table removed) while the bus was away, the map learns it and the table's streams end.
async fn link_still_holds(state: &AppState, table_id: i64) -> Result<bool> {
    let Some((generation, _)) = state.db.table_generations(table_id).await? else {
        state.links.removed(table_id);
        state.carts.close(&table_id);
        return Ok(false);
    };
    if state.links.verdict(table_id, generation) == Verdict::Current {
        return Ok(true);
    }
    state.links.learn(table_id, generation);
    state.carts.close(&table_id);
    Ok(false)
}
