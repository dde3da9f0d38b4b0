//! Paying a whole bill online (先吃后付): the customer pays what the bill owes through a provider
//! (or the simulator) under the bill's number (`BL…`), and the provider's notification settles
//! it — unless the bill was settled meanwhile (the counter took cash) or changed (a round was
//! added): then the money is recorded as owed back and the merchant is told. Never counted twice,
//! never dropped; a provider's retries of one transaction count once.

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::bills::{BillDTO, BillStatus, PayMethod, Settlement, bill_no};
use orderbell_shared::events::{AnomalyKind, PaymentAnomaly};
use orderbell_shared::{ErrorBody, Event};

use super::rules::not_open;
use super::settle::end;
use super::{Outbox, bill_dto, not_found, read};
use crate::auth::{Credential, Grant};
use crate::db::PaymentRow;
use crate::db::bills::Closing;
use crate::domain::charges::Paid;
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::journal;
use crate::orders::PaymentOutcome;
use crate::payments::{PaymentNotice, simulate};
use crate::refunds;
use crate::state::AppState;

/// Who settled a bill paid online.
const CUSTOMER: &str = "顾客在线支付";

#[utoipa::path(post, path = "/api/bills/{bill_id}/pay", tag = "bills",
    summary = "顾客在线支付整张账单（本桌这一轮的食客凭证，经内置支付模拟器）：立即回答 202，结果随后经回调到达",
    params(("bill_id" = i64, Path, description = "账单 id")),
    responses((status = 202, body = BillDTO), (status = "4XX", body = ErrorBody, description = "409 bill_not_open / nothing_owed"))
)]
pub async fn pay(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(bill_id): Path<i64>,
) -> Result<(StatusCode, Json<BillDTO>)> {
    let (bill, rounds) = payable_bill(&state, grant, bill_id).await?;
    // One transaction per bill as it stands: a second tap pays nothing twice; after 加菜 the
    // bill owes another amount, which is another payment.
    let trade_no = bill_no(bill_id);
    let transaction_id = format!("SIM{trade_no}R{rounds}A{}", bill.owed.cents());
    simulate(&state, &trade_no, transaction_id, bill.owed)?;
    Ok((StatusCode::ACCEPTED, Json(bill)))
}

/// The bill a diner of its sitting may pay online now, and how many rounds it has: refused
/// when it is not open or owes nothing.
pub async fn payable_bill(state: &AppState, grant: Grant, bill_id: i64) -> Result<(BillDTO, u32)> {
    let snapshot = state
        .db
        .bill_snapshot(bill_id)
        .await?
        .ok_or_else(|| not_found(bill_id))?;
    // The credential holds only for its table's current sitting, which an open bill there is.
    if grant.diner_at(snapshot.bill.table_id).is_none() {
        return Err(Error::Forbidden);
    }
    if snapshot.bill.status != BillStatus::Open {
        return Err(not_open(snapshot.bill.status));
    }
    let rounds = snapshot.bill.rounds;
    let bill = bill_dto(snapshot);
    if bill.owed.cents() == 0 {
        return Err(Error::Conflict {
            code: "nothing_owed",
            message: "这张账单现在没有待付金额".to_owned(),
            current: None,
        });
    }
    Ok((bill, rounds))
}

/// What an authentic notification for bill `bill_id` does.
pub async fn apply_bill_payment(state: &AppState, notice: &PaymentNotice, bill_id: i64) -> Result<PaymentOutcome> {
    if !notice.succeeded {
        return Ok(PaymentOutcome::Ignored);
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let bill = read(&mut *tx, bill_id).await?;
    let open = bill.status == BillStatus::Open;
    let applies = open && bill.owed.cents() > 0 && notice.amount == bill.owed;
    let row = PaymentRow {
        provider: notice.provider.as_str(),
        transaction_id: notice.transaction_id.clone(),
        notification_id: notice.notification_id.clone(),
        paid: Paid::Bill(bill_id),
        amount: notice.amount,
        outcome: if applies { "applied" } else { "refund_due" },
        received_at: now,
    };
    if !tx.insert_payment(&row).await? {
        return Ok(PaymentOutcome::Duplicate);
    }
    let mut outbox = Outbox::default();
    if applies {
        let settlement = Settlement {
            method: PayMethod::Online,
            amount: bill.owed,
            received: None,
            change: None,
            provider: Some(notice.provider.as_str().to_owned()),
            transaction_id: Some(notice.transaction_id.clone()),
            reason: None,
            by: CUSTOMER.to_owned(),
            at: now,
        };
        let closing = Closing {
            status: BillStatus::Settled,
            at: now,
            reason: None,
            by: CUSTOMER,
            merged_into: None,
            next_table: None,
        };
        end(state, &mut *tx, &bill, &closing, Some(&settlement), &mut outbox).await?;
        outbox.commit(state, tx).await?;
        tracing::info!(bill = %bill_no(bill_id), provider = notice.provider.as_str(), "bill paid online");
        return Ok(PaymentOutcome::Applied);
    }
    let message = if open {
        "账单金额已变（加菜或退菜），这笔在线付款没有计入：请退款，并请顾客按新金额支付"
    } else {
        "账单已结清后又收到在线付款：请退款"
    };
    let order_id = bill.rounds.last().map(|r| r.order_id);
    let refund = refunds::rules::on_bill_payment(bill.store_id, order_id, bill_id, notice.into(), now);
    outbox.entries.extend(refunds::record(&mut *tx, &refund).await?);
    let kind = AnomalyKind::DuplicatePayment;
    let raised = Event::PaymentAnomaly(PaymentAnomaly {
        kind,
        order_id: order_id.unwrap_or(0),
        order_no: bill_no(bill_id),
        table_number: bill.table_number.clone(),
        provider: notice.provider.as_str().to_owned(),
        transaction_id: notice.transaction_id.clone(),
        amount: notice.amount,
        message: message.to_owned(),
        at: now,
    });
    outbox
        .entries
        .push(journal::append(&mut *tx, Stream::Store(bill.store_id), &raised, now).await?);
    outbox.commit(state, tx).await?;
    tracing::warn!(bill = %bill_no(bill_id), open, "bill payment needs a refund");
    Ok(PaymentOutcome::RefundDue(kind))
}
