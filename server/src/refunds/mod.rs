//! Refunds: owed, requested from the provider, confirmed; or handed back offline.

use crate::error::Result;
use crate::payments::RefundNotice;
use crate::state::AppState;

/// A provider's word on a refund we asked for.
pub async fn confirm(_state: &AppState, notice: &RefundNotice) -> Result<()> {
    tracing::info!(refund = %notice.refund_no, state = ?notice.state, "refund notification");
    Ok(())
}
