//! A stored bill as clients see it ([`BillDTO`]), and as it goes out on the table's stream
//! (`bill_update`).

use std::sync::atomic::{AtomicU64, Ordering};

use orderbell_shared::bills::{BillDTO, BillDiner};
use orderbell_shared::{MessageType, ServerMessage, sse};

use super::rules;
use crate::db::bills::BillSnapshot;
use crate::push::Encoded;
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
    pub fn new(feed: Feed<i64>) -> Self {
        BillFeed {
            feed,
            stamp: AtomicU64::new(0),
        }
    }

    /// Stamp `bill` for its table (or, after 换桌 or 并台, for the table it left: `table_id`).
    pub fn stamp(&self, table_id: i64, bill: &BillDTO) -> Pending {
        let seq = self.stamp.fetch_add(1, Ordering::SeqCst) + 1;
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
}
