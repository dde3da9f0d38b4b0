//! Refunds at the counter: money owed back to customers (a rejected paid order, a payment made
//! twice or after a cancel, a paid dish returned) and where getting it back stands. The server
//! asks the provider by itself; the merchant steps in when it cannot: 重试 a refund the provider
//! refused, or 已线下退款 once the money went back by hand.
//!
//! The desk keeps the open ones ([`OpenRefunds`]) current from the store stream, so the 退款
//! view and its count move without a reload; a refund that fails is a notification (see
//! [`crate::engine`]), because nobody else will notice it.

use std::collections::BTreeMap;

use orderbell_shared::refunds::{RefundDTO, RefundOfflineRequest};
use reqwest::Method;
use serde::Serialize;

use crate::api::Api;
use crate::error::Result;

/// The merchant's requests about refunds (owner and counter devices).
#[derive(Clone, Debug)]
pub struct Refunds {
    api: Api,
}

impl Refunds {
    pub(crate) fn new(api: Api) -> Refunds {
        Refunds { api }
    }

    /// The store's refunds, newest first: those not done yet, or (`all`) every one.
    pub async fn list(&self, all: bool) -> Result<Vec<RefundDTO>> {
        list(&self.api, all).await
    }

    /// 重试: the server asks the provider again at once (a failed or due refund paid online).
    pub async fn retry(&self, refund_id: i64) -> Result<RefundDTO> {
        self.post(refund_id, "retry", None::<&()>).await
    }

    /// 已线下退款: the money went back by hand; `note` says how (「已现金退还」).
    pub async fn mark_offline(&self, refund_id: i64, note: &str) -> Result<RefundDTO> {
        let body = RefundOfflineRequest { note: note.to_owned() };
        self.post(refund_id, "offline", Some(&body)).await
    }

    async fn post<B: Serialize>(&self, refund_id: i64, action: &str, body: Option<&B>) -> Result<RefundDTO> {
        let path = format!("/api/refunds/{refund_id}/{action}");
        Ok(self.api.server_request(Method::POST, &path, body).await?.json().await?)
    }
}

/// Which of the store's refunds: `open` (not done yet) or `all`.
#[derive(Serialize)]
struct RefundsQuery {
    status: &'static str,
}

/// `GET /api/stores/{store}/refunds?status=open|all`.
pub(crate) async fn list(api: &Api, all: bool) -> Result<Vec<RefundDTO>> {
    let query = RefundsQuery {
        status: if all { "all" } else { "open" },
    };
    Ok(api.store_query("refunds", &query).await?.json().await?)
}

/// The store's refunds not done yet, as this app knows them: read with the snapshot, then kept
/// current by `refund_update` events. Each event carries the whole refund as it now stands, so
/// the last one read is the truth, whatever came before it.
#[derive(Clone, Debug, Default)]
pub struct OpenRefunds {
    refunds: BTreeMap<i64, RefundDTO>,
    /// The snapshot's event id: the list read after it already reflects the events up to here.
    baseline: u64,
}

impl OpenRefunds {
    /// Start over from the list read after a snapshot of event id `baseline`.
    pub fn load(&mut self, open: Vec<RefundDTO>, baseline: u64) {
        self.baseline = baseline;
        self.refunds = open
            .into_iter()
            .filter(|r| !r.status.is_done())
            .map(|r| (r.refund_id, r))
            .collect();
    }

    /// A `refund_update` of event `id`: done refunds leave the list.
    pub fn apply(&mut self, id: u64, refund: &RefundDTO) {
        if id <= self.baseline {
            return;
        }
        if refund.status.is_done() {
            self.refunds.remove(&refund.refund_id);
        } else {
            self.refunds.insert(refund.refund_id, refund.clone());
        }
    }

    pub fn get(&self, refund_id: i64) -> Option<&RefundDTO> {
        self.refunds.get(&refund_id)
    }

    /// Newest first, as the server lists them.
    pub fn list(&self) -> Vec<RefundDTO> {
        let mut open: Vec<RefundDTO> = self.refunds.values().cloned().collect();
        open.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.refund_id)));
        open
    }
}

#[cfg(test)]
mod tests {
    use orderbell_shared::Event;
    use orderbell_shared::Money;
    use orderbell_shared::order::StoreSnapshot;
    use orderbell_shared::refunds::{RefundCause, RefundStatus, refund_no};

    use super::*;
    use crate::alerts::Effect;
    use crate::engine::Engine;
    use crate::notify::{Note, NoteKind};
    use crate::pairing::Role;
    use crate::saved::{Heard, Settings};

    const NOON: i64 = 1_763_812_800_000;

    fn refund(id: i64, status: RefundStatus, attempts: u32) -> RefundDTO {
        RefundDTO {
            refund_id: id,
            refund_no: refund_no(id),
            store_id: 1,
            order_id: Some(10 + id),
            order_no: Some(format!("OB{:08}", 10 + id)),
            bill_id: None,
            table_number: Some("A03".into()),
            cause: RefundCause::Rejected,
            amount: Money::from_cents(1200),
            status,
            provider: Some("wechat".into()),
            trade_no: Some(format!("OB{:08}", 10 + id)),
            transaction_id: Some("4200000001".into()),
            last_error: (status == RefundStatus::Failed).then(|| "基本账户余额不足，请充值后重新发起".into()),
            attempts,
            reason: None,
            created_at: NOON + id,
            completed_at: None,
            handled_by: None,
        }
    }

    fn snapshot(last_event_id: u64) -> StoreSnapshot {
        StoreSnapshot {
            store_id: 1,
            last_event_id,
            orders: Vec::new(),
            reminders: Vec::new(),
            receipts: Vec::new(),
            escalated: Vec::new(),
        }
    }

    /// A merchant's engine that has heard up to event 100, with `open` refunds read after it.
    fn engine(role: Role, heard_until: Option<u64>, open: Vec<RefundDTO>) -> Engine {
        let heard = Heard {
            last_event_id: heard_until,
            ..Heard::default()
        };
        let mut engine = Engine::new(role, heard, Settings::default());
        engine.refunds.load(open, 100);
        engine.load(snapshot(100), NOON);
        engine
    }

    fn update(engine: &mut Engine, id: u64, refund: RefundDTO) -> Vec<Effect> {
        engine
            .event(id, &Event::RefundUpdate(refund), NOON)
            .expect("a new event")
    }

    fn failed_notes(effects: &[Effect]) -> Vec<Note> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Notify(note) if matches!(note.kind, NoteKind::RefundFailed { .. }) => Some(note.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_failed_refund_notifies_once_and_nothing_else_does() {
        let mut engine = engine(Role::Merchant, Some(100), Vec::new());
        for (id, status) in [(101, RefundStatus::Due), (102, RefundStatus::Requested)] {
            let effects = update(&mut engine, id, refund(1, status, 1));
            assert!(effects.is_empty(), "{status:?} needs nobody yet: {effects:?}");
        }
        let effects = update(&mut engine, 103, refund(1, RefundStatus::Failed, 1));
        let notes = failed_notes(&effects);
        assert_eq!(notes.len(), 1, "one notification: {effects:?}");
        assert_eq!(notes[0].summary, "退款失败 A03号桌 ¥12.00");
        assert!(
            notes[0].body.contains("基本账户余额不足"),
            "says why: {}",
            notes[0].body
        );
        assert_eq!(engine.refunds.get(1).map(|r| r.status), Some(RefundStatus::Failed));

        assert_eq!(
            engine.event(103, &Event::RefundUpdate(refund(1, RefundStatus::Failed, 1)), NOON),
            None,
            "the same event again (a reconnect's replay) is not heard twice"
        );
        let effects = update(&mut engine, 104, refund(1, RefundStatus::Due, 1));
        assert!(effects.is_empty(), "retried: {effects:?}");
        let effects = update(&mut engine, 105, refund(1, RefundStatus::Succeeded, 2));
        assert!(effects.is_empty(), "refunded: {effects:?}");
        assert!(engine.refunds.list().is_empty(), "a done refund leaves the open list");
    }

    #[test]
    fn a_failure_after_a_retry_is_news_again() {
        let mut engine = engine(Role::Merchant, Some(100), Vec::new());
        assert_eq!(
            failed_notes(&update(&mut engine, 101, refund(1, RefundStatus::Failed, 1))).len(),
            1
        );
        assert!(update(&mut engine, 102, refund(1, RefundStatus::Due, 1)).is_empty());
        assert_eq!(
            failed_notes(&update(&mut engine, 103, refund(1, RefundStatus::Failed, 2))).len(),
            1,
            "refused again after the merchant's 重试"
        );
    }

    #[test]
    fn the_kitchen_is_not_told_about_money() {
        let mut engine = engine(Role::Kitchen, Some(100), Vec::new());
        assert!(update(&mut engine, 101, refund(1, RefundStatus::Failed, 1)).is_empty());
    }

    #[test]
    fn a_freshly_paired_app_does_not_announce_old_failures() {
        // Fresh: it replays the last events from 0 up to the snapshot (100).
        let mut engine = engine(Role::Merchant, None, vec![refund(1, RefundStatus::Failed, 1)]);
        assert!(update(&mut engine, 50, refund(1, RefundStatus::Failed, 1)).is_empty());
        assert_eq!(engine.refunds.list().len(), 1, "still listed, to be handled");
    }

    #[test]
    fn a_failure_missed_while_away_is_told_after_the_replay_only_if_it_still_failed() {
        // Heard up to 90; the snapshot is at 100. Refund 1 failed and is still failed; refund 2
        // failed and was handed back offline meanwhile (no longer in the open list).
        let mut engine = engine(Role::Merchant, Some(90), vec![refund(1, RefundStatus::Failed, 1)]);
        assert!(update(&mut engine, 91, refund(1, RefundStatus::Failed, 1)).is_empty());
        assert!(update(&mut engine, 92, refund(2, RefundStatus::Failed, 1)).is_empty());
        assert!(update(&mut engine, 93, refund(2, RefundStatus::Offline, 1)).is_empty());
        let caught_up = engine.server_at(93, NOON);
        let notes = failed_notes(&caught_up);
        assert_eq!(
            notes.iter().map(|n| n.kind).collect::<Vec<_>>(),
            [NoteKind::RefundFailed { refund_id: 1 }],
            "only the one still failed: {caught_up:?}"
        );
    }

    #[test]
    fn the_list_is_current_after_the_snapshot_and_newest_first() {
        let mut open = OpenRefunds::default();
        open.load(
            vec![refund(2, RefundStatus::Due, 0), refund(1, RefundStatus::Failed, 1)],
            100,
        );
        open.apply(99, &refund(2, RefundStatus::Succeeded, 1));
        assert_eq!(
            open.list().len(),
            2,
            "the list already reflects events up to the snapshot"
        );
        open.apply(101, &refund(3, RefundStatus::Due, 0));
        open.apply(102, &refund(1, RefundStatus::Offline, 1));
        let ids: Vec<i64> = open.list().iter().map(|r| r.refund_id).collect();
        assert_eq!(ids, [3, 2], "newest first, done ones gone");
    }
}
