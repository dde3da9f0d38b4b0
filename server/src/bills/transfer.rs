//! The party changes tables: 换桌 (the bill moves to a free table, with its unfinished rounds and
//! its cart) and 并台 (the bill joins the open bill of another table: rounds, diners, cart). The
//! table left behind is free again, and its phones' tokens end (`bill_closed`): they scan the
//! new table's code and find the same bill there.

use axum::extract::State;
use orderbell_shared::bills::{BillDTO, BillMoved, BillStatus, TableTarget};
use orderbell_shared::{ErrorBody, Event};

use super::rules::{self, not_open};
use super::settle::end;
use super::{Outbox, leave, read, staff};
use crate::auth::{Credential, Duty};
use crate::db::Tx;
use crate::db::bills::Closing;
use crate::domain::carts::LineWrite;
use crate::domain::journal::Stream;
use crate::domain::tables::TableRow;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::journal;
use crate::state::AppState;

#[utoipa::path(post, path = "/api/bills/{bill_id}/move", tag = "bills",
    summary = "换桌（店主或前台）：这一桌的账单、未完成的菜和购物车搬到另一张空桌；原桌空出",
    params(("bill_id" = i64, Path, description = "账单 id")),
    request_body = TableTarget,
    responses((status = 200, body = BillDTO),
        (status = "4XX", body = ErrorBody, description = "409 table_occupied / same_table / bill_not_open；404 table_not_found"))
)]
pub async fn move_bill(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(bill_id): Path<i64>,
    Json(target): Json<TableTarget>,
) -> Result<Json<BillDTO>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let bill = read(&mut *tx, bill_id).await?;
    let by = staff(&state, grant, bill.store_id, Duty::TakePayment)?;
    let (to, version) = target_table(&mut *tx, &bill, target.table_id).await?;
    let mut outbox = Outbox::default();
    if let Some(there) = tx.bill_at(to.id).await? {
        if there.rounds > 0 || !tx.cart_lines(to.id).await?.is_empty() {
            return Err(conflict(
                "table_occupied",
                format!("{}号桌有客人在用餐或点餐：请换一张空桌，或用并台", to.number),
            ));
        }
        // Phones that scanned the free table but ordered nothing: their bill ends unnoticed, and
        // they join the party's (below).
        let closing = Closing {
            status: BillStatus::Closed,
            at: now,
            reason: None,
            by: &by,
            merged_into: None,
            next_table: None,
        };
        tx.close_bill(there.id, &closing).await?;
        let sitting = tx.sitting(to.id).await?.unwrap_or_default();
        tx.move_bill(bill_id, &to, sitting).await?;
        tx.merge_bill(there.id, bill_id).await?;
    } else {
        let sitting = tx.sitting(to.id).await?.unwrap_or_default();
        tx.move_bill(bill_id, &to, sitting).await?;
    }
    carry_cart(&mut *tx, bill.table_id, &to, version, &mut outbox).await?;
    leave(&mut *tx, &mut outbox, bill.table_id).await?;
    let moved = Event::BillMoved(BillMoved {
        bill_id,
        from_table_id: bill.table_id,
        from_table_number: bill.table_number.clone(),
        to_table_id: to.id,
        to_table_number: to.number.clone(),
        by,
        at: now,
    });
    outbox
        .entries
        .push(journal::append(&mut *tx, Stream::Store(bill.store_id), &moved, now).await?);
    let now_at = read(&mut *tx, bill_id).await?;
    // The old table's phones learn where the party went; the new table's see their bill.
    outbox.bill(&state, bill.table_id, &now_at);
    outbox.bill(&state, to.id, &now_at);
    outbox.commit(&state, tx).await?;
    tracing::info!(bill = bill_id, from = %bill.table_number, to = %to.number, "换桌");
    Ok(Json(now_at))
}

#[utoipa::path(post, path = "/api/bills/{bill_id}/merge", tag = "bills",
    summary = "并台（店主或前台）：这一桌的账单（已下的菜、食客、购物车）并入另一桌当前的账单；原桌空出",
    params(("bill_id" = i64, Path, description = "账单 id")),
    request_body = TableTarget,
    responses((status = 200, body = BillDTO, description = "并入后的账单"),
        (status = "4XX", body = ErrorBody, description = "409 no_open_bill / same_table / cart_too_full / bill_not_open；404 table_not_found"))
)]
pub async fn merge(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(bill_id): Path<i64>,
    Json(target): Json<TableTarget>,
) -> Result<Json<BillDTO>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let bill = read(&mut *tx, bill_id).await?;
    let by = staff(&state, grant, bill.store_id, Duty::TakePayment)?;
    let (to, version) = target_table(&mut *tx, &bill, target.table_id).await?;
    let into = tx.bill_at(to.id).await?.ok_or_else(|| {
        conflict(
            "no_open_bill",
            format!("{}号桌现在没有客人：要把客人搬过去请用换桌", to.number),
        )
    })?;
    let mut outbox = Outbox::default();
    carry_cart(&mut *tx, bill.table_id, &to, version, &mut outbox).await?;
    tx.merge_bill(bill_id, into.id).await?;
    let closing = Closing {
        status: BillStatus::Merged,
        at: now,
        reason: None,
        by: &by,
        merged_into: Some(into.id),
        next_table: Some(&to.number),
    };
    end(&state, &mut *tx, &bill, &closing, None, &mut outbox).await?;
    let joined = read(&mut *tx, into.id).await?;
    outbox.bill(&state, to.id, &joined);
    outbox.commit(&state, tx).await?;
    tracing::info!(bill = bill_id, into = into.id, from = %bill.table_number, to = %to.number, "并台");
    Ok(Json(joined))
}

fn conflict(code: &'static str, message: String) -> Error {
    Error::Conflict {
        code,
        message,
        current: None,
    }
}

/// The table the open `bill` goes to, in its store and not its own, with its cart's new version
/// (its cart is about to change).
async fn target_table(tx: &mut dyn Tx, bill: &BillDTO, table_id: i64) -> Result<(TableRow, u64)> {
    if bill.status != BillStatus::Open {
        return Err(not_open(bill.status));
    }
    if table_id == bill.table_id {
        return Err(conflict("same_table", "要去的就是这一桌：请选另一张桌".to_owned()));
    }
    match tx.bump_cart(table_id).await? {
        Some((table, version)) if table.store_id == bill.store_id => Ok((table, version)),
        _ => Err(Error::table_not_found(table_id)),
    }
}

/// The cart of `from` joins the cart of `to` (written at `version`); the joined cart goes out
/// after the commit. `from`'s own cart is emptied when the party leaves it.
async fn carry_cart(tx: &mut dyn Tx, from: i64, to: &TableRow, version: u64, outbox: &mut Outbox) -> Result<()> {
    for moving in tx.cart_lines(from).await? {
        let existing = tx.cart_line(to.id, moving.dish.id).await?;
        let line = rules::carried_line(existing.as_ref(), &moving.line, &moving.dish.name)?;
        let write = LineWrite::Upsert {
            dish_id: moving.dish.id,
            line,
        };
        tx.write_line(to.id, version, write).await?;
    }
    let lines = tx.cart_lines(to.id).await?;
    outbox.carts.push(crate::carts::cart_dto(&crate::db::CartSnapshot {
        table: to.clone(),
        version,
        lines,
    }));
    Ok(())
}
