//! Group commit of cart changes. One writer takes every change waiting at that moment and applies
//! them in one transaction committed at `synchronous=FULL`: each change is on disk before it is
//! answered or pushed, and the fsync (milliseconds on this machine) is shared by the batch instead
//! of paid by each change. Changes to one table are applied, answered and published in the order
//! they arrived, so versions rise one by one and nobody is shown an older cart after a newer one.

use std::sync::{Arc, OnceLock};

use orderbell_shared::CartDTO;
use tokio::sync::{mpsc, oneshot};

use super::rules::{self, CartChange};
use super::{cart_dto, cart_event};
use crate::db::{CartSnapshot, Database, Tx};
use crate::error::{Error, Result};
use crate::push::feed::Feed;

/// How many changes one transaction takes at most: bounds the time the write lock is held, so
/// orders and payments waiting for it are not held up long.
const MAX_BATCH: usize = 256;

/// The queue to the writer, started on the first change (it needs the runtime of the server).
#[derive(Default)]
pub struct CartWriter {
    queue: OnceLock<mpsc::UnboundedSender<Pending>>,
}

struct Pending {
    table_id: i64,
    change: CartChange,
    answer: oneshot::Sender<Result<CartDTO>>,
}

impl CartWriter {
    /// Apply `change` in the next batch; the new cart once it is on disk and published.
    pub async fn apply(
        &self,
        db: &Arc<dyn Database>,
        carts: &Arc<Feed<i64, i64>>,
        table_id: i64,
        change: CartChange,
    ) -> Result<CartDTO> {
        let queue = self.queue.get_or_init(|| {
            let (queue, waiting) = mpsc::unbounded_channel();
            tokio::spawn(write(db.clone(), carts.clone(), waiting));
            queue
        });
        let (answer, answered) = oneshot::channel();
        let pending = Pending {
            table_id,
            change,
            answer,
        };
        // The writer ends only when the server's state is dropped: then nothing is written.
        queue.send(pending).map_err(|_| writer_gone())?;
        answered.await.map_err(|_| writer_gone())?
    }
}

fn writer_gone() -> Error {
    Error::Database(sqlx::Error::PoolClosed)
}

/// The writer: batch after batch until every sender is gone.
async fn write(db: Arc<dyn Database>, carts: Arc<Feed<i64, i64>>, mut waiting: mpsc::UnboundedReceiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while waiting.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let changes: Vec<(i64, &CartChange)> = batch.iter().map(|p| (p.table_id, &p.change)).collect();
        let outcomes = match commit(db.as_ref(), &changes).await {
            Ok(outcomes) => outcomes,
            // The transaction failed as a whole (a database error, not a rule): nothing of it
            // was written. Each change is tried again alone, so one that cannot be written
            // fails by itself and the others still land.
            Err(e) if changes.len() > 1 => {
                tracing::warn!(error = %e, changes = changes.len(), "a batch of cart changes failed; trying each alone");
                let mut alone = Vec::with_capacity(changes.len());
                for change in &changes {
                    alone.push(match commit(db.as_ref(), std::slice::from_ref(change)).await {
                        Ok(mut one) => one.pop().unwrap_or_else(|| Err(writer_gone())),
                        Err(e) => Err(e),
                    });
                }
                alone
            }
            Err(e) => vec![Err(e)],
        };
        for (pending, outcome) in batch.drain(..).zip(outcomes) {
            if let Ok(cart) = &outcome {
                carts.publish(pending.table_id, cart_event(cart));
            }
            // An error only means the asker left; its change stands, like an answer lost on
            // the way.
            let _ = pending.answer.send(outcome);
        }
    }
}

/// Apply `changes` in one durable transaction: the outcome of each, in order, once committed.
/// A change that breaks a rule is refused before it writes anything, so it fails alone.
async fn commit(db: &dyn Database, changes: &[(i64, &CartChange)]) -> Result<Vec<Result<CartDTO>>> {
    let mut tx = db.begin().await?;
    let mut outcomes = Vec::with_capacity(changes.len());
    for &(table_id, change) in changes {
        outcomes.push(apply(tx.as_mut(), table_id, change).await?);
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// One change inside the batch's transaction. The outer error is the database's (it ends the
/// transaction); the inner one is the change's own refusal, which writes nothing.
async fn apply(tx: &mut dyn Tx, table_id: i64, change: &CartChange) -> Result<Result<CartDTO>> {
    let Some(head) = tx.cart_head(table_id, change.dish_id()).await? else {
        return Ok(Err(Error::table_not_found(table_id)));
    };
    let write = match rules::plan(change, &head.table, head.dish.as_ref(), head.line.as_ref()) {
        Ok(write) => write,
        Err(refused) => return Ok(Err(refused)),
    };
    // Two hand-offs to SQLite's thread per change (the read, then the write with the lines read
    // back): each costs a context switch, and they were most of a batch's time.
    let version = head.version + 1;
    let lines = tx.write_cart(table_id, version, write).await?;
    Ok(Ok(cart_dto(&CartSnapshot {
        table: head.table,
        version,
        lines,
    })))
}
