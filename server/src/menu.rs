//! The store's menu, grouped by category in menu order. Public: a menu is no secret.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use orderbell_shared::{DishDTO, MenuCategoryDTO, MenuDTO};

use crate::db::DishRow;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/stores/{store_id}/menu", get(menu))
}

async fn menu(State(state): State<AppState>, Path(store_id): Path<i64>) -> Result<Json<MenuDTO>> {
    let (store, dishes) = state.db.menu(store_id).await?.ok_or(Error::NotFound {
        code: "store_not_found",
        what: "门店",
        id: store_id,
    })?;
    let mut categories: Vec<MenuCategoryDTO> = Vec::new();
    for dish in dishes.into_iter().filter(|d| d.available) {
        let category = dish.category.clone();
        match categories.iter_mut().find(|c| c.name == category) {
            Some(c) => c.dishes.push(dish_dto(dish)),
            None => categories.push(MenuCategoryDTO {
                // Until categories are their own rows (the menu management), their place names them.
                category_id: categories.len() as i64 + 1,
                name: category,
                dishes: vec![dish_dto(dish)],
            }),
        }
    }
    Ok(Json(MenuDTO {
        store_id: store.id,
        store_name: store.name,
        categories,
    }))
}

fn dish_dto(dish: DishRow) -> DishDTO {
    DishDTO {
        cuisine_id: dish.id,
        cuisine_name: dish.name,
        cuisine_type: dish.kind,
        cuisine_image: dish.image,
        unit_price: dish.price,
        description: dish.description,
        thumbnail: None,
        sold_out: !dish.available,
        set_items: Vec::new(),
    }
}
