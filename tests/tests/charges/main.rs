//! Charges end to end: payments created through the provider boundary, found by query when the
//! notification is lost (查单), closed before an unpaid order is cancelled (关单).
//!
//! The simulator is the server's own provider. For what the simulator cannot show (a lost
//! notification, a close racing a payment, a provider that does not answer) the tests stand in
//! for a provider at its boundary with [`Ledger`]: a `Gateway` answering from a ledger the test
//! holds, as a provider answers from its own.

mod create;
mod reconcile;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use orderbell_server::payments::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, GatewayResult, Provider, RefundOrder, RefundState,
    TradeState,
};
use orderbell_shared::charges::{ChargeDTO, PayChannel};
use orderbell_shared::{Money, SubmittedOrder};
use orderbell_tests::TestServer;
use orderbell_tests::providers::FakeWebhook;
pub use orderbell_tests::refused;
use serde_json::json;

/// A trade as the provider holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trade {
    Waiting(Money),
    Paid { transaction_id: String, amount: Money },
    Closed,
}

#[derive(Default)]
struct Book {
    trades: HashMap<String, Trade>,
    /// The provider does not answer (a network fault, an outage).
    unreachable: bool,
    /// The payer pays at the very moment we close: the close finds it paid.
    pays_as_closed: bool,
    closes_asked: u32,
}

/// A provider's side of our charges, held by the test.
#[derive(Clone, Default)]
pub struct Ledger(Arc<Mutex<Book>>);

impl Ledger {
    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The payer pays an open trade (scans the code): the notification of it is lost.
    pub fn pay(&self, trade_no: &str, transaction_id: &str) {
        let mut book = self.book();
        let trade = book.trades.get_mut(trade_no).expect("the trade was created");
        let Trade::Waiting(amount) = trade.clone() else {
            panic!("only an open trade can be paid: {trade:?}");
        };
        *trade = Trade::Paid {
            transaction_id: transaction_id.into(),
            amount,
        };
    }

    pub fn trade(&self, trade_no: &str) -> Option<Trade> {
        self.book().trades.get(trade_no).cloned()
    }

    pub fn set_unreachable(&self, unreachable: bool) {
        self.book().unreachable = unreachable;
    }

    pub fn pay_as_closed(&self) {
        self.book().pays_as_closed = true;
    }

    pub fn closes_asked(&self) -> u32 {
        self.book().closes_asked
    }

    fn reachable(&self) -> GatewayResult<std::sync::MutexGuard<'_, Book>> {
        let book = self.book();
        if book.unreachable {
            return Err(GatewayError::Unavailable("connection refused".into()));
        }
        Ok(book)
    }
}

#[async_trait]
impl Gateway for Ledger {
    /// Signed like the simulator, so the test can also send the notification the provider would.
    fn provider(&self) -> Provider {
        Provider::Hmac
    }

    fn channels(&self) -> Vec<PayChannel> {
        vec![PayChannel::WechatNative, PayChannel::WechatJsapi, PayChannel::AlipayQr]
    }

    async fn create(&self, charge: &ChargeOrder) -> GatewayResult<ChargeStart> {
        let mut book = self.reachable()?;
        book.trades
            .insert(charge.trade_no.clone(), Trade::Waiting(charge.amount));
        Ok(ChargeStart::QrCode(format!(
            "weixin://wxpay/bizpayurl?pr={}",
            charge.trade_no
        )))
    }

    async fn query(&self, trade_no: &str) -> GatewayResult<TradeState> {
        let book = self.reachable()?;
        Ok(match book.trades.get(trade_no) {
            None => TradeState::NotFound,
            Some(Trade::Waiting(_)) => TradeState::Waiting,
            Some(Trade::Closed) => TradeState::Closed,
            Some(Trade::Paid { transaction_id, amount }) => TradeState::Paid {
                transaction_id: transaction_id.clone(),
                amount: *amount,
            },
        })
    }

    async fn close(&self, trade_no: &str) -> GatewayResult<CloseOutcome> {
        let mut book = self.book();
        book.closes_asked += 1;
        if book.unreachable {
            return Err(GatewayError::Unavailable("connection refused".into()));
        }
        let pays = book.pays_as_closed;
        let Some(trade) = book.trades.get_mut(trade_no) else {
            return Ok(CloseOutcome::Closed);
        };
        if let (Trade::Waiting(amount), true) = (trade.clone(), pays) {
            *trade = Trade::Paid {
                transaction_id: format!("TX-{trade_no}"),
                amount,
            };
        }
        Ok(match trade {
            Trade::Paid { .. } => CloseOutcome::AlreadyPaid,
            Trade::Waiting(_) | Trade::Closed => {
                *trade = Trade::Closed;
                CloseOutcome::Closed
            }
        })
    }

    async fn refund(&self, _refund: &RefundOrder) -> GatewayResult<RefundState> {
        Err(GatewayError::Refused {
            code: "NOT_HERE".into(),
            message: "charges tests refund nothing".into(),
        })
    }

    async fn query_refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        self.refund(refund).await
    }
}

/// A server whose only provider is the test's [`Ledger`] (no simulator, which is the same
/// provider), trusting `FakeWebhook`'s notifications.
pub async fn server_with_ledger() -> (TestServer, Ledger, FakeWebhook) {
    let (ledger, webhook) = (Ledger::default(), FakeWebhook::new());
    let server = TestServer::start_with_gateway(
        |c| {
            c.payments.no_simulator = true;
            c.payments.webhook_secret = Some(webhook.secret.parse().expect("secret"));
            c.payments.webhook_merchant_id = webhook.merchant_id.clone();
        },
        Arc::new(ledger.clone()),
    )
    .await;
    (server, ledger, webhook)
}

/// `POST /api/orders/{id}/charges` with the order's token.
pub async fn charge(server: &TestServer, order: &SubmittedOrder, body: serde_json::Value) -> reqwest::Response {
    let path = format!("/api/orders/{}/charges", order.order.order_id);
    server.post(&path, &order.token, body).await
}

/// A charge made: its status (201 new, 200 the same again) and what the page is handed.
pub async fn charged(response: reqwest::Response, status: u16) -> ChargeDTO {
    assert_eq!(response.status(), status, "expected a charge with {status}");
    response.json().await.expect("a ChargeDTO")
}

pub fn channel(name: &str) -> serde_json::Value {
    json!({ "channel": name })
}
