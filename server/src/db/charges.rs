//! What storage knows of charges: the payments created at a provider for an order or a bill, what
//! the customer page was handed for each, and when each is next queried (查单).

use async_trait::async_trait;
use orderbell_shared::charges::ChargeStatus;

use crate::domain::charges::{ChargeRow, Paid};
use crate::error::Result;

#[async_trait]
pub trait ChargeStore: Send + Sync {
    /// Every charge of an order or a bill, oldest first.
    async fn charges_of(&self, paid: Paid) -> Result<Vec<ChargeRow>>;

    /// False, with nothing written, if the trade number is taken (another tap got there first).
    async fn insert_charge(&self, charge: &ChargeRow) -> Result<bool>;

    /// Up to `limit` open charges whose next query is due at `now`, most overdue first.
    async fn due_charges(&self, now: i64, limit: u32) -> Result<Vec<ChargeRow>>;

    /// Move an open charge to `paid` or `closed`; a charge no longer open keeps its status.
    async fn end_charge(&self, trade_no: &str, status: ChargeStatus, at: i64) -> Result<()>;

    /// Record a query of an open charge and when the next one is due.
    async fn charge_queried(&self, trade_no: &str, queries: u32, next_query_at: i64) -> Result<()>;
}
