//! Creating a store, from the command line (`orderbell store create --name 小馆`) or over HTTP
//! by the operator (`POST /api/stores`). Either way the store gets its owner's credential, so
//! the answer is the link that pairs the owner's desktop app.

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::ErrorBody;
use orderbell_shared::access::{CreatedStore, NewStore, Role};

use super::settings_rules::store_name;
use crate::auth::Credential;
use crate::db::Holder;
use crate::devices;
use crate::devices::rules::default_name;
use crate::error::{Error, Result};
use crate::extract::Json;
use crate::state::AppState;

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
#[utoipa::path(post, path = "/api/stores", tag = "stores",
    summary = "创建门店（运营方凭证）：返回门店 id 与店主设备的配对链接",
    request_body = NewStore,
    responses((status = 201, body = CreatedStore), (status = "4XX", body = ErrorBody, description = "422 invalid_store_name；403 forbidden（不是运营方凭证）"))
)]
pub async fn http(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Json(req): Json<NewStore>,
) -> Result<(StatusCode, Json<CreatedStore>)> {
    grant.operator()?;
    Ok((StatusCode::CREATED, Json(create(&state, &req.name).await?)))
}
