//! `/ws/cart/{tableId}`: the seed's cart WebSocket. Commands are answered on the same socket;
//! every change, from any channel, reaches every client of the table as `cart_update`. A bad
//! message gets an `error` and the socket stays open.

use axum::extract::State;
use axum::extract::ws::Message;
use axum::response::Response;
use orderbell_shared::ws::CartCommand;
use orderbell_shared::{MessageType, ServerMessage};

use super::apply_change;
use super::rules::CartChange;
use super::watch::CartWatch;
use crate::auth::{Credential, link_still_current, still_seated};
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::extract::{Path, Upgrade};
use crate::metrics::{Kind, Transport};
use crate::push::ws::{Conversation, MAX_MESSAGE, run};
use crate::state::AppState;

#[utoipa::path(get, path = "/ws/cart/{table_id}", tag = "carts",
    summary = "本桌购物车的 WebSocket：发送 add_item、update_quantity、remove_item、clear、get_cart；收到各次变化、menu_update 与 bill_update（本桌账单）",
    params(("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 101, description = "升级为 WebSocket"), (status = "4XX", body = orderbell_shared::ErrorBody, description = "见 code（不是 WebSocket 升级请求时 400 websocket_required）"))
)]
pub async fn upgrade(
    Upgrade(ws): Upgrade,
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
) -> Result<Response> {
    let diner = grant.for_table(table_id)?;
    let sitting = grant.diner_at(table_id).map(|(_, sitting)| sitting);
    // Subscribe before upgrading so that an unknown table is a plain 404, not a dead socket.
    let watch = CartWatch::start(&state, table_id, None).await?;
    link_still_current(&state, grant)?;
    let (heartbeat, shutdown) = (state.heartbeat, state.shutdown.clone());
    let watched = state.metrics.watch(Transport::Ws, Kind::Cart);
    let talk = CartTalk {
        state,
        table_id,
        diner,
        sitting,
    };
    let greeting = vec![text(&ServerMessage::new(MessageType::Connected, None, now_ms()))];
    Ok(ws
        .max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| run(socket, greeting, watch, talk, heartbeat, shutdown, watched)))
}

/// The cart commands of one diner (or watcher) at one table.
struct CartTalk {
    state: AppState,
    table_id: i64,
    diner: Option<i64>,
    /// The diner's sitting: the socket outlives the request that opened it, so each change is
    /// checked against the table's current sitting (the party may have left meanwhile).
    sitting: Option<u32>,
}

impl Conversation for CartTalk {
    async fn answer(&mut self, raw: &str) -> Message {
        text(&answer(self, raw).await)
    }

    fn heartbeat(&self) -> Message {
        text(&ServerMessage::beat(now_ms()))
    }
}

fn text(message: &ServerMessage) -> Message {
    Message::Text(serde_json::to_string(message).unwrap_or_default().into())
}

/// Carry out one client message and say how it went.
async fn answer(talk: &CartTalk, raw: &str) -> ServerMessage {
    let (state, table_id) = (&talk.state, talk.table_id);
    let outcome = match read_command(raw, talk.diner) {
        Ok((success, Some(change))) => match still_seated(state, table_id, talk.sitting).await {
            Ok(()) => apply_change(state, table_id, change)
                .await
                .map(|cart| (success, Some(cart))),
            Err(e) => Err(e),
        },
        Ok((success, None)) => Ok((success, None)),
        Err(e) => Err(e),
    };
    match outcome {
        Ok((success, cart)) => ServerMessage::new(success, cart, now_ms()),
        Err(e) => {
            let body = e.body();
            ServerMessage::error(&body.code, body.message, now_ms())
        }
    }
}

/// Read and check one client message, before anything is stored: the message type that will
/// acknowledge it, and the cart change it asks for (`None` for a heartbeat). Pure, so that the
/// fuzz targets (`fuzz/`) can throw arbitrary text at it.
pub fn read_command(raw: &str, diner: Option<i64>) -> Result<(MessageType, Option<CartChange>)> {
    let command = serde_json::from_str::<CartCommand>(raw).map_err(|_| {
        Error::invalid(
            "invalid_message",
            "无法解析消息：请发送 {\"type\": …, \"data\": …} 格式的 JSON 命令",
        )
    })?;
    Ok((command.success(), change_for(command, diner)?))
}

/// The cart change a command asks for; `None` for a heartbeat.
fn change_for(command: CartCommand, diner: Option<i64>) -> Result<Option<CartChange>> {
    let diner = || diner.ok_or(Error::DinerRequired);
    let change = match command {
        CartCommand::Heartbeat => return Ok(None),
        CartCommand::AddItem(add) => CartChange::add(add.cuisine_id, add.quantity, add.remark, diner()?)?,
        CartCommand::UpdateQuantity(update) => {
            diner()?;
            CartChange::set_quantity(update.cuisine_id, update.quantity)?
        }
        CartCommand::RemoveItem(remove) => {
            diner()?;
            CartChange::Remove {
                dish_id: remove.cuisine_id,
            }
        }
        CartCommand::ClearCart => {
            diner()?;
            CartChange::Clear
        }
    };
    Ok(Some(change))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_text_is_the_clients_fault() {
        let error = read_command("{\"type\":\"add_item\"", Some(1)).expect_err("half a message is refused");
        assert_eq!(error.code(), "invalid_message");
        assert!(
            error.status().is_client_error(),
            "a bad message is a 4xx, not {}",
            error.status()
        );
    }

    #[test]
    fn a_watcher_may_only_send_heartbeats() {
        let (kind, change) = read_command(r#"{"type":"heartbeat"}"#, None).expect("a watcher's heartbeat");
        assert_eq!((kind, change), (MessageType::Heartbeat, None));
        let error = read_command(r#"{"type":"clear_cart"}"#, None).expect_err("a watcher cannot clear the cart");
        assert_eq!(error.code(), "diner_required");
    }

    #[test]
    fn a_diners_add_is_checked_and_on_their_behalf() {
        let (kind, change) = read_command(
            r#"{"type":"add_item","data":{"cuisineId":1001,"quantity":2,"remark":"  不要花生 "}}"#,
            Some(7),
        )
        .expect("a diner's add");
        assert_eq!(kind, MessageType::AddItemSuccess);
        assert_eq!(
            change,
            Some(CartChange::Add {
                dish_id: 1001,
                quantity: 2,
                remark: Some("不要花生".into()),
                diner_id: 7
            })
        );
        let error = read_command(
            r#"{"type":"update_quantity","data":{"cuisineId":1001,"quantity":0}}"#,
            Some(7),
        )
        .expect_err("quantity 0 is refused");
        assert_eq!(error.code(), "invalid_quantity");
    }
}
