//! The window's commands for the counter's dine-in back office — the table map, a bill and what
//! is done with it, the order history and 日结: each forwards to the core's
//! [`Floor`](orderbell_desktop_core::floor::Floor) or [`Books`](orderbell_desktop_core::books::Books),
//! failures as `{code, message}`.

use orderbell_desktop_core::ActionError;
use orderbell_desktop_core::books::{Books, day_csv_name};
use orderbell_desktop_core::floor::Floor;
use orderbell_shared::bills::{BillDTO, FloorDTO, ReturnRequest, SettleRequest};
use orderbell_shared::order::OrderDTO;
use orderbell_shared::reports::{DaySummary, HistoryPage, HistoryQuery};
use tauri::{AppHandle, State};

use crate::commands::not_paired;
use crate::desk::Shell;
use crate::setup::save_download;

fn floor_of(shell: &Shell) -> Result<Floor, ActionError> {
    Ok(shell.desk().ok_or_else(not_paired)?.floor())
}

fn books_of(shell: &Shell) -> Result<Books, ActionError> {
    Ok(shell.desk().ok_or_else(not_paired)?.books())
}

/// Every table at a glance.
#[tauri::command]
pub async fn floor(shell: State<'_, Shell>) -> Result<FloorDTO, ActionError> {
    Ok(floor_of(&shell)?.floor().await?)
}

#[tauri::command]
pub async fn bill(shell: State<'_, Shell>, bill_id: i64) -> Result<BillDTO, ActionError> {
    Ok(floor_of(&shell)?.bill(bill_id).await?)
}

/// 结账; refused with `bill_changed` when the bill moved on since the counter read it.
#[tauri::command]
pub async fn settle_bill(
    shell: State<'_, Shell>,
    bill_id: i64,
    request: SettleRequest,
) -> Result<BillDTO, ActionError> {
    Ok(floor_of(&shell)?.settle(bill_id, &request).await?)
}

/// 清台.
#[tauri::command]
pub async fn close_bill(shell: State<'_, Shell>, bill_id: i64, reason: Option<String>) -> Result<BillDTO, ActionError> {
    Ok(floor_of(&shell)?.close(bill_id, reason).await?)
}

/// 换桌.
#[tauri::command]
pub async fn move_bill(shell: State<'_, Shell>, bill_id: i64, table_id: i64) -> Result<BillDTO, ActionError> {
    Ok(floor_of(&shell)?.move_to(bill_id, table_id).await?)
}

/// 并台.
#[tauri::command]
pub async fn merge_bill(shell: State<'_, Shell>, bill_id: i64, table_id: i64) -> Result<BillDTO, ActionError> {
    Ok(floor_of(&shell)?.merge_into(bill_id, table_id).await?)
}

/// 退菜.
#[tauri::command]
pub async fn return_items(
    shell: State<'_, Shell>,
    order_id: i64,
    request: ReturnRequest,
) -> Result<OrderDTO, ActionError> {
    Ok(floor_of(&shell)?.return_items(order_id, &request).await?)
}

/// 订单历史: one page of the search.
#[tauri::command]
pub async fn history(shell: State<'_, Shell>, query: HistoryQuery) -> Result<HistoryPage, ActionError> {
    Ok(books_of(&shell)?.history(&query).await?)
}

/// 日结 of one store-local day.
#[tauri::command]
pub async fn day_summary(shell: State<'_, Shell>, date: String) -> Result<DaySummary, ActionError> {
    Ok(books_of(&shell)?.day(&date).await?)
}

/// Save the day's CSV in the Downloads folder; where it went.
#[tauri::command]
pub async fn export_day(app: AppHandle, shell: State<'_, Shell>, date: String) -> Result<String, ActionError> {
    let csv = books_of(&shell)?.day_csv(&date).await?;
    save_download(&app, &day_csv_name(&date), &csv)
}
