//! `GET /api/stores/{storeId}/floor`: every table at a glance, for the counter's table map.

use std::collections::HashMap;

use axum::extract::State;
use orderbell_shared::bills::{FloorDTO, FloorTable};
use orderbell_shared::{ErrorBody, Money};

use super::{bill_dto, rules};
use crate::auth::{Credential, Duty};
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/stores/{store_id}/floor", tag = "bills",
    summary = "桌台图（店主或前台）：每张桌的状态（空闲、点餐中、用餐中、待结账）、入座时间与待收金额",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, body = FloorDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn floor(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Json<FloorDTO>> {
    grant.may(store_id, Duty::TakePayment)?;
    let missing = || Error::NotFound {
        code: "store_not_found",
        what: "门店",
        id: store_id,
    };
    let settings = state.db.store_settings(store_id).await?.ok_or_else(missing)?;
    let (_, mut tables) = state.db.store_tables(store_id).await?.ok_or_else(missing)?;
    tables.sort_by(|a, b| (&a.area, &a.number).cmp(&(&b.area, &b.number)));
    let mut bills: HashMap<i64, _> = state
        .db
        .open_bills(store_id)
        .await?
        .into_iter()
        .map(|b| (b.bill.table_id, bill_dto(b)))
        .collect();
    let carts: HashMap<i64, u32> = state.db.cart_quantities(store_id).await?.into_iter().collect();
    let tables = tables
        .into_iter()
        .map(|table| {
            let bill = bills.remove(&table.id);
            let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            FloorTable {
                table_id: table.id,
                state: rules::table_state(bill.as_ref().map(|b| (b.rounds.as_slice(), b.owed))),
                bill_id: bill.as_ref().map(|b| b.bill_id),
                seated_at: bill.as_ref().map(|b| b.opened_at),
                total: bill.as_ref().map_or(Money::ZERO, |b| b.total),
                owed: bill.as_ref().map_or(Money::ZERO, |b| b.owed),
                rounds: bill
                    .as_ref()
                    .map_or(0, |b| count(b.rounds.iter().filter(|r| rules::counts(r)).count())),
                unserved: bill.as_ref().map_or(0, |b| count(rules::unserved(&b.rounds))),
                cart_quantity: carts.get(&table.id).copied().unwrap_or(0),
                number: table.number,
                area: table.area,
            }
        })
        .collect();
    Ok(Json(FloorDTO {
        store_id,
        mode: settings.ordering_mode,
        tables,
    }))
}
