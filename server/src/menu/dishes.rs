//! The owner's dishes: add, edit (name, price, kind, description, category, set contents),
//! remove, order within a category; and 估清, which the counter may do too.

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::menu::{DishInput, Reorder, SoldOutInput};
use orderbell_shared::{DishDTO, ErrorBody, MenuDTO};

use super::read::{dish_dto, menu_dto};
use super::{Edit, rules};
use crate::auth::{Credential, Duty};
use crate::domain::menu::{DishRow, Menu};
use crate::error::Result;
use crate::extract::{Json, Path};
use crate::state::AppState;

/// `POST /api/stores/{storeId}/dishes`: a new dish at the end of its category.
#[utoipa::path(post, path = "/api/stores/{store_id}/dishes", tag = "menu",
    summary = "新增菜品或套餐（店主）：价格以元计、最多两位小数",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body = DishInput,
    responses((status = 201, body = DishDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn add(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Json(input): Json<DishInput>,
) -> Result<(StatusCode, Json<DishDTO>)> {
    let mut edit = Edit::begin(&state, grant, store_id, Duty::ManageStore).await?;
    let (dish, contents) = rules::dish(&edit.menu, None, &input)?;
    let id = edit.tx.insert_dish(&dish, false).await?;
    edit.tx.set_contents(id, &contents.unwrap_or_default()).await?;
    let menu = edit.finish(&state).await?;
    Ok((StatusCode::CREATED, Json(the_dish(&menu, id)?)))
}

/// `PATCH /api/stores/{storeId}/dishes/{dishId}`: the fields sent change, the rest stay. Carts
/// holding the dish see the change at once; orders already made keep their price.
#[utoipa::path(patch, path = "/api/stores/{store_id}/dishes/{dish_id}", tag = "menu",
    summary = "修改菜品：只改所给的字段；已下的订单保留下单时的价格",
    params(("store_id" = i64, Path, description = "门店 id"), ("dish_id" = i64, Path, description = "菜品 id")),
    request_body = DishInput,
    responses((status = 200, body = DishDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn edit(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, dish_id)): Path<(i64, i64)>,
    Json(input): Json<DishInput>,
) -> Result<Json<DishDTO>> {
    let mut edit = Edit::begin(&state, grant, store_id, Duty::ManageStore).await?;
    let current = current(&edit.menu, dish_id)?;
    let (dish, contents) = rules::dish(&edit.menu, Some(&current), &input)?;
    edit.tx.update_dish(&dish).await?;
    if let Some(contents) = contents {
        edit.tx.set_contents(dish_id, &contents).await?;
    }
    edit.touch(&[dish_id]).await?;
    let menu = edit.finish(&state).await?;
    Ok(Json(the_dish(&menu, dish_id)?))
}

/// `DELETE /api/stores/{storeId}/dishes/{dishId}`: gone from the menu and from every cart;
/// refused (409 `dish_in_set`) while a set meal holds it.
#[utoipa::path(delete, path = "/api/stores/{store_id}/dishes/{dish_id}", tag = "menu",
    summary = "删除菜品（仍在某套餐中时 409 dish_in_set）",
    params(("store_id" = i64, Path, description = "门店 id"), ("dish_id" = i64, Path, description = "菜品 id")),
    responses((status = 204, description = "完成"), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn remove(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, dish_id)): Path<(i64, i64)>,
) -> Result<StatusCode> {
    let mut edit = Edit::begin(&state, grant, store_id, Duty::ManageStore).await?;
    rules::removable_dish(&edit.menu, dish_id)?;
    edit.touch(&[dish_id]).await?;
    edit.tx.delete_dish(dish_id).await?;
    edit.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/stores/{storeId}/categories/{categoryId}/dishes/order {ids}`: the category's
/// dishes, every one, in the new order.
#[utoipa::path(put, path = "/api/stores/{store_id}/categories/{category_id}/dishes/order", tag = "menu",
    summary = "调整分类内菜品顺序",
    params(("store_id" = i64, Path, description = "门店 id"), ("category_id" = i64, Path, description = "分类 id")),
    request_body = Reorder,
    responses((status = 200, body = MenuDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn reorder(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, category_id)): Path<(i64, i64)>,
    Json(input): Json<Reorder>,
) -> Result<Json<MenuDTO>> {
    let mut edit = Edit::begin(&state, grant, store_id, Duty::ManageStore).await?;
    edit.menu
        .category(category_id)
        .ok_or_else(|| rules::category_not_found(category_id))?;
    let current: Vec<i64> = edit
        .menu
        .dishes
        .iter()
        .filter(|d| d.category_id == category_id)
        .map(|d| d.id)
        .collect();
    rules::reorder(&current, &input.ids)?;
    for (position, id) in input.ids.iter().enumerate() {
        if let Some(dish) = edit.menu.dish(*id).cloned() {
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            edit.tx.update_dish(&DishRow { position, ..dish }).await?;
        }
    }
    let menu = edit.finish(&state).await?;
    Ok(Json(menu_dto(&menu)))
}

/// `PUT /api/stores/{storeId}/dishes/{dishId}/sold-out {soldOut}`: 估清 or back in stock, from
/// the menu view or the order board.
#[utoipa::path(put, path = "/api/stores/{store_id}/dishes/{dish_id}/sold-out", tag = "menu",
    summary = "估清或恢复供应（店主、前台）：各桌页面一秒内变灰或恢复",
    params(("store_id" = i64, Path, description = "门店 id"), ("dish_id" = i64, Path, description = "菜品 id")),
    request_body = SoldOutInput,
    responses((status = 200, body = DishDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn sold_out(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, dish_id)): Path<(i64, i64)>,
    Json(input): Json<SoldOutInput>,
) -> Result<Json<DishDTO>> {
    let mut edit = Edit::begin(&state, grant, store_id, Duty::MarkSoldOut).await?;
    let dish = current(&edit.menu, dish_id)?;
    edit.tx
        .update_dish(&DishRow {
            sold_out: input.sold_out,
            ..dish
        })
        .await?;
    edit.touch(&[dish_id]).await?;
    let menu = edit.finish(&state).await?;
    Ok(Json(the_dish(&menu, dish_id)?))
}

pub fn current(menu: &Menu, dish_id: i64) -> Result<DishRow> {
    menu.dish(dish_id)
        .cloned()
        .ok_or_else(|| rules::dish_not_found(dish_id))
}

pub fn the_dish(menu: &Menu, dish_id: i64) -> Result<DishDTO> {
    Ok(dish_dto(menu, &current(menu, dish_id)?))
}
