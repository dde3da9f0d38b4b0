//! Every API request received, parsed, so tests can check what the server asked for to the fen.

use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Fake, Provider};

/// One API request and how it was answered.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recorded {
    pub provider: Provider,
    pub method: String,
    /// The path and query as sent.
    pub path: String,
    /// WeChat: `native`, `jsapi`, `h5`, `query`, `close`, `refund`, `refund_query`; Alipay: the
    /// `method` parameter (`alipay.trade.precreate` …).
    pub operation: String,
    /// WeChat: the JSON body as sent (`amount.total` in fen). Alipay: the parameters, with
    /// `biz_content` parsed (`total_amount`, `refund_amount` as the strings sent).
    pub params: Value,
    /// The HTTP status answered (Alipay: 200, with the business code in `code`).
    pub status: u16,
    /// WeChat `code` or Alipay `sub_code` of a refusal.
    pub code: Option<String>,
}

#[derive(Default)]
pub(crate) struct Log(Mutex<Vec<Recorded>>);

impl Log {
    pub(crate) fn push(&self, recorded: Recorded) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(recorded);
    }

    pub(crate) fn all(&self) -> Vec<Recorded> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

pub(crate) async fn list(State(fake): State<Arc<Fake>>) -> Json<Vec<Recorded>> {
    Json(fake.log.all())
}
