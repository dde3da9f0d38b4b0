//! Orders, payments, 催单 and the durable store stream, end to end.

mod access;
mod flow;
mod heard;
mod payments;
mod reminders;
mod resume;
mod transitions;
mod websocket;

use orderbell_shared::OrderStatus;
pub use orderbell_tests::refused;

/// Assert a 409 that names the order's current status.
pub async fn conflict(response: reqwest::Response, current: OrderStatus) {
    let body = refused(response, 409, "invalid_transition").await;
    assert_eq!(
        body.current_status,
        Some(current),
        "a conflict says where the order stands"
    );
}
