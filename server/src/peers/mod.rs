//! What the other instances' notes do on this one, and catching up from the database what the
//! bus may have missed (`--redis-url`). The bus (`push::bus`) only carries notes; the feeds,
//! links, credentials and presence they change are the resources', so the orchestration lives
//! here, above both, and the push layer keeps pointing one way.

mod catch_up;

use std::time::Duration;

use crate::push::bus::{Depth, Note, Recipient, Topic};
use crate::state::AppState;

impl Recipient for AppState {
    async fn deliver(&self, origin: u64, note: Note) {
        match note {
            Note::Event(Topic::Cart(table_id), event) => self.carts.deliver(table_id, event),
            Note::Event(Topic::Menu(store_id), event) => self.menus.deliver(store_id, event),
            Note::Event(Topic::Bill(table_id), event) => self.bills.deliver(table_id, event),
            Note::Event(Topic::Journal(stream), event) => self.journal.deliver(stream, event),
            Note::Link { table_id, generation } => {
                // As on the instance that regenerated it: the map first, then the streams.
                self.links.learn(table_id, generation);
                self.carts.close(&table_id);
            }
            Note::TableRemoved(table_id) => {
                self.links.removed(table_id);
                self.carts.close(&table_id);
            }
            Note::Credential(_) => {
                if let Err(e) = crate::devices::refresh(self).await {
                    tracing::warn!(error = ?e, "reading credentials changed elsewhere failed; the next catch-up reads them");
                }
            }
            Note::Presence { store_id, devices } => self.presence.heard(origin, store_id, devices),
            Note::CatchUp => catch_up::run(self, Depth::Full).await,
        }
    }

    async fn catch_up(&self, depth: Depth) {
        catch_up::run(self, depth).await;
    }

    fn presence_round(&self, silence: Duration) -> Vec<(i64, Vec<String>)> {
        self.presence.forget_silent(silence);
        self.presence.local()
    }
}
