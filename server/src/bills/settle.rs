//! Ending a bill at the counter: settle it (现金 with change, 收款码, 刷卡, 挂账 or 免单 with a
//! reason) or close it (清台; with a reason when money is still owed, recorded as 未结). Either
//! way the party leaves the table: the next scan starts a fresh bill.

use axum::extract::State;
use orderbell_shared::bills::{
    BillDTO, BillStatus, CloseBillRequest, PayMethod, SettleRequest, Settlement, TableClosed,
};
use orderbell_shared::{ErrorBody, Event};

use super::rules::{self, not_open};
use super::{Outbox, leave, read, staff};
use crate::auth::{Credential, Duty};
use crate::db::Tx;
use crate::db::bills::Closing;
use crate::domain::journal::Stream;
use crate::error::Result;
use crate::extract::{Json, Path};
use crate::journal;
use crate::state::AppState;

#[utoipa::path(post, path = "/api/bills/{bill_id}/settle", tag = "bills",
    summary = "结账（店主或前台）：现金（找零）、收款码、刷卡、挂账或免单（须写原因）；expectedOwed 与现在应收不符时 409 bill_changed",
    params(("bill_id" = i64, Path, description = "账单 id")),
    request_body = SettleRequest,
    responses((status = 200, body = BillDTO),
        (status = "4XX", body = ErrorBody, description = "409 bill_changed / bill_not_open / nothing_owed；400 invalid_method / cash_short / invalid_received / reason_required"))
)]
pub async fn settle(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(bill_id): Path<i64>,
    Json(req): Json<SettleRequest>,
) -> Result<Json<BillDTO>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let bill = read(&mut *tx, bill_id).await?;
    let by = staff(&state, grant, bill.store_id, Duty::TakePayment)?;
    let taking = rules::check_settle(bill.status, bill.owed, &req)?;
    let settlement = Settlement {
        method: req.method,
        amount: bill.owed,
        received: taking.received,
        change: taking.change,
        provider: None,
        transaction_id: None,
        reason: taking.reason.clone(),
        by: by.clone(),
        at: now,
    };
    let closing = Closing {
        status: BillStatus::Settled,
        at: now,
        reason: taking.reason.as_deref(),
        by: &by,
        merged_into: None,
        next_table: None,
    };
    let mut outbox = Outbox::default();
    let settled = end(&state, &mut *tx, &bill, &closing, Some(&settlement), &mut outbox).await?;
    outbox.commit(&state, tx).await?;
    tracing::info!(bill = bill_id, table = %settled.table_number, method = req.method.as_str(), amount = %settlement.amount, "bill settled");
    Ok(Json(settled))
}

#[utoipa::path(post, path = "/api/bills/{bill_id}/close", tag = "bills",
    summary = "清台（店主或前台）：结束这一桌；仍有待收金额时须写原因，记为未结",
    params(("bill_id" = i64, Path, description = "账单 id")),
    request_body = CloseBillRequest,
    responses((status = 200, body = BillDTO),
        (status = "4XX", body = ErrorBody, description = "409 bill_not_open；400 reason_required"))
)]
pub async fn close(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(bill_id): Path<i64>,
    Json(req): Json<CloseBillRequest>,
) -> Result<Json<BillDTO>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let bill = read(&mut *tx, bill_id).await?;
    let by = staff(&state, grant, bill.store_id, Duty::TakePayment)?;
    if bill.status != BillStatus::Open {
        return Err(not_open(bill.status));
    }
    let given = req.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let (reason, unpaid) = if bill.owed.cents() > 0 {
        let reason = rules::reason(given, "还有待收金额，清台")?;
        let unpaid = Settlement {
            method: PayMethod::Unpaid,
            amount: bill.owed,
            received: None,
            change: None,
            provider: None,
            transaction_id: None,
            reason: Some(reason.clone()),
            by: by.clone(),
            at: now,
        };
        (Some(reason), Some(unpaid))
    } else {
        (given.map(|r| rules::reason(Some(r), "清台")).transpose()?, None)
    };
    let closing = Closing {
        status: BillStatus::Closed,
        at: now,
        reason: reason.as_deref(),
        by: &by,
        merged_into: None,
        next_table: None,
    };
    let mut outbox = Outbox::default();
    let closed = end(&state, &mut *tx, &bill, &closing, unpaid.as_ref(), &mut outbox).await?;
    outbox.commit(&state, tx).await?;
    tracing::info!(bill = bill_id, table = %closed.table_number, owed = %bill.owed, "table closed");
    Ok(Json(closed))
}

/// End the open `bill` inside `tx` as `closing` says, with its settlement if any, and free its
/// table. The store hears `bill_settled` (when settled) then `table_closed`; the table's phones
/// get the ended bill.
pub(super) async fn end(
    state: &AppState,
    tx: &mut dyn Tx,
    bill: &BillDTO,
    closing: &Closing<'_>,
    settlement: Option<&Settlement>,
    outbox: &mut Outbox,
) -> Result<BillDTO> {
    // Inside the transaction that read it as open, so neither can fail; checked all the same.
    if let Some(settlement) = settlement
        && !tx.insert_settlement(bill.bill_id, settlement).await?
    {
        return Err(not_open(BillStatus::Settled));
    }
    if !tx.close_bill(bill.bill_id, closing).await? {
        return Err(not_open(bill.status));
    }
    leave(tx, outbox, bill.table_id).await?;
    let ended = read(tx, bill.bill_id).await?;
    let store = Stream::Store(bill.store_id);
    if closing.status == BillStatus::Settled {
        let settled = Event::BillSettled(ended.clone());
        outbox
            .entries
            .push(journal::append(tx, store, &settled, closing.at).await?);
    }
    let closed = Event::TableClosed(TableClosed {
        bill_id: bill.bill_id,
        table_id: bill.table_id,
        table_number: bill.table_number.clone(),
        status: closing.status,
        reason: closing.reason.map(str::to_owned),
        next_table_number: closing.next_table.map(str::to_owned),
        by: closing.by.to_owned(),
        at: closing.at,
    });
    outbox
        .entries
        .push(journal::append(tx, store, &closed, closing.at).await?);
    outbox.bill(state, bill.table_id, &ended);
    Ok(ended)
}
