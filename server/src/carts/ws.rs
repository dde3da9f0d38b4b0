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
use crate::auth::Credential;
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::extract::{Path, Upgrade};
use crate::push::ws::{Conversation, MAX_MESSAGE, run};
use crate::state::AppState;

pub async fn upgrade(
    Upgrade(ws): Upgrade,
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
) -> Result<Response> {
    let diner = grant.for_table(table_id)?;
    // Subscribe before upgrading so that an unknown table is a plain 404, not a dead socket.
    let watch = CartWatch::start(&state, table_id, None).await?;
    let (heartbeat, shutdown) = (state.heartbeat, state.shutdown.clone());
    let talk = CartTalk { state, table_id, diner };
    let greeting = vec![text(&ServerMessage::new(MessageType::Connected, None, now_ms()))];
    Ok(ws
        .max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| run(socket, greeting, watch, talk, heartbeat, shutdown)))
}

/// The cart commands of one diner (or watcher) at one table.
struct CartTalk {
    state: AppState,
    table_id: i64,
    diner: Option<i64>,
}

impl Conversation for CartTalk {
    async fn answer(&mut self, raw: &str) -> Message {
        text(&answer(&self.state, self.table_id, self.diner, raw).await)
    }

    fn heartbeat(&self) -> Message {
        text(&ServerMessage::beat(now_ms()))
    }
}

fn text(message: &ServerMessage) -> Message {
    Message::Text(serde_json::to_string(message).unwrap_or_default().into())
}

/// Carry out one client message and say how it went.
async fn answer(state: &AppState, table_id: i64, diner: Option<i64>, raw: &str) -> ServerMessage {
    let command = match serde_json::from_str::<CartCommand>(raw) {
        Ok(command) => command,
        Err(_) => {
            return ServerMessage::error(
                "invalid_message",
                "无法解析消息：请发送 {\"type\": …, \"data\": …} 格式的 JSON 命令".to_owned(),
                now_ms(),
            );
        }
    };
    let success = command.success();
    let outcome = match change_for(command, diner) {
        Ok(Some(change)) => apply_change(state, table_id, change).await.map(Some),
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(cart) => ServerMessage::new(success, cart, now_ms()),
        Err(e) => {
            let body = e.body();
            ServerMessage::error(&body.code, body.message, now_ms())
        }
    }
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
