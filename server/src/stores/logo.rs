//! The store's logo, shown beside its name on the customer page: uploaded by the owner as the
//! dish photos are (JPEG, PNG or WebP, checked to be an image, kept by the server under the hash
//! of its bytes with a small thumbnail; `media`).

use axum::body::Body;
use axum::extract::State;
use orderbell_shared::ErrorBody;
use orderbell_shared::store::StoreDTO;

use super::settings::{dto, not_found};
use crate::auth::{Credential, Duty};
use crate::domain::stores::StoreSettingsRow;
use crate::error::Result;
use crate::extract::{Json, Path};
use crate::media::{self, image};
use crate::state::AppState;

/// `PUT /api/stores/{storeId}/logo`: the image itself is the body.
#[utoipa::path(put, path = "/api/stores/{store_id}/logo", tag = "stores",
    summary = "上传门店标志（店主）：JPEG、PNG 或 WebP，至多 5 MB，另生成缩略图",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body(content = Vec<u8>, description = "图片原文件", content_type = "image/png"),
    responses((status = 200, body = StoreDTO),
        (status = "4XX", body = ErrorBody, description = "415 invalid_photo；413 photo_too_large；403 role_not_allowed / forbidden"))
)]
pub async fn upload(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    body: Body,
) -> Result<Json<StoreDTO>> {
    // Who may, before reading megabytes from anyone.
    grant.may(store_id, Duty::ManageStore)?;
    let bytes = media::read_upload(body, image::MAX_PHOTO_BYTES, || {
        image::too_large(format!(
            "标志图片太大：最多 {} MB，请压缩后再上传",
            image::MAX_PHOTO_BYTES / 1024 / 1024
        ))
    })
    .await?;
    // Stored before the store names it: a name without its file would be a broken image.
    let name = state.media.store(bytes).await?;
    set_logo(&state, store_id, Some(name)).await
}

/// `DELETE /api/stores/{storeId}/logo`: the page shows the name alone again.
#[utoipa::path(delete, path = "/api/stores/{store_id}/logo", tag = "stores",
    summary = "去掉门店标志（店主）",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, body = StoreDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn remove(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Json<StoreDTO>> {
    grant.may(store_id, Duty::ManageStore)?;
    set_logo(&state, store_id, None).await
}

async fn set_logo(state: &AppState, store_id: i64, logo: Option<String>) -> Result<Json<StoreDTO>> {
    let next = state
        .db
        .update_store_settings(store_id, &|current| {
            Ok(StoreSettingsRow {
                logo: logo.clone(),
                ..current.clone()
            })
        })
        .await?
        .ok_or_else(|| not_found(store_id))?;
    Ok(Json(dto(next, state.clock.now_ms())))
}
