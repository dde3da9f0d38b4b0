//! The tables' bills (dine-in): each party's sitting at a table is a bill, in both ordering
//! modes. Diners join it (`tables::diners`), every submitted order is a round of it
//! (`orders::submit`); in 先吃后付 it is settled at the end — at the counter (`settle`) or online
//! (`pay`) — or closed (清台), and the party can move (换桌) or join another table (并台,
//! `transfer`). The merchant sees every table at a glance (`floor`).
//!
//! Every change to a bill is written in one transaction with its store-stream events, and the
//! bill as it now stands goes to the phones at the table as `bill_update` once it commits.

mod floor;
mod http;
mod pay;
pub mod rules;
mod settle;
mod transfer;
mod view;

use orderbell_shared::bills::{BillDTO, BillStatus};
use orderbell_shared::{CartDTO, OrderDTO};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Duty, Grant};
use crate::carts::{cart_dto, cart_event};
use crate::db::bills::Closing;
use crate::db::{CartSnapshot, Tx};
use crate::domain::journal::Entry;
use crate::error::{Error, Result};
use crate::journal;
use crate::state::AppState;
pub use pay::{apply_bill_payment, payable_bill};
pub use view::{BillFeed, Pending, bill_dto};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(http::table_bill))
        .routes(routes!(http::bill))
        .routes(routes!(floor::floor))
        .routes(routes!(settle::settle))
        .routes(routes!(settle::close))
        .routes(routes!(pay::pay))
        .routes(routes!(transfer::move_bill))
        .routes(routes!(transfer::merge))
}

pub fn not_found(bill_id: i64) -> Error {
    Error::NotFound {
        code: "bill_not_found",
        what: "账单",
        id: bill_id,
    }
}

/// The bill as it stands inside `tx`.
pub async fn read(tx: &mut dyn Tx, bill_id: i64) -> Result<BillDTO> {
    let snapshot = tx.bill(bill_id).await?.ok_or_else(|| not_found(bill_id))?;
    Ok(bill_dto(snapshot))
}

/// The name of the store device that does `duty` on the bill, for the record (「前台」).
pub fn staff(state: &AppState, grant: Grant, store_id: i64, duty: Duty) -> Result<String> {
    grant.may(store_id, duty)?;
    let device = grant.device(store_id)?;
    Ok(state
        .credentials
        .get(device.credential_id)
        .map_or_else(|| "门店".to_owned(), |row| row.name))
}

/// What a change to bills sends once it commits: store-stream events, `bill_update`s and carts.
#[derive(Default)]
pub struct Outbox {
    pub entries: Vec<Entry>,
    pub bills: Vec<Pending>,
    pub carts: Vec<CartDTO>,
}

impl Outbox {
    /// Stamp `bill` for `table_id`'s phones (inside the transaction).
    pub fn bill(&mut self, state: &AppState, table_id: i64, bill: &BillDTO) {
        self.bills.push(state.bills.stamp(table_id, bill));
    }

    /// Stamp bill `bill_id` for `table_id`'s phones, if any are listening: a bill is read whole,
    /// inside a write transaction, and most changes have nobody at the table watching. A phone
    /// that starts listening after this reads the bill itself.
    pub async fn tell_table(&mut self, state: &AppState, tx: &mut dyn Tx, table_id: i64, bill_id: i64) -> Result<()> {
        if state.bills.feed.listened(&table_id) {
            let bill = read(tx, bill_id).await?;
            self.bill(state, table_id, &bill);
        }
        Ok(())
    }

    /// Stamp the bill `order` is a round of (if it is one) for its table's phones: a round's
    /// 催单 answered, or its alert escalated or settled, shows on the bill.
    pub async fn tell_round(&mut self, state: &AppState, tx: &mut dyn Tx, order: &OrderDTO) -> Result<()> {
        match order.bill_id {
            Some(bill_id) => self.tell_table(state, tx, order.table_id, bill_id).await,
            None => Ok(()),
        }
    }

    pub async fn commit(self, state: &AppState, tx: Box<dyn Tx>) -> Result<()> {
        journal::commit(state, tx, &self.entries).await?;
        state.bills.send(self.bills);
        for cart in &self.carts {
            state.carts.publish(cart.table_id, cart_event(cart));
        }
        Ok(())
    }
}

/// The party leaves `table_id`: its sitting rises (the party's phones change nothing from now
/// on) and its cart empties; the emptied cart goes out after the commit.
pub async fn leave(tx: &mut dyn Tx, outbox: &mut Outbox, table_id: i64) -> Result<()> {
    tx.leave_table(table_id).await?;
    if let Some((table, version)) = tx.bump_cart(table_id).await? {
        tx.clear_cart(table_id).await?;
        outbox.carts.push(cart_dto(&CartSnapshot {
            table,
            version,
            lines: Vec::new(),
        }));
    }
    Ok(())
}

/// A phone joins the table: a new diner on the table's open bill, opened now if the table has
/// none. The diner and the sitting it joined (its token names it).
pub async fn seat(state: &AppState, table_id: i64, phone: Option<&str>) -> Result<(i64, u32)> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let missing = || Error::table_not_found(table_id);
    let mut bill = tx.open_bill(table_id, now).await?.ok_or_else(missing)?;
    let mut outbox = Outbox::default();
    // Cheap first: only a bill open for hours may have been left behind.
    if now - bill.opened_at > rules::IDLE_MS {
        let current = read(&mut *tx, bill.id).await?;
        if rules::abandoned(&current, now) {
            let closing = Closing {
                status: BillStatus::Closed,
                at: now,
                reason: Some("长时间没有新订单，自动清台"),
                by: "系统",
                merged_into: None,
                next_table: None,
            };
            settle::end(state, &mut *tx, &current, &closing, None, &mut outbox).await?;
            bill = tx.open_bill(table_id, now).await?.ok_or_else(missing)?;
        }
    }
    let diner_id = tx.insert_diner(table_id, bill.id, phone, now).await?;
    // The phones already at the table see who joined.
    outbox.tell_table(state, &mut *tx, table_id, bill.id).await?;
    outbox.commit(state, tx).await?;
    Ok((diner_id, bill.sitting))
}

/// Whether `grant` is a diner at the table whose open bill has `order` as a round: the phones
/// at a table follow and 催 every round of their bill, not only the ones they submitted.
pub async fn diner_sees(state: &AppState, grant: Grant, order: &OrderDTO) -> Result<bool> {
    let Grant::Diner { table_id, .. } = grant else {
        return Ok(false);
    };
    Ok(order.bill_id.is_some() && state.db.open_bill_id(table_id).await? == order.bill_id)
}
