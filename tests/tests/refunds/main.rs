//! Refunds, end to end: each cause writes a refund of the payment it gives back from, announced
//! on the store's stream and the order's; the provider is asked for it (the simulator, or a
//! double of a provider that fails, stalls or refuses on cue) until it is done; the merchant
//! lists, retries and marks them offline.

mod access;
mod causes;
mod provider;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use orderbell_server::payments::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, GatewayResult, Provider, RefundOrder, RefundState,
    TradeState,
};
use orderbell_shared::SubmittedOrder;
use orderbell_shared::charges::PayChannel;
use orderbell_shared::refunds::RefundDTO;
pub use orderbell_tests::refused;
use orderbell_tests::{PATIENCE, TestServer};
use serde_json::json;

/// The merchant rejects the order.
pub async fn reject(server: &TestServer, order: &SubmittedOrder) {
    let response = server
        .post(
            &format!("/api/orders/{}/reject", order.order.order_id),
            &server.merchant,
            json!({"reason": "食材用完了"}),
        )
        .await;
    assert_eq!(response.status(), 200, "the merchant rejects a paid order");
}

/// The order's refunds, as its customer sees them.
pub async fn refunds_of(server: &TestServer, order: &SubmittedOrder) -> Vec<RefundDTO> {
    let path = format!("/api/orders/{}/refunds", order.order.order_id);
    let response = server.get(&path, &order.token).await;
    assert_eq!(response.status(), 200, "the customer reads the order's refunds");
    response.json().await.expect("refunds")
}

/// Wait until the order has one refund and `done` holds for it; that refund.
pub async fn refund_when(server: &TestServer, order: &SubmittedOrder, done: impl Fn(&RefundDTO) -> bool) -> RefundDTO {
    let wait = async {
        loop {
            if let [refund] = refunds_of(server, order).await.as_slice()
                && done(refund)
            {
                return refund.clone();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .expect("the refund gets where it should")
}

/// What the double was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    Refund(RefundOrder),
    Query(RefundOrder),
}

/// A provider's double at the `Gateway` boundary, standing in for the simulator (`hmac`): each
/// refund request takes the next scripted answer (then succeeds), each query likewise.
#[derive(Default)]
pub struct Scripted {
    refunds: Mutex<VecDeque<GatewayResult<RefundState>>>,
    queries: Mutex<VecDeque<GatewayResult<RefundState>>>,
    asked: Mutex<Vec<Asked>>,
    succeeded: Mutex<u32>,
}

impl Scripted {
    pub fn new(
        refunds: impl IntoIterator<Item = GatewayResult<RefundState>>,
        queries: impl IntoIterator<Item = GatewayResult<RefundState>>,
    ) -> Arc<Self> {
        Arc::new(Scripted {
            refunds: Mutex::new(refunds.into_iter().collect()),
            queries: Mutex::new(queries.into_iter().collect()),
            ..Scripted::default()
        })
    }

    pub fn asked(&self) -> Vec<Asked> {
        self.asked.lock().expect("lock").clone()
    }

    /// How many answers said the money went back.
    pub fn successes(&self) -> u32 {
        *self.succeeded.lock().expect("lock")
    }

    fn answer(&self, script: &Mutex<VecDeque<GatewayResult<RefundState>>>, asked: Asked) -> GatewayResult<RefundState> {
        self.asked.lock().expect("lock").push(asked);
        let answer = script.lock().expect("lock").pop_front().unwrap_or(Ok(succeeded()));
        if matches!(answer, Ok(RefundState::Succeeded { .. })) {
            *self.succeeded.lock().expect("lock") += 1;
        }
        answer
    }
}

pub fn succeeded() -> RefundState {
    RefundState::Succeeded {
        provider_refund_id: Some("50300000001".into()),
    }
}

pub fn processing() -> RefundState {
    RefundState::Processing {
        provider_refund_id: Some("50300000001".into()),
    }
}

pub fn unavailable() -> GatewayError {
    GatewayError::Unavailable("connection reset".into())
}

#[async_trait]
impl Gateway for Scripted {
    fn provider(&self) -> Provider {
        Provider::Hmac
    }

    fn channels(&self) -> Vec<PayChannel> {
        vec![PayChannel::Simulator]
    }

    async fn create(&self, _: &ChargeOrder) -> GatewayResult<ChargeStart> {
        Err(unavailable())
    }

    async fn query(&self, _: &str) -> GatewayResult<TradeState> {
        Ok(TradeState::Waiting)
    }

    async fn close(&self, _: &str) -> GatewayResult<CloseOutcome> {
        Ok(CloseOutcome::Closed)
    }

    async fn refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        self.answer(&self.refunds, Asked::Refund(refund.clone()))
    }

    async fn query_refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        self.answer(&self.queries, Asked::Query(refund.clone()))
    }
}
