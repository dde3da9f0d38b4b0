//! Orderbell's wire protocol: the JSON that crosses between the server, the merchant's desktop app,
//! the customer's browser and the tests. Serde types only — no I/O lives here, so every end can
//! depend on it and agree on the bytes.
//!
//! Field names follow the seed documents (`CartDTO`, `cuisineId`, …) because clients already use
//! them; everything is camelCase JSON.

pub mod access;
pub mod api;
pub mod bills;
pub mod cart;
pub mod charges;
pub mod events;
pub mod heard;
pub mod menu;
pub mod money;
#[cfg(feature = "openapi")]
mod openapi;
pub mod order;
pub mod payment;
pub mod printing;
pub mod refunds;
pub mod reports;
pub mod store;
pub mod tables;
pub mod ws;

pub use api::{AddItemRequest, DinerSession, ErrorBody, NewDiner, TableRef, UpdateQuantityRequest};
pub use cart::{CartDTO, CartItemDTO, CuisineType};
pub use events::Event;
pub use menu::{DishDTO, MenuCategoryDTO, MenuDTO, MenuUpdate, SetItemDTO};
pub use money::Money;
pub use order::{
    Actor, OrderDTO, OrderItemDTO, OrderStatus, RejectRequest, ReplyRequest, SubmitOrderRequest, SubmittedOrder,
};
pub use tables::{NewTable, StoreTablesDTO, TableAreaDTO, TableChange, TableDTO};
pub use ws::{CartCommand, MessageType, ServerMessage};

/// SSE event names of the table stream, as the seed defines them.
pub mod sse {
    pub const CONNECTED: &str = "connected";
    pub const CART_UPDATE: &str = "cart_update";
    pub const HEARTBEAT: &str = "heartbeat";
    /// The store's menu changed (a dish sold out, a price): data `MenuUpdate`, no `id:`.
    pub const MENU_UPDATE: &str = "menu_update";
    /// The table's bill changed (a round submitted, served, returned; settled, closed, moved):
    /// data `BillDTO`, no `id:`.
    pub const BILL_UPDATE: &str = "bill_update";
    /// The data of the `connected` event.
    pub const CONNECTED_DATA: &str = "连接成功";
    /// The data of the `heartbeat` event.
    pub const HEARTBEAT_DATA: &str = "ping";
}
