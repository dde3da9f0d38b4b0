//! What the fake can be told to get wrong: notifications dropped, doubled or late, answers held
//! past the client's timeout or replayed from long ago, refunds failing or taking a while — all
//! things the real providers (or the network between) do now and then.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Notify;

use crate::Fake;

/// How notifications are sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyMode {
    #[default]
    Deliver,
    /// Never sent: only a query finds the payment.
    Drop,
    /// Sent twice, the second after the first was accepted.
    Duplicate,
    /// Sent `delayMs` late.
    Delay,
}

/// The faults in force; `POST /_fake/faults` changes the fields it names.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    pub notify: NotifyMode,
    pub delay_ms: u64,
    /// The next n API requests take effect, but their answers are held for `holdMs` (or until
    /// the faults are next changed): the client times out not knowing what happened.
    pub timeout_next: u32,
    pub hold_ms: u64,
    /// The next n refund requests fail with a system error and no effect.
    pub fail_refunds: u32,
    /// WeChat refunds answer PROCESSING, and succeed (with their notification) `processingMs` later.
    pub refund_processing: bool,
    pub processing_ms: u64,
    /// The next n WeChat API answers are signed ten minutes in the past: an old answer, authentic
    /// but replayed, as an attacker between the merchant and WeChat could send.
    pub stale_answers: u32,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            notify: NotifyMode::Deliver,
            delay_ms: 2_000,
            timeout_next: 0,
            hold_ms: 30_000,
            fail_refunds: 0,
            refund_processing: false,
            processing_ms: 500,
            stale_answers: 0,
        }
    }
}

#[derive(Default)]
pub(crate) struct Control {
    faults: Mutex<Faults>,
    /// Wakes held answers when the faults change.
    release: Notify,
}

impl Control {
    pub(crate) fn get(&self) -> Faults {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn change(&self, change: impl FnOnce(&mut Faults)) -> Faults {
        let changed = {
            let mut faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner);
            change(&mut faults);
            faults.clone()
        };
        self.release.notify_waiters();
        changed
    }

    /// Waits out the hold if this answer is one of the `timeoutNext`.
    pub(crate) async fn hold_answer(&self) {
        let hold = {
            let mut faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner);
            if faults.timeout_next == 0 {
                return;
            }
            faults.timeout_next -= 1;
            Duration::from_millis(faults.hold_ms)
        };
        let _ = tokio::time::timeout(hold, self.release.notified()).await;
    }

    /// How many seconds before now this answer is signed: 0, or ten minutes for one of the
    /// `staleAnswers`.
    pub(crate) fn answer_age_secs(&self) -> i64 {
        let mut faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner);
        if faults.stale_answers == 0 {
            return 0;
        }
        faults.stale_answers -= 1;
        10 * 60
    }

    /// Whether this refund request is one to fail.
    pub(crate) fn fail_refund(&self) -> bool {
        let mut faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner);
        let fail = faults.fail_refunds > 0;
        faults.fail_refunds = faults.fail_refunds.saturating_sub(1);
        fail
    }
}

pub(crate) async fn show(State(fake): State<Arc<Fake>>) -> Json<Faults> {
    Json(fake.faults.get())
}

/// Merges the fields sent into the faults in force.
pub(crate) async fn change(State(fake): State<Arc<Fake>>, Json(change): Json<Value>) -> Json<Faults> {
    let mut merged = serde_json::to_value(fake.faults.get()).unwrap_or_default();
    if let (Some(merged), Value::Object(change)) = (merged.as_object_mut(), change) {
        merged.extend(change);
    }
    let faults: Faults = serde_json::from_value(merged).unwrap_or_default();
    Json(fake.faults.change(|f| *f = faults))
}
