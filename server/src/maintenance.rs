//! Housekeeping that runs beside the server: cancel orders left unpaid too long, prune store
//! streams to their retention (clients asking for pruned ids are told to resync), and forget live
//! topics nobody listens to any more; and, every second, escalate alerts nobody heard and ask
//! the providers for the refunds due.

use std::time::Duration;

use orderbell_shared::Actor;

use orderbell_shared::charges::ChargeStatus;

use crate::domain::charges::Paid;
use crate::error::{Error, Result};
use crate::orders::rules::Action;
use crate::orders::transition;
use crate::refunds;
use crate::state::AppState;
use crate::{alerts, charges};

pub struct Schedule {
    pub every: Duration,
    pub retention: u64,
}

/// Alerts are checked more often than the rest: an unheard order must escalate within seconds.
const ALERT_ROUND: Duration = Duration::from_secs(1);

pub async fn run(state: AppState, schedule: Schedule) {
    let mut tick = tokio::time::interval(schedule.every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut alert_tick = tokio::time::interval(ALERT_ROUND.min(schedule.every));
    alert_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut refunds = refunds::worker::Rounds::default();
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => return refunds.stop(),
            _ = alert_tick.tick() => {
                if let Err(e) = alerts::round(&state).await {
                    tracing::warn!(error = ?e, "the alert round failed");
                }
                // Asking providers about open charges (查单) shares the alerts' quick round: a
                // customer waits at the table for a payment whose notification was lost.
                if let Err(e) = charges::round(&state).await {
                    tracing::warn!(error = ?e, "the charge query round failed");
                }
                refunds.tick(&state);
                continue;
            }
            _ = tick.tick() => {}
        }
        expire_unpaid(&state).await;
        if let Err(e) = state.db.prune_store_streams(schedule.retention).await {
            tracing::warn!(error = ?e, "pruning old events failed");
        }
        state.carts.sweep();
        state.menus.sweep();
        state.journal.sweep();
    }
}

async fn expire_unpaid(state: &AppState) {
    let timeout = i64::try_from(state.unpaid_timeout.as_millis()).unwrap_or(i64::MAX);
    let cutoff = state.clock.now_ms().saturating_sub(timeout);
    let due = match state.db.unpaid_before(cutoff).await {
        Ok(due) => due,
        Err(e) => return tracing::warn!(error = ?e, "finding unpaid orders failed"),
    };
    for order_id in due {
        // Closed at the provider first (关单), so that no payment can arrive for a cancelled
        // order; one that was paid meanwhile is applied, and the cancel below then conflicts.
        if let Err(e) = close_charges(state, order_id).await {
            tracing::warn!(error = %e, order_id, "closing an unpaid order's payments failed; trying next round");
            continue;
        }
        match transition(state, order_id, Action::Expire, Actor::System, |_| Ok(())).await {
            // Paid in the meantime: exactly what should win.
            Ok(_) | Err(Error::Conflict { .. }) => {}
            Err(e) => tracing::warn!(error = ?e, order_id, "cancelling an unpaid order failed"),
        }
    }
}

/// Close every open charge of the order; an error if any could not be.
async fn close_charges(state: &AppState, order_id: i64) -> Result<()> {
    for charge in state.db.charges_of(Paid::Order(order_id)).await? {
        if charge.status == ChargeStatus::Open {
            charges::close(state, &charge).await?;
        }
    }
    Ok(())
}
