//! The owner's tables: list them by area, add one, renumber or move it, remove it, regenerate its
//! link, and fetch the QR codes (one table's PNG or SVG, the store's printable A4 sheet).

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use orderbell_shared::{ErrorBody, NewTable, StoreTablesDTO, TableAreaDTO, TableChange, TableDTO};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::qr::Code;
use super::{link, rules, sheet};
use crate::auth::{Credential, Duty, Grant};
use crate::carts::{cart_dto, cart_event};
use crate::clock::now_ms;
use crate::db::{TableEdit, TableRefusal};
use crate::domain::tables::PlacedTable;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::push::bus::Note;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, add))
        .routes(routes!(sheet_pdf))
        .routes(routes!(change, remove))
        .routes(routes!(regenerate))
        .routes(routes!(qr_png))
        .routes(routes!(qr_svg))
}

/// `GET /api/stores/{storeId}/tables`
#[utoipa::path(get, path = "/api/stores/{store_id}/tables", tag = "tables",
    summary = "按区域列出餐桌及各自当前的链接（店主）",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, body = StoreTablesDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn list(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Json<StoreTablesDTO>> {
    grant.may(store_id, Duty::ManageStore)?;
    let (store_name, tables) = store_tables(&state, store_id).await?;
    let areas = rules::by_area(tables)
        .into_iter()
        .map(|(name, tables)| TableAreaDTO {
            name,
            tables: tables.iter().map(|t| dto(&state, t)).collect(),
        })
        .collect();
    Ok(Json(StoreTablesDTO {
        store_id,
        store_name,
        areas,
    }))
}

/// `POST /api/stores/{storeId}/tables` `{number, area?}`
#[utoipa::path(post, path = "/api/stores/{store_id}/tables", tag = "tables",
    summary = "添加餐桌（不填区域即为 大厅）",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body = NewTable,
    responses((status = 201, body = TableDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn add(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Json(new): Json<NewTable>,
) -> Result<(StatusCode, Json<TableDTO>)> {
    grant.may(store_id, Duty::ManageStore)?;
    let number = rules::table_number(&new.number)?;
    let area = rules::area_name(new.area.as_deref().unwrap_or(rules::DEFAULT_AREA))?;
    let table_id = state
        .db
        .add_table(store_id, &number, &area)
        .await?
        .map_err(|refusal| match refusal {
            TableRefusal::Missing => store_not_found(store_id),
            other => refused(other, &number),
        })?;
    let table = owned_table(&state, store_id, table_id).await?;
    Ok((StatusCode::CREATED, Json(dto(&state, &table))))
}

/// `PATCH /api/stores/{storeId}/tables/{tableId}` `{number?, area?}`
#[utoipa::path(patch, path = "/api/stores/{store_id}/tables/{table_id}", tag = "tables",
    summary = "改桌号或换区域（有未完成订单或购物车不空时不能改桌号：409 table_occupied）",
    params(("store_id" = i64, Path, description = "门店 id"), ("table_id" = i64, Path, description = "餐桌 id")),
    request_body = TableChange,
    responses((status = 200, body = TableDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn change(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, table_id)): Path<(i64, i64)>,
    Json(change): Json<TableChange>,
) -> Result<Json<TableDTO>> {
    grant.may(store_id, Duty::ManageStore)?;
    let table = owned_table(&state, store_id, table_id).await?;
    let number = change.number.as_deref().map(rules::table_number).transpose()?;
    let area = change.area.as_deref().map(rules::area_name).transpose()?;
    let edit = TableEdit {
        number: number.as_deref(),
        area: area.as_deref(),
    };
    let cart = state
        .db
        .edit_table(table_id, edit)
        .await?
        .map_err(|refusal| refused(refusal, number.as_deref().unwrap_or(&table.number)))?;
    if let Some(cart) = cart {
        state.carts.publish(table_id, cart_event(&cart_dto(&cart)));
    }
    let table = owned_table(&state, store_id, table_id).await?;
    Ok(Json(dto(&state, &table)))
}

/// `DELETE /api/stores/{storeId}/tables/{tableId}`: refused while the table is occupied.
#[utoipa::path(delete, path = "/api/stores/{store_id}/tables/{table_id}", tag = "tables",
    summary = "删除餐桌（占用中 409 table_occupied）",
    params(("store_id" = i64, Path, description = "门店 id"), ("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 204, description = "完成"), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn remove(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, table_id)): Path<(i64, i64)>,
) -> Result<StatusCode> {
    grant.may(store_id, Duty::ManageStore)?;
    let table = owned_table(&state, store_id, table_id).await?;
    state
        .db
        .remove_table(table_id, now_ms())
        .await?
        .map_err(|refusal| refused(refusal, &table.number))?;
    // The map first, then the streams: one that subscribes after the close finds the link revoked.
    state.links.removed(table_id);
    state.carts.close(&table_id);
    state.bus.note(Note::TableRemoved(table_id));
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/stores/{storeId}/tables/{tableId}/link`: a new link for the table. Its old link,
/// and the diners who joined with it, stop working (their open cart streams end); other tables'
/// links do not change.
#[utoipa::path(post, path = "/api/stores/{store_id}/tables/{table_id}/link", tag = "tables",
    summary = "重新生成这张桌的链接：旧二维码及用它加入的食客随即失效（link_revoked），其他桌不受影响",
    params(("store_id" = i64, Path, description = "门店 id"), ("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 200, body = TableDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn regenerate(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, table_id)): Path<(i64, i64)>,
) -> Result<Json<TableDTO>> {
    grant.may(store_id, Duty::ManageStore)?;
    let table = owned_table(&state, store_id, table_id).await?;
    let generation = state
        .db
        .regenerate_link(table_id)
        .await?
        .map_err(|refusal| refused(refusal, &table.number))?;
    // The old link is refused from now on, before the streams are closed: one that subscribes
    // after the close finds it revoked.
    state.links.learn(table_id, generation);
    // Whoever watches the table's cart now came in with the old link: end their streams, so they
    // must come back with the new one. On every instance.
    state.carts.close(&table_id);
    state.bus.note(Note::Link { table_id, generation });
    let table = owned_table(&state, store_id, table_id).await?;
    Ok(Json(dto(&state, &table)))
}

/// `GET …/tables/{tableId}/qr.png`
#[utoipa::path(get, path = "/api/stores/{store_id}/tables/{table_id}/qr.png", tag = "tables",
    summary = "这张桌的二维码（PNG）",
    params(("store_id" = i64, Path, description = "门店 id"), ("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 200, content_type = "image/png", description = "这张桌的二维码（PNG）"), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn qr_png(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, table_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let table = qr_table(&state, grant, store_id, table_id).await?;
    let png = Code::new(&link(&state, &table).url)?.png()?;
    Ok(file("image/png", png))
}

/// `GET …/tables/{tableId}/qr.svg`
#[utoipa::path(get, path = "/api/stores/{store_id}/tables/{table_id}/qr.svg", tag = "tables",
    summary = "这张桌的二维码（SVG）",
    params(("store_id" = i64, Path, description = "门店 id"), ("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 200, content_type = "image/svg+xml", description = "这张桌的二维码（SVG）"), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn qr_svg(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path((store_id, table_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let table = qr_table(&state, grant, store_id, table_id).await?;
    let svg = Code::new(&link(&state, &table).url)?.svg();
    Ok(file("image/svg+xml", svg.into_bytes()))
}

/// `GET /api/stores/{storeId}/tables/qr-sheet.pdf`: every table's code, six to an A4 page.
#[utoipa::path(get, path = "/api/stores/{store_id}/tables/qr-sheet.pdf", tag = "tables",
    summary = "全部桌台二维码的 A4 打印页（PDF，含店名、桌号、扫码点餐、裁切线）",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, content_type = "application/pdf", description = "全部桌台二维码的 A4 打印页（PDF，含店名、桌号、扫码点餐、裁切线）"), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn sheet_pdf(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Response> {
    grant.may(store_id, Duty::ManageStore)?;
    let pdf = sheet_of(&state, store_id).await?;
    let mut response = file("application/pdf", pdf);
    let name = HeaderValue::from_static("inline; filename=\"qr-sheet.pdf\"");
    response.headers_mut().insert(CONTENT_DISPOSITION, name);
    Ok(response)
}

/// A file written by `orderbell qr`: the store's sheet, and each table's PNG and SVG.
pub struct QrFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What `orderbell qr` writes for a store: the same bytes the HTTP routes serve.
pub async fn qr_files(state: &AppState, store_id: i64) -> Result<Vec<QrFile>> {
    let mut files = vec![QrFile {
        name: "qr-sheet.pdf".to_owned(),
        bytes: sheet_of(state, store_id).await?,
    }];
    let (_, tables) = store_tables(state, store_id).await?;
    for table in tables {
        let code = Code::new(&link(state, &table).url)?;
        // A number may hold any printable character; a file name must not climb out of the folder.
        let stem: String = table
            .number
            .chars()
            .map(|c| if matches!(c, '/' | '\\' | '.') { '_' } else { c })
            .collect();
        files.push(QrFile {
            name: format!("{stem}.png"),
            bytes: code.png()?,
        });
        files.push(QrFile {
            name: format!("{stem}.svg"),
            bytes: code.svg().into_bytes(),
        });
    }
    Ok(files)
}

async fn sheet_of(state: &AppState, store_id: i64) -> Result<Vec<u8>> {
    let (store_name, tables) = store_tables(state, store_id).await?;
    let cards = rules::by_area(tables)
        .into_iter()
        .flat_map(|(_, tables)| tables)
        .map(|table| {
            let code = Code::new(&link(state, &table).url)?;
            Ok(sheet::Card {
                number: table.number,
                code,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if cards.is_empty() {
        return Err(Error::Conflict {
            code: "no_tables",
            message: "门店还没有桌台：请先添加桌台，再打印二维码".to_owned(),
            current: None,
        });
    }
    Ok(sheet::pdf(&store_name, &cards))
}

/// A table's QR code may be fetched by the owner only: whoever holds it can order at the table.
async fn qr_table(state: &AppState, grant: Grant, store_id: i64, table_id: i64) -> Result<PlacedTable> {
    grant.may(store_id, Duty::ManageStore)?;
    owned_table(state, store_id, table_id).await
}

async fn store_tables(state: &AppState, store_id: i64) -> Result<(String, Vec<PlacedTable>)> {
    state
        .db
        .store_tables(store_id)
        .await?
        .ok_or_else(|| store_not_found(store_id))
}

fn store_not_found(store_id: i64) -> Error {
    Error::NotFound {
        code: "store_not_found",
        what: "门店",
        id: store_id,
    }
}

/// The table, if it is in use and of this store (another store's table is as good as absent).
async fn owned_table(state: &AppState, store_id: i64, table_id: i64) -> Result<PlacedTable> {
    match state.db.placed_table(table_id).await? {
        Some(table) if table.store_id == store_id => Ok(table),
        _ => Err(Error::table_not_found(table_id)),
    }
}

fn refused(refusal: TableRefusal, number: &str) -> Error {
    match refusal {
        // Removed by someone else since this request looked it up.
        TableRefusal::Missing => Error::BadRequest {
            status: StatusCode::NOT_FOUND,
            code: "table_not_found",
            message: "这个桌台已被删除：请刷新桌台列表".to_owned(),
        },
        TableRefusal::NumberTaken => Error::Conflict {
            code: "table_number_taken",
            message: format!("已有桌号为「{number}」的桌台：请换一个桌号"),
            current: None,
        },
        TableRefusal::Occupied => Error::Conflict {
            code: "table_occupied",
            message: format!("桌台「{number}」还有未完成的订单或购物车里还有菜：请等订单完成、购物车清空后再改"),
            current: None,
        },
    }
}

fn dto(state: &AppState, table: &PlacedTable) -> TableDTO {
    TableDTO {
        table_id: table.id,
        store_id: table.store_id,
        number: table.number.clone(),
        area: table.area.clone(),
        link: link(state, table).url,
        link_generation: table.link_generation,
        occupied: table.occupied,
    }
}

/// A generated file. Never cached: regenerating a link changes the code behind the same address.
fn file(content_type: &'static str, bytes: Vec<u8>) -> Response {
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-store")], bytes).into_response()
}
