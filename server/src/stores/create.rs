//! Creating a store, from the command line (`orderbell store create --name 小馆`) or over HTTP
//! by the operator (`POST /api/stores`). Either way the store gets its owner's credential, so
//! the answer is the link that pairs the owner's desktop app.

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::access::{CreatedStore, NewStore, Role};

use crate::auth::Credential;
use crate::db::Holder;
use crate::devices;
use crate::devices::rules::default_name;
use crate::error::{Error, Result};
use crate::extract::Json;
use crate::state::AppState;

pub const MAX_STORE_NAME: usize = 30;

/// A store's name as people read it: trimmed, 1 to 30 characters, on one line.
pub fn store_name(name: &str) -> Result<String> {
    let name = name.trim();
    if (1..=MAX_STORE_NAME).contains(&name.chars().count()) && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(Error::invalid(
            "invalid_store_name",
            format!("门店名称须为 1 到 {MAX_STORE_NAME} 个字，且不能换行"),
        ))
    }
}

/// Create the store `name` and its owner's credential.
pub async fn create(state: &AppState, name: &str) -> Result<CreatedStore> {
    let name = store_name(name)?;
    let store = state.db.create_store(&name).await?.ok_or_else(|| Error::Conflict {
        code: "store_name_taken",
        message: format!("已有名为「{name}」的门店：请换一个名称"),
        current: None,
    })?;
    let holder = Holder::Store {
        store_id: store.id,
        role: Role::Owner,
    };
    // A new store has no devices, so the name is free.
    let row = devices::issue(state, holder, default_name(Role::Owner))
        .await?
        .map_err(|_| Error::Config("a new store already had an owner device".into()))?;
    Ok(CreatedStore {
        store_id: store.id,
        name: store.name,
        owner: devices::issued(state, &row, store.id, Role::Owner),
    })
}

/// `POST /api/stores` `{name}`: the operator creates a store.
pub async fn http(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Json(req): Json<NewStore>,
) -> Result<(StatusCode, Json<CreatedStore>)> {
    grant.operator()?;
    Ok((StatusCode::CREATED, Json(create(&state, &req.name).await?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_names_are_one_line_of_at_most_30() {
        assert_eq!(store_name("  小馆 ").ok().as_deref(), Some("小馆"));
        for bad in ["", "  ", "小\n馆", &"店".repeat(31)] {
            assert_eq!(
                store_name(bad).map_err(|e| e.code()),
                Err("invalid_store_name"),
                "{bad:?}"
            );
        }
    }
}
