//! The menu as clients read it: `GET /api/stores/{storeId}/menu`, public (a menu is no secret),
//! with sold-out dishes flagged rather than hidden, set contents, photos and thumbnails.

use axum::extract::State;
use orderbell_shared::{DishDTO, ErrorBody, MenuCategoryDTO, MenuDTO, SetItemDTO};

use crate::domain::menu::{CategoryRow, DishRow, Menu};
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::media;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/stores/{store_id}/menu", tag = "menu",
    summary = "门店菜单（公开）：分类、菜品、套餐内容、估清状态与照片",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, body = MenuDTO), (status = "4XX", body = ErrorBody, description = "见 code")),
    security(())
)]
pub async fn menu(State(state): State<AppState>, Path(store_id): Path<i64>) -> Result<Json<MenuDTO>> {
    let menu = state
        .db
        .menu(store_id)
        .await?
        .ok_or_else(|| store_not_found(store_id))?;
    Ok(Json(menu_dto(&menu)))
}

pub fn store_not_found(store_id: i64) -> Error {
    Error::NotFound {
        code: "store_not_found",
        what: "门店",
        id: store_id,
    }
}

pub fn menu_dto(menu: &Menu) -> MenuDTO {
    MenuDTO {
        store_id: menu.store.id,
        store_name: menu.store.name.clone(),
        menu_version: menu.version,
        categories: menu.categories.iter().map(|c| category_dto(menu, c)).collect(),
    }
}

pub fn category_dto(menu: &Menu, category: &CategoryRow) -> MenuCategoryDTO {
    MenuCategoryDTO {
        category_id: category.id,
        name: category.name.clone(),
        dishes: menu
            .dishes
            .iter()
            .filter(|d| d.category_id == category.id)
            .map(|d| dish_dto(menu, d))
            .collect(),
    }
}

pub fn dish_dto(menu: &Menu, dish: &DishRow) -> DishDTO {
    DishDTO {
        cuisine_id: dish.id,
        cuisine_name: dish.name.clone(),
        cuisine_type: dish.kind,
        cuisine_image: dish.photo.as_deref().map(media::url),
        unit_price: dish.price,
        description: dish.description.clone(),
        thumbnail: dish.photo.as_deref().map(media::thumbnail_url),
        // A set meal is sold out while a dish it holds is.
        sold_out: !dish.orderable(),
        set_items: menu
            .contents(dish.id)
            .filter_map(|item| {
                menu.dish(item.dish_id).map(|d| SetItemDTO {
                    cuisine_id: d.id,
                    cuisine_name: d.name.clone(),
                    quantity: item.quantity,
                })
            })
            .collect(),
    }
}
