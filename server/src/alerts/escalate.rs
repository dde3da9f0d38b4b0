//! The escalation round: every second, each alert that needs a person is checked against its
//! store's settings and presence ([`super::rules`]), and escalated, settled or acted on.

use std::collections::HashMap;

use orderbell_shared::heard::{AlertEscalated, AlertSettings, AlertSettled, UnheardAction};
use orderbell_shared::order::order_no;
use orderbell_shared::{Actor, Event};

use super::rules::{Devices, Step, next_step};
use super::settings::load_settings;
use crate::bills::Outbox;
use crate::db::{Tx, alert_of};
use crate::domain::alerts::AlertRow;
use crate::domain::journal::Stream;
use crate::error::{Error, Result};
use crate::journal;
use crate::orders::rules::Action;
use crate::orders::transition;
use crate::state::AppState;

pub async fn round(state: &AppState) -> Result<()> {
    let now = state.clock.now_ms();
    let mut stores: HashMap<i64, (AlertSettings, bool)> = HashMap::new();
    for alert in state.db.alerts().await? {
        let (settings, known) = match stores.get(&alert.store_id) {
            Some(store) => store.clone(),
            None => {
                let settings = load_settings(state, alert.store_id).await?;
                let known = !state.db.devices(alert.store_id).await?.is_empty();
                stores.insert(alert.store_id, (settings.clone(), known));
                (settings, known)
            }
        };
        let devices = Devices {
            known,
            online: !state.presence.online(alert.store_id).is_empty(),
        };
        match next_step(&alert, devices, &settings, now) {
            Step::Wait => {}
            Step::Escalate(reason) => escalate(state, &alert, reason, now).await?,
            Step::Settle => {
                let mut tx = state.db.begin().await?;
                let mut outbox = Outbox::default();
                settle(state, &mut *tx, &mut outbox, &alert_key(&alert), alert.store_id, now).await?;
                outbox.commit(state, tx).await?;
            }
            Step::Act(action) => act(state, alert.order_id, action).await,
        }
    }
    Ok(())
}

/// Which alert: (order, reminder or 0).
pub struct AlertKey {
    pub order_id: i64,
    pub reminder_id: i64,
}

fn alert_key(alert: &AlertRow) -> AlertKey {
    AlertKey {
        order_id: alert.order_id,
        reminder_id: alert.reminder_id,
    }
}

async fn escalate(
    state: &AppState,
    alert: &AlertRow,
    reason: orderbell_shared::heard::EscalationReason,
    now: i64,
) -> Result<()> {
    let (kind, reminder_id) = alert_of(alert.reminder_id);
    let escalated = AlertEscalated {
        order_id: alert.order_id,
        order_no: order_no(alert.order_id),
        table_number: alert.table_number.clone(),
        alert: kind,
        reminder_id,
        reason,
        since: alert.since,
        at: now,
    };
    let mut tx = state.db.begin().await?;
    if !tx.insert_escalation(alert.store_id, &escalated).await? {
        return Ok(());
    }
    tracing::warn!(
        order_id = alert.order_id,
        reminder_id = alert.reminder_id,
        ?reason,
        "an alert went unheard; escalating"
    );
    let event = Event::AlertEscalated(escalated);
    let mut outbox = Outbox {
        entries: vec![
            journal::append(&mut *tx, Stream::Store(alert.store_id), &event, now).await?,
            journal::append(&mut *tx, Stream::Order(alert.order_id), &event, now).await?,
        ],
        ..Outbox::default()
    };
    tell_round(state, &mut *tx, &mut outbox, alert.order_id).await?;
    outbox.commit(state, tx).await
}

/// A round's alert escalated or settled: its table's phones see it on the bill (先吃后付 pages
/// follow the bill, not the round's own stream).
async fn tell_round(state: &AppState, tx: &mut dyn Tx, outbox: &mut Outbox, order_id: i64) -> Result<()> {
    match tx.order(order_id).await? {
        Some(order) => outbox.tell_round(state, tx, &order).await,
        None => Ok(()),
    }
}

/// End the alert's open escalation inside `tx`, telling the store and the customer (and the
/// round's table, on its bill) once `outbox` commits; nothing if it was not escalated.
pub async fn settle(
    state: &AppState,
    tx: &mut dyn Tx,
    outbox: &mut Outbox,
    key: &AlertKey,
    store_id: i64,
    now: i64,
) -> Result<()> {
    let Some(since) = tx.settle_escalation(key.order_id, key.reminder_id, now).await? else {
        return Ok(());
    };
    let (alert, reminder_id) = alert_of(key.reminder_id);
    let event = Event::AlertSettled(AlertSettled {
        order_id: key.order_id,
        alert,
        reminder_id,
        unheard_ms: now.saturating_sub(since).max(0),
        at: now,
    });
    outbox.entries.extend([
        journal::append(tx, Stream::Store(store_id), &event, now).await?,
        journal::append(tx, Stream::Order(key.order_id), &event, now).await?,
    ]);
    tell_round(state, tx, outbox, key.order_id).await
}

async fn act(state: &AppState, order_id: i64, action: UnheardAction) {
    let action = match action {
        UnheardAction::None => return,
        UnheardAction::Accept => Action::Accept,
        UnheardAction::Reject => Action::Reject {
            reason: "商家暂未响应，系统已自动拒单，款项将退回".to_owned(),
        },
    };
    match transition(state, order_id, action, Actor::System, |_| Ok(())).await {
        // Someone acted meanwhile: theirs wins.
        Ok(_) | Err(Error::Conflict { .. }) => {}
        Err(e) => tracing::warn!(error = ?e, order_id, "acting on an unheard order failed"),
    }
}
