//! Payments created at a provider for an order or a bill (charges), and what happens to a
//! payment however we learn of it — its notification, or our query (查单).

use crate::bills::apply_bill_payment;
use crate::error::Result;
use crate::orders::{PaymentOutcome, apply_payment};
use crate::payments::PaymentNotice;
use crate::state::AppState;
use orderbell_shared::bills::parse_bill_no;
use orderbell_shared::charges::trade_number;

/// Apply an authentic payment, once, whether a notification brought it or a query found it.
pub async fn receive(state: &AppState, notice: &PaymentNotice) -> Result<PaymentOutcome> {
    // Trade numbers say what was paid: an order (`OB…`) or a table's whole bill (`BL…`).
    match parse_bill_no(trade_number(&notice.trade_no)) {
        Some(bill_id) => apply_bill_payment(state, notice, bill_id).await,
        None => apply_payment(state, notice).await,
    }
}
