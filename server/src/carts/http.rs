//! The cart API at the seed's paths. Each change answers with the new cart.

use axum::extract::State;
use orderbell_shared::{AddItemRequest, CartDTO, TableRef, UpdateQuantityRequest};

use super::rules::CartChange;
use super::{apply_change, cart_dto};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;

pub async fn get_cart(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
) -> Result<Json<CartDTO>> {
    grant.for_table(table_id)?;
    let snapshot = state.db.cart(table_id).await?.ok_or(Error::NotFound {
        code: "table_not_found",
        what: "桌台",
        id: table_id,
    })?;
    Ok(Json(cart_dto(&snapshot)))
}

pub async fn add(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Json(req): Json<AddItemRequest>,
) -> Result<Json<CartDTO>> {
    let diner = grant.for_table(req.table_id)?.ok_or(Error::DinerRequired)?;
    let change = CartChange::add(req.cuisine_id, req.quantity, req.remark, diner)?;
    apply_change(&state, req.table_id, change).await.map(Json)
}

pub async fn update(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Query(req): Query<UpdateQuantityRequest>,
) -> Result<Json<CartDTO>> {
    grant.for_table(req.table_id)?.ok_or(Error::DinerRequired)?;
    let change = CartChange::set_quantity(req.cuisine_id, req.quantity)?;
    apply_change(&state, req.table_id, change).await.map(Json)
}

pub async fn remove(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Query(req): Query<TableRef>,
) -> Result<Json<CartDTO>> {
    grant.for_table(req.table_id)?.ok_or(Error::DinerRequired)?;
    let dish_id = req
        .cuisine_id
        .ok_or_else(|| Error::invalid("invalid_query", "缺少 cuisineId（菜品编号）"))?;
    apply_change(&state, req.table_id, CartChange::Remove { dish_id })
        .await
        .map(Json)
}

pub async fn clear(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Query(req): Query<TableRef>,
) -> Result<Json<CartDTO>> {
    grant.for_table(req.table_id)?.ok_or(Error::DinerRequired)?;
    apply_change(&state, req.table_id, CartChange::Clear).await.map(Json)
}
