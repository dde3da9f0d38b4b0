//! The window's commands for the store's printers (设置 → 打印机) and printing: each forwards to
//! the core ([`Setup`](orderbell_desktop_core::setup::Setup), the desk), failures as `{code, message}`.

use orderbell_desktop_core::ActionError;
use orderbell_shared::printing::{PrinterChange, PrinterDTO};
use tauri::State;

use crate::commands::not_paired;
use crate::desk::Shell;
use crate::setup::setup;

#[tauri::command]
pub async fn printers(shell: State<'_, Shell>) -> Result<Vec<PrinterDTO>, ActionError> {
    Ok(setup(&shell)?.printers().await?)
}

#[tauri::command]
pub async fn add_printer(shell: State<'_, Shell>, printer: PrinterChange) -> Result<PrinterDTO, ActionError> {
    Ok(setup(&shell)?.add_printer(&printer).await?)
}

#[tauri::command]
pub async fn change_printer(
    shell: State<'_, Shell>,
    printer_id: i64,
    change: PrinterChange,
) -> Result<PrinterDTO, ActionError> {
    Ok(setup(&shell)?.change_printer(printer_id, &change).await?)
}

#[tauri::command]
pub async fn remove_printer(shell: State<'_, Shell>, printer_id: i64) -> Result<(), ActionError> {
    Ok(setup(&shell)?.remove_printer(printer_id).await?)
}

/// 测试打印: a test page on one of this device's printers.
#[tauri::command]
pub async fn test_print(shell: State<'_, Shell>, printer_id: i64) -> Result<(), ActionError> {
    shell.desk().ok_or_else(not_paired)?.print_test(printer_id).await
}

/// 重打 of an open order: how many tickets were queued.
#[tauri::command]
pub async fn reprint(shell: State<'_, Shell>, order_id: i64) -> Result<usize, ActionError> {
    shell.desk().ok_or_else(not_paired)?.reprint(order_id).await
}
