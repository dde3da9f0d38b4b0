//! The built-in payment simulator: the embedded default's stand-in for a provider's sandbox.
//!
//! The customer's "pay" step makes it send a correctly signed `hmac` notification to this
//! server's own callback URL, over a real HTTP connection, retrying like a provider does. So the
//! demo and the tests take exactly the path a real payment takes.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::payment::{PAYMENT_SUCCEEDED, WebhookNotification, WebhookPayment};
use orderbell_shared::{ErrorBody, Money, OrderDTO, OrderStatus};

use async_trait::async_trait;
use orderbell_shared::charges::{PayChannel, trade_number};
use orderbell_shared::order::parse_order_no;

use super::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, GatewayResult, Provider, RefundOrder, RefundState,
    TradeState, webhook,
};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::orders::transition_conflict;
use crate::state::AppState;

/// Delays between attempts, as a provider backs off.
const RETRIES: [Duration; 4] = [
    Duration::ZERO,
    Duration::from_millis(500),
    Duration::from_secs(2),
    Duration::from_secs(10),
];

pub struct Simulator {
    client: reqwest::Client,
    notify_url: String,
}

impl Simulator {
    /// `base_url`: where this server can reach itself.
    pub fn new(base_url: &str) -> Self {
        Simulator {
            client: reqwest::Client::new(),
            notify_url: format!("{base_url}/api/pay/notify/hmac"),
        }
    }
}

/// `POST /api/orders/{orderId}/pay`: the customer pays through the simulator. Answers at once
/// (202) with the order still unpaid; the payment arrives as the provider's callback and the
/// order stream says `支付成功`.
#[utoipa::path(post, path = "/api/orders/{order_id}/pay", tag = "payments",
    summary = "用内置支付模拟器付款（订单凭证）：立即回答 202，支付结果随后经回调到达",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 202, body = OrderDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn pay(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(order_id): Path<i64>,
) -> Result<(StatusCode, Json<OrderDTO>)> {
    grant.for_order(order_id)?;
    if state.payments.simulator.is_none() {
        return Err(disabled());
    }
    let order = state
        .db
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    match order.status {
        OrderStatus::PendingPayment => {}
        OrderStatus::Cancelled => return Err(transition_conflict(&order)),
        _ => return Ok((StatusCode::OK, Json(order))),
    }
    // One order, one simulated transaction: a double tap on 去支付 (or a tap after a restart)
    // sends the same transaction again, which counts once, as a customer paying once expects.
    // Random ids made each tap a second charge that the merchant was told to refund.
    simulate(
        &state,
        &order.order_no,
        format!("SIM{}", order.order_no),
        order.total_amount,
    )?;
    Ok((StatusCode::ACCEPTED, Json(order)))
}

/// Have the simulator pay `amount` for `trade_no` (an order's `OB…` or a bill's `BL…`) as the
/// provider's transaction `transaction_id`: it calls this server back like a provider, retrying.
pub fn simulate(state: &AppState, trade_no: &str, transaction_id: String, amount: Money) -> Result<()> {
    let simulator = state.payments.simulator.as_ref().ok_or_else(disabled)?;
    let notification = WebhookNotification {
        kind: PAYMENT_SUCCEEDED.to_owned(),
        data: WebhookPayment {
            trade_no: trade_no.to_owned(),
            transaction_id,
            amount,
            merchant_id: state.payments.webhook.merchant_id().to_owned(),
        },
    };
    let body = serde_json::to_vec(&notification)?;
    let id = format!("msg_sim_{}", notification.data.transaction_id);
    let (client, url, clock) = (
        simulator.client.clone(),
        simulator.notify_url.clone(),
        state.clock.clone(),
    );
    let payments = state.payments.clone();
    tokio::spawn(async move {
        for delay in RETRIES {
            // Even a zero sleep waits for the timer's next tick (about a millisecond), which a
            // payment's first attempt would add to every order_paid.
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            // Each attempt is signed afresh, as providers do, so retries stay within the window.
            let timestamp = clock.now_ms() / 1000;
            let signature = webhook::sign(&payments.webhook, &id, timestamp, &body);
            let sent = client
                .post(&url)
                .header("content-type", "application/json")
                .header("webhook-id", &id)
                .header("webhook-timestamp", timestamp.to_string())
                .header("webhook-signature", signature)
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => return,
                Ok(response) if response.status().is_client_error() => {
                    tracing::warn!(status = %response.status(), "the simulated payment was refused");
                    return;
                }
                Ok(response) => tracing::warn!(status = %response.status(), "simulated payment: retrying"),
                Err(e) => tracing::warn!(error = %e, "simulated payment: retrying"),
            }
        }
    });
    Ok(())
}

fn disabled() -> Error {
    Error::BadRequest {
        status: StatusCode::NOT_FOUND,
        code: "simulator_disabled",
        message: "本服务器只收真实支付，模拟支付已关闭".into(),
    }
}

/// The simulator as a [`Gateway`], so that the embedded default takes the path real money takes:
/// a charge sends the customer to the simulator's cashier page, and a refund is asked for and
/// confirmed like a provider's (the simulator refunds at once; no money moves).
pub struct SimulatorGateway;

#[async_trait]
impl Gateway for SimulatorGateway {
    fn provider(&self) -> Provider {
        Provider::Hmac
    }

    fn channels(&self) -> Vec<PayChannel> {
        vec![PayChannel::Simulator]
    }

    async fn create(&self, charge: &ChargeOrder) -> GatewayResult<ChargeStart> {
        // The cashier page of an order; the customer page adds the order's token to it.
        match parse_order_no(trade_number(&charge.trade_no)) {
            Some(order_id) => Ok(ChargeStart::Redirect(format!("/pay/{order_id}"))),
            None => Err(GatewayError::Refused {
                code: "SIMULATOR".into(),
                message: "模拟支付只收订单的付款".into(),
            }),
        }
    }

    /// Its payments always arrive as notifications (retried), so a query has nothing to add.
    async fn query(&self, _trade_no: &str) -> GatewayResult<TradeState> {
        Ok(TradeState::Waiting)
    }

    async fn close(&self, _trade_no: &str) -> GatewayResult<CloseOutcome> {
        Ok(CloseOutcome::Closed)
    }

    async fn refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        Ok(RefundState::Succeeded {
            provider_refund_id: Some(format!("SIM{}", refund.refund_no)),
        })
    }

    async fn query_refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        self.refund(refund).await
    }
}
