//! A store as its customers meet it: `GET /api/stores/{storeId}` (public, like the menu) and the
//! owner's `PATCH /api/stores/{storeId}/settings`. The rules live in `settings_rules`; submitting
//! an order asks [`order_refusal`] first.

use axum::extract::State;
use orderbell_shared::ErrorBody;
use orderbell_shared::store::{StoreDTO, StoreSettingsPatch};

use super::settings_rules;
use crate::auth::{Credential, Duty};
use crate::domain::stores::StoreSettingsRow;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::media;
use crate::state::AppState;

/// `GET /api/stores/{storeId}`: the name, announcement, hours, and whether orders are taken now.
#[utoipa::path(get, path = "/api/stores/{store_id}", tag = "stores",
    summary = "门店：店名、公告、营业时间，以及现在是否接单（open / closed 已打烊 / paused 暂停接单）；公开",
    params(("store_id" = i64, Path, description = "门店 id")),
    security(()),
    responses((status = 200, body = StoreDTO), (status = 404, body = ErrorBody, description = "store_not_found"))
)]
pub async fn store(State(state): State<AppState>, Path(store_id): Path<i64>) -> Result<Json<StoreDTO>> {
    let settings = load(&state, store_id).await?;
    Ok(Json(dto(settings, state.clock.now_ms())))
}

/// `PATCH /api/stores/{storeId}/settings`: the owner changes some settings; the answer is the
/// store as customers now see it. A refused change changes nothing.
#[utoipa::path(patch, path = "/api/stores/{store_id}/settings", tag = "stores",
    summary = "修改营业设置（店主）：店名、公告、营业时间、时区、暂停接单、手动营业/打烊；只改给出的字段",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body = StoreSettingsPatch,
    responses((status = 200, body = StoreDTO),
        (status = "4XX", body = ErrorBody, description = "422 invalid_store_name / announcement_too_long / invalid_announcement / invalid_hours / invalid_utc_offset；403 role_not_allowed / forbidden"))
)]
pub async fn update(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Json(patch): Json<StoreSettingsPatch>,
) -> Result<Json<StoreDTO>> {
    grant.may(store_id, Duty::ManageStore)?;
    let now = state.clock.now_ms();
    let next = state
        .db
        .update_store_settings(store_id, &|current| settings_rules::apply(current, &patch, now))
        .await?
        .ok_or_else(|| not_found(store_id))?;
    tracing::info!(store = store_id, state = ?settings_rules::state_at(&next, now), "store settings changed");
    Ok(Json(dto(next, now)))
}

/// Why the table's store would refuse an order now, if it would: closed (409 `store_closed`) or
/// paused (409 `store_paused`). `None` for an unknown table, which the submit itself refuses.
pub async fn order_refusal(state: &AppState, table_id: i64) -> Result<Option<Error>> {
    let Some(table) = state.db.table(table_id).await? else {
        return Ok(None);
    };
    let settings = load(state, table.store_id).await?;
    Ok(settings_rules::ensure_taking_orders(&settings, state.clock.now_ms()).err())
}

async fn load(state: &AppState, store_id: i64) -> Result<StoreSettingsRow> {
    state
        .db
        .store_settings(store_id)
        .await?
        .ok_or_else(|| not_found(store_id))
}

pub(super) fn not_found(store_id: i64) -> Error {
    Error::NotFound {
        code: "store_not_found",
        what: "门店",
        id: store_id,
    }
}

pub(super) fn dto(settings: StoreSettingsRow, now: i64) -> StoreDTO {
    let state = settings_rules::state_at(&settings, now);
    StoreDTO {
        store_id: settings.store_id,
        name: settings.name,
        logo: settings.logo.as_deref().map(media::url),
        logo_thumbnail: settings.logo.as_deref().map(media::thumbnail_url),
        announcement: settings.announcement,
        hours_text: settings_rules::hours_text(&settings.hours),
        hours: settings.hours,
        utc_offset_minutes: settings.utc_offset_minutes,
        paused: settings.paused,
        manual: settings.manual,
        state,
        ordering_mode: settings.ordering_mode,
    }
}
