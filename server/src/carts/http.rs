//! The cart API at the seed's paths. Each change answers with the new cart.

use axum::extract::State;
use orderbell_shared::{AddItemRequest, CartDTO, ErrorBody, TableRef, UpdateQuantityRequest};

use super::rules::CartChange;
use super::{apply_change, cart_dto};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/store/order/cart/{table_id}", tag = "carts",
    summary = "读本桌购物车（桌台链接或食客凭证）",
    params(("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 200, body = CartDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn get_cart(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
) -> Result<Json<CartDTO>> {
    grant.for_table(table_id)?;
    let snapshot = state.db.cart(table_id).await?.ok_or(Error::table_not_found(table_id))?;
    Ok(Json(cart_dto(&snapshot)))
}

#[utoipa::path(post, path = "/api/store/order/cart/add", tag = "carts",
    summary = "加菜（食客凭证）：同一道菜再加则数量相加；估清的菜 409 dish_sold_out",
    request_body = AddItemRequest,
    responses((status = 200, body = CartDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn add(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Json(req): Json<AddItemRequest>,
) -> Result<Json<CartDTO>> {
    let diner = grant.for_table(req.table_id)?.ok_or(Error::DinerRequired)?;
    let change = CartChange::add(req.cuisine_id, req.quantity, req.remark, diner)?;
    apply_change(&state, req.table_id, change).await.map(Json)
}

#[utoipa::path(put, path = "/api/store/order/cart/update", tag = "carts",
    summary = "改数量（1 到 99）",
    params(("tableId" = i64, Query, description = "餐桌 id"), ("cuisineId" = i64, Query, description = "菜品 id"), ("quantity" = u32, Query, description = "新数量")),
    responses((status = 200, body = CartDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn update(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Query(req): Query<UpdateQuantityRequest>,
) -> Result<Json<CartDTO>> {
    grant.for_table(req.table_id)?.ok_or(Error::DinerRequired)?;
    let change = CartChange::set_quantity(req.cuisine_id, req.quantity)?;
    apply_change(&state, req.table_id, change).await.map(Json)
}

#[utoipa::path(delete, path = "/api/store/order/cart/remove", tag = "carts",
    summary = "移除一道菜",
    params(("tableId" = i64, Query, description = "餐桌 id"), ("cuisineId" = i64, Query, description = "菜品 id")),
    responses((status = 200, body = CartDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
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

#[utoipa::path(delete, path = "/api/store/order/cart/clear", tag = "carts",
    summary = "清空购物车",
    params(("tableId" = i64, Query, description = "餐桌 id")),
    responses((status = 200, body = CartDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn clear(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Query(req): Query<TableRef>,
) -> Result<Json<CartDTO>> {
    grant.for_table(req.table_id)?.ok_or(Error::DinerRequired)?;
    apply_change(&state, req.table_id, CartChange::Clear).await.map(Json)
}
