//! Reading a bill: the table's open one (for its phones and the store's devices), or any one by
//! id (for the store, and for the party's phones also after it closed: 「已结账」).

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::ErrorBody;
use orderbell_shared::bills::BillDTO;

use super::{bill_dto, not_found};
use crate::auth::{Credential, Grant, PastDiner};
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/tables/{table_id}/bill", tag = "bills",
    summary = "本桌当前的账单（本桌这一轮的食客凭证，或本店任一设备）；没有未结账单时 404 no_open_bill",
    params(("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 200, body = BillDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn table_bill(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
) -> Result<Json<BillDTO>> {
    let table = state
        .db
        .table(table_id)
        .await?
        .ok_or(Error::table_not_found(table_id))?;
    if grant.diner_at(table_id).is_none() {
        grant.for_store(table.store_id)?;
    }
    let bill = state
        .db
        .open_bill_of(table_id)
        .await?
        .ok_or_else(|| no_open_bill(&table.number))?;
    Ok(Json(bill_dto(bill)))
}

#[utoipa::path(get, path = "/api/bills/{bill_id}", tag = "bills",
    summary = "账单详情（本店设备；或这张账单的食客，结账后也可查看）",
    params(("bill_id" = i64, Path, description = "账单 id")),
    responses((status = 200, body = BillDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn bill(
    State(state): State<AppState>,
    PastDiner(grant): PastDiner,
    Path(bill_id): Path<i64>,
) -> Result<Json<BillDTO>> {
    let bill = state
        .db
        .bill_snapshot(bill_id)
        .await?
        .ok_or_else(|| not_found(bill_id))?;
    let diner_of_bill = match grant {
        Grant::Diner { diner_id, .. } => bill.diners.iter().any(|d| d.diner_id == diner_id),
        _ => false,
    };
    if !diner_of_bill {
        grant.for_store(bill.bill.store_id)?;
    }
    Ok(Json(bill_dto(bill)))
}

fn no_open_bill(table_number: &str) -> Error {
    Error::BadRequest {
        status: StatusCode::NOT_FOUND,
        code: "no_open_bill",
        message: format!("{table_number}号桌现在没有未结账单：扫码点餐后才会有账单"),
    }
}
