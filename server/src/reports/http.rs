//! The books' endpoints, for the owner and the counter (`Duty::ReadBooks`). The credential is
//! checked before the query is read, so another store's device learns nothing, not even that
//! its dates were malformed.

use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use orderbell_shared::ErrorBody;
use orderbell_shared::reports::{DayQuery, DaySummary, HistoryPage, HistoryQuery};

use super::{csv, day, history};
use crate::auth::{Credential, Duty, Grant};
use crate::error::Result;
use crate::extract::{Json, Path, Query};
use crate::menu::read::store_not_found;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/stores/{store_id}/orders/history", tag = "books",
    summary = "订单历史（店主或前台）：按门店当地日期范围（最多 92 天）、桌号、状态、结算方式查询",
    params(("store_id" = i64, Path, description = "门店 id"), HistoryQuery),
    responses((status = 200, body = HistoryPage),
        (status = "4XX", body = ErrorBody, description = "400 invalid_date、invalid_range"))
)]
pub async fn history(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    query: Result<Query<HistoryQuery>>,
) -> Result<Json<HistoryPage>> {
    let offset = offset_for(&state, grant, store_id).await?;
    let Query(query) = query?;
    Ok(Json(history::page(&state, store_id, offset, &query).await?))
}

#[utoipa::path(get, path = "/api/stores/{store_id}/reports/day", tag = "books",
    summary = "日结（店主或前台）：某一天（门店当地日期）的单数、人数、营业额、各结算方式、退款、客单价、热销菜和各小时",
    params(("store_id" = i64, Path, description = "门店 id"), DayQuery),
    responses((status = 200, body = DaySummary), (status = "4XX", body = ErrorBody, description = "400 invalid_date"))
)]
pub async fn day(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    query: Result<Query<DayQuery>>,
) -> Result<Json<DaySummary>> {
    let offset = offset_for(&state, grant, store_id).await?;
    let Query(query) = query?;
    let (summary, _) = day::books(&state, store_id, offset, &query.date).await?;
    Ok(Json(summary))
}

#[utoipa::path(get, path = "/api/stores/{store_id}/reports/day.csv", tag = "books",
    summary = "导出日结 CSV（店主或前台）：UTF-8 带 BOM，可直接用 Excel 打开；每单一行，空一行后是汇总",
    params(("store_id" = i64, Path, description = "门店 id"), DayQuery),
    responses((status = 200, content_type = "text/csv", description = "CSV"),
        (status = "4XX", body = ErrorBody, description = "400 invalid_date"))
)]
pub async fn day_csv(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    query: Result<Query<DayQuery>>,
) -> Result<Response> {
    let offset = offset_for(&state, grant, store_id).await?;
    let Query(query) = query?;
    let (summary, sold) = day::books(&state, store_id, offset, &query.date).await?;
    let file = format!("attachment; filename=\"day-{}.csv\"", summary.date);
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
        (
            CONTENT_DISPOSITION,
            HeaderValue::from_str(&file).unwrap_or(HeaderValue::from_static("attachment")),
        ),
    ];
    Ok((headers, csv::day_csv(&summary, &sold)).into_response())
}

/// The store's UTC offset, once the credential may read its books.
async fn offset_for(state: &AppState, grant: Grant, store_id: i64) -> Result<i32> {
    grant.may(store_id, Duty::ReadBooks)?;
    let settings = state
        .db
        .store_settings(store_id)
        .await?
        .ok_or_else(|| store_not_found(store_id))?;
    Ok(settings.utc_offset_minutes)
}
