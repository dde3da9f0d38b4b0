//! The cart WebSocket (`/ws/cart/{tableId}`), with the seed's messages.
//!
//! Clients send `{"type": "add_item", "data": {...}}`; the server answers with the envelope
//! `{type, message, data, timestamp}` (plus `code` on errors, so clients need not match on text).

use serde::{Deserialize, Serialize};

use crate::cart::CartDTO;
use crate::menu::MenuUpdate;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum CartCommand {
    AddItem(AddItem),
    UpdateQuantity(UpdateQuantity),
    RemoveItem(RemoveItem),
    ClearCart,
    Heartbeat,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AddItem {
    pub cuisine_id: i64,
    #[serde(default = "crate::api::one", deserialize_with = "crate::api::quantity")]
    pub quantity: u32,
    #[serde(default)]
    pub remark: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateQuantity {
    pub cuisine_id: i64,
    #[serde(deserialize_with = "crate::api::quantity")]
    pub quantity: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RemoveItem {
    pub cuisine_id: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MessageType {
    Connected,
    CartUpdate,
    AddItemSuccess,
    UpdateQuantitySuccess,
    RemoveItemSuccess,
    ClearCartSuccess,
    Error,
    Heartbeat,
    /// The store's menu changed: read it again (data: `MenuUpdate`).
    MenuUpdate,
    /// The table's bill changed (data: `BillDTO`).
    BillUpdate,
}

impl MessageType {
    /// The seed's human message for each type.
    pub fn message(self) -> &'static str {
        match self {
            MessageType::Connected => "连接成功",
            MessageType::CartUpdate => "购物车更新",
            MessageType::AddItemSuccess => "添加商品成功",
            MessageType::UpdateQuantitySuccess => "更新数量成功",
            MessageType::RemoveItemSuccess => "删除商品成功",
            MessageType::ClearCartSuccess => "清空购物车成功",
            MessageType::Error => "错误",
            MessageType::Heartbeat => "pong",
            MessageType::MenuUpdate => "菜单更新",
            MessageType::BillUpdate => "账单更新",
        }
    }
}

impl CartCommand {
    /// The message type that acknowledges this command.
    pub fn success(&self) -> MessageType {
        match self {
            CartCommand::AddItem(_) => MessageType::AddItemSuccess,
            CartCommand::UpdateQuantity(_) => MessageType::UpdateQuantitySuccess,
            CartCommand::RemoveItem(_) => MessageType::RemoveItemSuccess,
            CartCommand::ClearCart => MessageType::ClearCartSuccess,
            CartCommand::Heartbeat => MessageType::Heartbeat,
        }
    }
}

/// A message from the server: its `data` is the cart, except on `menu_update`
/// (`ServerMessage<MenuUpdate>`). A client reads `type` first to know which.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerMessage<D = CartDTO> {
    #[serde(rename = "type")]
    pub kind: MessageType,
    pub message: String,
    /// Set on `error` only: the same stable codes as the HTTP API's `ErrorBody`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub data: Option<D>,
    /// Milliseconds since the Unix epoch.
    pub timestamp: i64,
}

impl ServerMessage {
    /// A message with the seed's text for its type.
    pub fn new(kind: MessageType, data: Option<CartDTO>, timestamp: i64) -> Self {
        ServerMessage {
            kind,
            message: kind.message().to_owned(),
            code: None,
            data,
            timestamp,
        }
    }

    /// The server's own heartbeat, sent every interval so that web clients can tell a dead
    /// connection; its message is `ping`, where the answer to a client's heartbeat says `pong`.
    pub fn beat(timestamp: i64) -> Self {
        ServerMessage {
            message: crate::sse::HEARTBEAT_DATA.to_owned(),
            ..ServerMessage::new(MessageType::Heartbeat, None, timestamp)
        }
    }

    pub fn error(code: &str, message: String, timestamp: i64) -> Self {
        ServerMessage {
            kind: MessageType::Error,
            message,
            code: Some(code.to_owned()),
            data: None,
            timestamp,
        }
    }
}

impl ServerMessage<MenuUpdate> {
    pub fn menu_update(update: MenuUpdate, timestamp: i64) -> Self {
        let kind = MessageType::MenuUpdate;
        ServerMessage {
            kind,
            message: kind.message().to_owned(),
            code: None,
            data: Some(update),
            timestamp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_seed_commands() {
        let add: CartCommand =
            serde_json::from_str(r#"{"type":"add_item","data":{"cuisineId":1001,"quantity":2,"remark":"不要花生"}}"#)
                .expect("add_item parses");
        assert_eq!(
            add,
            CartCommand::AddItem(AddItem {
                cuisine_id: 1001,
                quantity: 2,
                remark: Some("不要花生".into())
            })
        );
        let clear: CartCommand = serde_json::from_str(r#"{"type":"clear_cart"}"#).expect("clear parses");
        assert_eq!(clear, CartCommand::ClearCart);
        let beat: CartCommand = serde_json::from_str(r#"{"type":"heartbeat"}"#).expect("heartbeat parses");
        assert_eq!(beat, CartCommand::Heartbeat);
    }

    #[test]
    fn pong_matches_the_seed() {
        let json = serde_json::to_value(ServerMessage::new(MessageType::Heartbeat, None, 1)).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"type":"heartbeat","message":"pong","data":null,"timestamp":1})
        );
    }
}
