//! A stored bill as clients see it ([`BillDTO`]), and as it goes out on the table's stream
//! (`bill_update`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use orderbell_shared::bills::{BillDTO, BillDiner};
use orderbell_shared::{MessageType, ServerMessage, sse};
use prometheus_client::metrics::counter::Counter;

use super::rules;
use crate::db::bills::BillSnapshot;
use crate::push::Encoded;
use crate::push::bus::{Bus, Topic};
use crate::push::feed::Feed;

pub fn bill_dto(snapshot: BillSnapshot) -> BillDTO {
    let BillSnapshot {
        bill,
        rounds,
        diners,
        settlement,
        replies,
        unheard,
    } = snapshot;
    let sums = rules::sums(bill.status, &rounds);
    BillDTO {
        bill_id: bill.id,
        store_id: bill.store_id,
        table_id: bill.table_id,
        table_number: bill.table_number,
        mode: bill.mode,
        status: bill.status,
        opened_at: bill.opened_at,
        closed_at: bill.closed_at,
        rounds,
        total: sums.total,
        paid: sums.paid,
        owed: sums.owed,
        settlement,
        close_reason: bill.close_reason,
        next_table_number: bill.next_table,
        diners: diners
            .iter()
            .enumerate()
            .map(|(position, d)| BillDiner {
                diner_id: d.diner_id,
                label: rules::diner_label(d.phone.as_deref(), position),
            })
            .collect(),
        replies,
        unheard,
    }
}

/// The tables' `bill_update`s, one topic per table. Each update is stamped while its transaction
/// still holds the database's write lock, so stamps follow the order changes commit in, and a
/// phone never steps back to an older bill when two publications cross.
///
/// A stamp is a hybrid clock (microseconds since 1970, or one more than the last stamp made or
/// heard from another instance if that is later): with several instances, a change committed
/// after another one's is stamped later as long as their clocks agree closer than the time
/// between two changes to one bill.
#[derive(Default)]
pub struct BillFeed {
    pub feed: Feed<i64>,
    stamp: AtomicU64,
}

/// A bill update stamped inside its transaction, to be sent once that commits.
pub struct Pending {
    table_id: i64,
    event: Encoded,
}

impl BillFeed {
    /// A feed whose updates, counted in `published`, also reach the other instances through `bus`.
    pub fn relayed(bus: &Arc<Bus>, published: Counter) -> Self {
        BillFeed {
            feed: Feed::relayed(bus, |table_id| Topic::Bill(*table_id), published),
            stamp: AtomicU64::new(0),
        }
    }

    fn next_stamp(&self) -> u64 {
        let now = crate::clock::now_micros();
        let previous = self
            .stamp
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some((last + 1).max(now)))
            .unwrap_or_else(|last| last);
        (previous + 1).max(now)
    }

    /// Stamp `bill` for its table (or, after 换桌 or 并台, for the table it left: `table_id`).
    pub fn stamp(&self, table_id: i64, bill: &BillDTO) -> Pending {
        let seq = self.next_stamp();
        let data = serde_json::to_string(bill).unwrap_or_else(|_| "{}".to_owned());
        let message = ServerMessage {
            kind: MessageType::BillUpdate,
            message: MessageType::BillUpdate.message().to_owned(),
            code: None,
            data: Some(bill),
            timestamp: crate::clock::now_ms(),
        };
        let ws = serde_json::to_string(&message).unwrap_or_default();
        // No SSE id: a table stream's ids are its cart's versions. A phone that missed an update
        // reads the bill again when it reconnects.
        Pending {
            table_id,
            event: Encoded::notice(seq, sse::BILL_UPDATE, &data, ws),
        }
    }

    pub fn send(&self, pending: Vec<Pending>) {
        for p in pending {
            self.feed.publish(p.table_id, p.event);
        }
    }

    /// An update another instance stamped: this instance's next stamps come after it.
    pub fn deliver(&self, table_id: i64, event: Encoded) {
        self.stamp.fetch_max(event.seq, Ordering::SeqCst);
        self.feed.deliver(table_id, event);
    }

    /// Show `bill` to this instance's phones at `table_id` only (read again after the bus was
    /// away).
    pub fn show(&self, table_id: i64, bill: &BillDTO) {
        let p = self.stamp(table_id, bill);
        self.feed.deliver(p.table_id, p.event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_comes_after_every_stamp_made_here_or_heard_from_another_instance() {
        let bills = BillFeed::default();
        let first = bills.next_stamp();
        assert!(bills.next_stamp() > first);
        // Another instance's stamps ran ahead (its clock, or a burst of changes).
        let ahead = first + 60_000_000;
        bills.deliver(1, Encoded::notice(ahead, sse::BILL_UPDATE, "{}", String::new()));
        let next = bills.next_stamp();
        assert!(next > ahead, "{next} after {ahead}");
        assert!(bills.next_stamp() > next);
    }
}
