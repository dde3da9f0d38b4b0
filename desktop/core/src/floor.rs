//! The counter's table map and bills (先吃后付): every table at a glance, one table's bill, and
//! what the counter does with it — settle (现金 with change, 收款码, 刷卡, 挂账, 免单), 清台,
//! 换桌, 并台 and 退菜. The server decides everything and says no in `{code, message}`; a bill
//! that changed while the counter looked (加菜, 退菜) is refused as `bill_changed`, so nothing is
//! taken for an amount nobody saw.

use orderbell_shared::bills::{BillDTO, CloseBillRequest, FloorDTO, ReturnRequest, SettleRequest, TableTarget};
use orderbell_shared::events::Event;
use orderbell_shared::order::OrderDTO;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::Api;
use crate::error::Result;

/// The counter's requests about tables and bills, for the store this app is paired with.
#[derive(Clone, Debug)]
pub struct Floor {
    api: Api,
}

impl Floor {
    pub(crate) fn new(api: Api) -> Floor {
        Floor { api }
    }

    /// Every table of the store, by area then number, with its state and what it owes.
    pub async fn floor(&self) -> Result<FloorDTO> {
        let response = self.api.store_request(Method::GET, "floor", None::<&()>).await?;
        Ok(response.json().await?)
    }

    /// One bill with its rounds (also once settled or closed).
    pub async fn bill(&self, bill_id: i64) -> Result<BillDTO> {
        self.send(Method::GET, &format!("/api/bills/{bill_id}"), None::<&()>)
            .await
    }

    /// Take the money: `expected_owed` is what the counter showed.
    pub async fn settle(&self, bill_id: i64, request: &SettleRequest) -> Result<BillDTO> {
        self.post(bill_id, "settle", request).await
    }

    /// 清台 without settling; a reason is needed while money is owed.
    pub async fn close(&self, bill_id: i64, reason: Option<String>) -> Result<BillDTO> {
        self.post(bill_id, "close", &CloseBillRequest { reason }).await
    }

    /// 换桌: the party and its bill go to a free table.
    pub async fn move_to(&self, bill_id: i64, table_id: i64) -> Result<BillDTO> {
        self.post(bill_id, "move", &TableTarget { table_id }).await
    }

    /// 并台: this bill joins the open bill of `table_id`; the answer is that bill, joined.
    pub async fn merge_into(&self, bill_id: i64, table_id: i64) -> Result<BillDTO> {
        self.post(bill_id, "merge", &TableTarget { table_id }).await
    }

    /// 退菜: take back some of one line of a round before it is cooked.
    pub async fn return_items(&self, order_id: i64, request: &ReturnRequest) -> Result<OrderDTO> {
        self.send(Method::POST, &format!("/api/orders/{order_id}/returns"), Some(request))
            .await
    }

    async fn post<B: Serialize>(&self, bill_id: i64, action: &str, body: &B) -> Result<BillDTO> {
        self.send(Method::POST, &format!("/api/bills/{bill_id}/{action}"), Some(body))
            .await
    }

    async fn send<T: DeserializeOwned, B: Serialize>(&self, method: Method, path: &str, body: Option<&B>) -> Result<T> {
        Ok(self.api.server_request(method, path, body).await?.json().await?)
    }
}

/// Whether a store event changes the table map: a round submitted, paid or moving through the
/// kitchen, a bill settled, closed, moved or merged, a dish returned. The open map reads the
/// floor again on these (and every 15 s), not on alerts and receipts.
pub fn changes_floor(event: &Event) -> bool {
    match event {
        Event::OrderSubmitted(_)
        | Event::OrderPaid(_)
        | Event::OrderStatus(_)
        | Event::BillSettled(_)
        | Event::TableClosed(_)
        | Event::BillMoved(_)
        | Event::ItemReturned(_) => true,
        Event::OrderReminder(_)
        | Event::ReminderReply(_)
        | Event::PaymentAnomaly(_)
        | Event::AlertReceipt(_)
        | Event::AlertEscalated(_)
        | Event::AlertSettled(_)
        | Event::RefundUpdate(_)
        | Event::PrintersChanged(_) => false,
    }
}
