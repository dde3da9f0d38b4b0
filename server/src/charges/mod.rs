//! Payments created at a provider for an order or a bill (charges), and what happens to a
//! payment however we learn of it — its notification, or our query (查单).

mod http;
mod oauth;
mod reconcile;
pub mod rules;

use orderbell_shared::charges::{ChargeStatus, trade_number};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::bills::apply_bill_payment;
use crate::error::Result;
use crate::orders::{PaymentOutcome, apply_payment};
use crate::payments::PaymentNotice;
use crate::state::AppState;
use orderbell_shared::bills::parse_bill_no;
pub use reconcile::{close, round};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(http::methods))
        .routes(routes!(http::charge_order))
        .routes(routes!(http::charge_bill))
        .routes(routes!(oauth::start))
        .routes(routes!(oauth::back))
}

/// Apply an authentic payment, once, whether a notification brought it or a query found it.
pub async fn receive(state: &AppState, notice: &PaymentNotice) -> Result<PaymentOutcome> {
    // Trade numbers say what was paid: an order (`OB…`) or a table's whole bill (`BL…`).
    let outcome = match parse_bill_no(trade_number(&notice.trade_no)) {
        Some(bill_id) => apply_bill_payment(state, notice, bill_id).await?,
        None => apply_payment(state, notice).await?,
    };
    // Money arrived on this charge (applied now or before, or owed back): it is not open any
    // more, whatever brought the news. The simulator's charges carry the order's number.
    if outcome != PaymentOutcome::Ignored {
        let now = state.clock.now_ms();
        state.db.end_charge(&notice.trade_no, ChargeStatus::Paid, now).await?;
    }
    Ok(outcome)
}
