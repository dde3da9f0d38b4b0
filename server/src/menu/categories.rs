//! The owner's categories: add, rename, reorder, and remove once empty.

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::menu::{CategoryInput, Reorder};
use orderbell_shared::{ErrorBody, MenuCategoryDTO, MenuDTO};

use super::read::{category_dto, menu_dto};
use super::{Edit, rules};
use crate::auth::{Credential, Duty};
use crate::domain::menu::{CategoryRow, Menu};
use crate::error::Result;
use crate::extract::{Json, Path};
use crate::state::AppState;

/// `POST /api/stores/{storeId}/categories {name}`: a new category at the end of the menu.
#[utoipa::path(post, path = "/api/stores/{store_id}/categories", tag = "menu",
    summary = "新增分类（店主）",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body = CategoryInput,
    responses((status = 201, body = MenuCategoryDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn add(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Json(input): Json<CategoryInput>,
) -> Result<(StatusCode, Json<MenuCategoryDTO>)> {
    let mut edit = Edit::begin(&state, grant, store_id, Duty::ManageStore).await?;
    let name = rules::name(&input.name, "分类", rules::MAX_CATEGORY_NAME)?;
    rules::unique_category(&edit.menu, &name, None)?;
    let position = edit.menu.categories.iter().map(|c| c.position + 1).max().unwrap_or(0);
    let id = edit.tx.insert_category(&name, position).await?;
    let menu = edit.finish(&state).await?;
    Ok((StatusCode::CREATED, Json(the_category(&menu, id)?)))
}

/// `PATCH /api/stores/{storeId}/categories/{categoryId} {name}`.
#[utoipa::path(patch, path = "/api/stores/{store_id}/categories/{category_id}", tag = "menu",
    summary = "重命名分类",
    params(("store_id" = i64, Path, description = "门店 id"), ("category_id" = i64, Path, description = "分类 id")),
    request_body = CategoryInput,
    responses((status = 200, body = MenuCategoryDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn rename(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, category_id)): Path<(i64, i64)>,
    Json(input): Json<CategoryInput>,
) -> Result<Json<MenuCategoryDTO>> {
    let mut edit = Edit::begin(&state, grant, store_id, Duty::ManageStore).await?;
    let current = edit
        .menu
        .category(category_id)
        .ok_or_else(|| rules::category_not_found(category_id))?
        .clone();
    let name = rules::name(&input.name, "分类", rules::MAX_CATEGORY_NAME)?;
    rules::unique_category(&edit.menu, &name, Some(category_id))?;
    edit.tx.update_category(&CategoryRow { name, ..current }).await?;
    let menu = edit.finish(&state).await?;
    Ok(Json(the_category(&menu, category_id)?))
}

/// `PUT /api/stores/{storeId}/categories/order {ids}`: every category, in the new order.
#[utoipa::path(put, path = "/api/stores/{store_id}/categories/order", tag = "menu",
    summary = "调整分类顺序：给出全部分类 id 的新顺序",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body = Reorder,
    responses((status = 200, body = MenuDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn reorder(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Json(input): Json<Reorder>,
) -> Result<Json<MenuDTO>> {
    let mut edit = Edit::begin(&state, grant, store_id, Duty::ManageStore).await?;
    let current: Vec<i64> = edit.menu.categories.iter().map(|c| c.id).collect();
    rules::reorder(&current, &input.ids)?;
    for (position, id) in input.ids.iter().enumerate() {
        if let Some(category) = edit.menu.category(*id).cloned() {
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            edit.tx.update_category(&CategoryRow { position, ..category }).await?;
        }
    }
    let menu = edit.finish(&state).await?;
    Ok(Json(menu_dto(&menu)))
}

/// `DELETE /api/stores/{storeId}/categories/{categoryId}`: refused (409 `category_not_empty`)
/// while it holds dishes.
#[utoipa::path(delete, path = "/api/stores/{store_id}/categories/{category_id}", tag = "menu",
    summary = "删除分类（仍有菜品时 409 category_not_empty）",
    params(("store_id" = i64, Path, description = "门店 id"), ("category_id" = i64, Path, description = "分类 id")),
    responses((status = 204, description = "完成"), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn remove(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, category_id)): Path<(i64, i64)>,
) -> Result<StatusCode> {
    let mut edit = Edit::begin(&state, grant, store_id, Duty::ManageStore).await?;
    rules::removable_category(&edit.menu, category_id)?;
    edit.tx.delete_category(category_id).await?;
    edit.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn the_category(menu: &Menu, category_id: i64) -> Result<MenuCategoryDTO> {
    let category = menu
        .category(category_id)
        .ok_or_else(|| rules::category_not_found(category_id))?;
    Ok(category_dto(menu, category))
}
