//! The store's printers over HTTP: every device reads the list (the one that owns a printer
//! prints to it); the owner and the counter add, edit, hand over and remove them. Each change
//! goes out on the store stream as `printers_changed`.

use axum::extract::State;
use axum::http::StatusCode;
use orderbell_shared::ErrorBody;
use orderbell_shared::Event;
use orderbell_shared::printing::{PrinterChange, PrinterDTO, PrintersChanged};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rules;
use crate::auth::{Credential, Duty, Grant};
use crate::db::PrinterTx;
use crate::devices;
use crate::domain::journal::Stream;
use crate::domain::printers::PrinterWrite;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::journal;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, add))
        .routes(routes!(change, remove))
}

/// `GET /api/stores/{storeId}/printers`
#[utoipa::path(get, path = "/api/stores/{store_id}/printers", tag = "printers",
    summary = "门店的打印机（本店任何设备可读：每台打印机由一台设备负责打印）",
    params(("store_id" = i64, Path, description = "门店 id")),
    responses((status = 200, body = Vec<PrinterDTO>), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn list(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
) -> Result<Json<Vec<PrinterDTO>>> {
    grant.for_store(store_id)?;
    Ok(Json(state.db.printers(store_id).await?))
}

/// `POST /api/stores/{storeId}/printers` (owner or counter): the printer becomes the calling
/// device's unless `deviceId` names another.
#[utoipa::path(post, path = "/api/stores/{store_id}/printers", tag = "printers",
    summary = "添加打印机（店主或前台）：默认由本机打印；同一地址已有打印机时 409 printer_taken",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body = PrinterChange,
    responses((status = 201, body = PrinterDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn add(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Json(change): Json<PrinterChange>,
) -> Result<(StatusCode, Json<PrinterDTO>)> {
    grant.may(store_id, Duty::HandleOrders)?;
    let caller = grant.device(store_id)?.credential_id;
    let printer = rules::new_printer(store_id, &change, caller)?;
    check_store_parts(&state, &printer).await?;
    let mut tx = state.db.begin_printers().await?;
    refuse_taken(&mut *tx, &printer, None).await?;
    let printer_id = tx.insert_printer(&printer, state.clock.now_ms()).await?;
    announce(&state, tx, store_id).await?;
    Ok((StatusCode::CREATED, Json(read(&state, printer_id).await?)))
}

/// `PATCH /api/printers/{printerId}` (owner or counter): change it, or hand it to another device.
#[utoipa::path(patch, path = "/api/printers/{printer_id}", tag = "printers",
    summary = "修改打印机或交给另一台设备打印（店主或前台）",
    params(("printer_id" = i64, Path, description = "打印机 id")),
    request_body = PrinterChange,
    responses((status = 200, body = PrinterDTO), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn change(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(printer_id): Path<i64>,
    Json(change): Json<PrinterChange>,
) -> Result<Json<PrinterDTO>> {
    let current = visible(grant, state.db.printer(printer_id).await?, printer_id)?;
    grant.may(current.store_id, Duty::HandleOrders)?;
    let printer = rules::changed(&current, &change)?;
    check_store_parts(&state, &printer).await?;
    let mut tx = state.db.begin_printers().await?;
    // Read again under the write lock: it may have been removed since.
    visible(grant, tx.printer(printer_id).await?, printer_id)?;
    refuse_taken(&mut *tx, &printer, Some(printer_id)).await?;
    tx.update_printer(printer_id, &printer).await?;
    announce(&state, tx, current.store_id).await?;
    Ok(Json(read(&state, printer_id).await?))
}

/// `DELETE /api/printers/{printerId}` (owner or counter).
#[utoipa::path(delete, path = "/api/printers/{printer_id}", tag = "printers",
    summary = "删除打印机（店主或前台）",
    params(("printer_id" = i64, Path, description = "打印机 id")),
    responses((status = 204, description = "完成"), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn remove(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(printer_id): Path<i64>,
) -> Result<StatusCode> {
    let mut tx = state.db.begin_printers().await?;
    let current = visible(grant, tx.printer(printer_id).await?, printer_id)?;
    grant.may(current.store_id, Duty::HandleOrders)?;
    tx.delete_printer(printer_id).await?;
    announce(&state, tx, current.store_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The categories it carries are the store's, and the device that prints to it is a live one of
/// the store.
async fn check_store_parts(state: &AppState, printer: &PrinterWrite) -> Result<()> {
    if !printer.category_ids.is_empty() {
        let known: Vec<i64> = match state.db.menu(printer.store_id).await? {
            Some(menu) => menu.categories.iter().map(|c| c.id).collect(),
            None => Vec::new(),
        };
        rules::categories_known(&printer.category_ids, &known)?;
    }
    match devices::credential(state, printer.device_id).await? {
        Some(row) if row.store_id() == Some(printer.store_id) && row.revoked_at.is_none() => Ok(()),
        _ => Err(rules::unknown_device()),
    }
}

/// One printer per address in a store: a second would print every ticket twice.
async fn refuse_taken(tx: &mut dyn PrinterTx, printer: &PrinterWrite, this: Option<i64>) -> Result<()> {
    match tx.printer_at(printer.store_id, &printer.connection).await? {
        Some(holder) if Some(holder.printer_id) != this => Err(Error::Conflict {
            code: "printer_taken",
            message: format!(
                "这台打印机已由「{}」打印，请在那台设备上修改，或把它交给本机",
                holder.device_name
            ),
            current: None,
        }),
        _ => Ok(()),
    }
}

/// Commit with `printers_changed` on the store stream: every device reads the list again.
async fn announce(state: &AppState, mut tx: Box<dyn PrinterTx>, store_id: i64) -> Result<()> {
    let at = state.clock.now_ms();
    let event = Event::PrintersChanged(PrintersChanged { store_id, at });
    let entry = journal::append(&mut *tx, Stream::Store(store_id), &event, at).await?;
    journal::commit(state, tx, &[entry]).await
}

/// The printer if the grant is of its store; another store's is as good as absent.
fn visible(grant: Grant, printer: Option<PrinterDTO>, printer_id: i64) -> Result<PrinterDTO> {
    match printer {
        Some(printer) if grant.for_store(printer.store_id).is_ok() => Ok(printer),
        _ => Err(not_found(printer_id)),
    }
}

async fn read(state: &AppState, printer_id: i64) -> Result<PrinterDTO> {
    state.db.printer(printer_id).await?.ok_or_else(|| not_found(printer_id))
}

fn not_found(printer_id: i64) -> Error {
    Error::NotFound {
        code: "printer_not_found",
        what: "打印机",
        id: printer_id,
    }
}
