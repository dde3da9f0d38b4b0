//! A dish's photo: `PUT /api/stores/{storeId}/dishes/{dishId}/photo` with the image itself as the
//! body (JPEG, PNG or WebP, up to 5 MB), and `DELETE` to take it off.

use axum::body::Body;
use axum::extract::State;
use orderbell_shared::{DishDTO, ErrorBody};

use super::Edit;
use super::dishes::{current, the_dish};
use crate::auth::{Credential, Duty};
use crate::domain::menu::DishRow;
use crate::error::Result;
use crate::extract::{Json, Path};
use crate::media::{self, image};
use crate::state::AppState;

#[utoipa::path(put, path = "/api/stores/{store_id}/dishes/{dish_id}/photo", tag = "menu",
    summary = "上传菜品照片（店主）：JPEG、PNG 或 WebP，至多 5 MB，另生成缩略图",
    params(("store_id" = i64, Path, description = "门店 id"), ("dish_id" = i64, Path, description = "菜品 id")),
    request_body(content = Vec<u8>, description = "图片原文件", content_type = "image/jpeg"),
    responses((status = 200, body = DishDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn upload(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, dish_id)): Path<(i64, i64)>,
    body: Body,
) -> Result<Json<DishDTO>> {
    // Who may, before reading megabytes from anyone.
    grant.may(store_id, Duty::ManageStore)?;
    let bytes = media::read_upload(body, image::MAX_PHOTO_BYTES, || {
        image::too_large(format!(
            "照片太大：最多 {} MB，请压缩后再上传",
            image::MAX_PHOTO_BYTES / 1024 / 1024
        ))
    })
    .await?;
    // Stored before the dish names it: a photo nobody names costs disk, a name without its file
    // would be a broken image.
    let name = state.media.store(bytes).await?;
    set_photo(&state, grant, store_id, dish_id, Some(name)).await
}

#[utoipa::path(delete, path = "/api/stores/{store_id}/dishes/{dish_id}/photo", tag = "menu",
    summary = "去掉菜品照片",
    params(("store_id" = i64, Path, description = "门店 id"), ("dish_id" = i64, Path, description = "菜品 id")),
    responses((status = 200, body = DishDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn remove(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, dish_id)): Path<(i64, i64)>,
) -> Result<Json<DishDTO>> {
    set_photo(&state, grant, store_id, dish_id, None).await
}

async fn set_photo(
    state: &AppState,
    grant: crate::auth::Grant,
    store_id: i64,
    dish_id: i64,
    photo: Option<String>,
) -> Result<Json<DishDTO>> {
    let mut edit = Edit::begin(state, grant, store_id, Duty::ManageStore).await?;
    let dish = current(&edit.menu, dish_id)?;
    edit.tx.update_dish(&DishRow { photo, ..dish }).await?;
    edit.touch(&[dish_id]).await?;
    let menu = edit.finish(state).await?;
    Ok(Json(the_dish(&menu, dish_id)?))
}
