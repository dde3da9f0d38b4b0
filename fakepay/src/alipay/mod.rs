//! Alipay OpenAPI at `/gateway.do`.

use std::sync::Arc;

use axum::Router;

use crate::Fake;
use crate::payer::PayError;

#[derive(Default)]
pub(crate) struct Book {}

impl Book {
    pub(crate) fn open(&self) -> Vec<(String, String, i64)> {
        Vec::new()
    }
}

pub(crate) fn routes() -> Router<Arc<Fake>> {
    Router::new()
}

pub(crate) fn pay(_fake: &Arc<Fake>, _trade_no: &str) -> Result<(), PayError> {
    Err(PayError::NotFound)
}
