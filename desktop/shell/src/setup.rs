//! The window's commands for the owner setting the store up: each forwards to the core's
//! [`Setup`](orderbell_desktop_core::setup::Setup), failures as `{code, message}`.

use std::path::PathBuf;

use orderbell_desktop_core::ActionError;
use orderbell_desktop_core::setup::Setup;
use orderbell_shared::access::{IssuedDevice, NewDevice};
use orderbell_shared::menu::{DishDTO, DishInput, MenuCategoryDTO, MenuDTO};
use orderbell_shared::store::{StoreDTO, StoreSettingsPatch};
use orderbell_shared::tables::{NewTable, StoreTablesDTO, TableChange, TableDTO};
use tauri::{AppHandle, Manager as _, State};

use crate::commands::not_paired;
use crate::desk::Shell;

pub(crate) fn setup(shell: &Shell) -> Result<Setup, ActionError> {
    Ok(shell.desk().ok_or_else(not_paired)?.setup())
}

#[tauri::command]
pub async fn tables(shell: State<'_, Shell>) -> Result<StoreTablesDTO, ActionError> {
    Ok(setup(&shell)?.tables().await?)
}

#[tauri::command]
pub async fn add_table(shell: State<'_, Shell>, table: NewTable) -> Result<TableDTO, ActionError> {
    Ok(setup(&shell)?.add_table(&table).await?)
}

#[tauri::command]
pub async fn change_table(
    shell: State<'_, Shell>,
    table_id: i64,
    change: TableChange,
) -> Result<TableDTO, ActionError> {
    Ok(setup(&shell)?.change_table(table_id, &change).await?)
}

#[tauri::command]
pub async fn remove_table(shell: State<'_, Shell>, table_id: i64) -> Result<(), ActionError> {
    Ok(setup(&shell)?.remove_table(table_id).await?)
}

#[tauri::command]
pub async fn new_table_link(shell: State<'_, Shell>, table_id: i64) -> Result<TableDTO, ActionError> {
    Ok(setup(&shell)?.new_table_link(table_id).await?)
}

#[tauri::command]
pub async fn menu(shell: State<'_, Shell>) -> Result<MenuDTO, ActionError> {
    Ok(setup(&shell)?.menu().await?)
}

#[tauri::command]
pub async fn add_category(shell: State<'_, Shell>, name: String) -> Result<MenuCategoryDTO, ActionError> {
    Ok(setup(&shell)?.add_category(&name).await?)
}

#[tauri::command]
pub async fn rename_category(
    shell: State<'_, Shell>,
    category_id: i64,
    name: String,
) -> Result<MenuCategoryDTO, ActionError> {
    Ok(setup(&shell)?.rename_category(category_id, &name).await?)
}

#[tauri::command]
pub async fn remove_category(shell: State<'_, Shell>, category_id: i64) -> Result<(), ActionError> {
    Ok(setup(&shell)?.remove_category(category_id).await?)
}

/// Every category, in the new order.
#[tauri::command]
pub async fn reorder_categories(shell: State<'_, Shell>, ids: Vec<i64>) -> Result<(), ActionError> {
    Ok(setup(&shell)?.reorder_categories(&ids).await?)
}

/// Every dish of the category, in the new order.
#[tauri::command]
pub async fn reorder_dishes(shell: State<'_, Shell>, category_id: i64, ids: Vec<i64>) -> Result<(), ActionError> {
    Ok(setup(&shell)?.reorder_dishes(category_id, &ids).await?)
}

#[tauri::command]
pub async fn add_dish(shell: State<'_, Shell>, dish: DishInput) -> Result<DishDTO, ActionError> {
    Ok(setup(&shell)?.add_dish(&dish).await?)
}

#[tauri::command]
pub async fn change_dish(shell: State<'_, Shell>, dish_id: i64, change: DishInput) -> Result<DishDTO, ActionError> {
    Ok(setup(&shell)?.change_dish(dish_id, &change).await?)
}

#[tauri::command]
pub async fn remove_dish(shell: State<'_, Shell>, dish_id: i64) -> Result<(), ActionError> {
    Ok(setup(&shell)?.remove_dish(dish_id).await?)
}

/// 估清 or back, from the menu view or the order board.
#[tauri::command]
pub async fn set_sold_out(shell: State<'_, Shell>, dish_id: i64, sold_out: bool) -> Result<DishDTO, ActionError> {
    Ok(setup(&shell)?.set_sold_out(dish_id, sold_out).await?)
}

/// The photo's bytes as the window read them from the chosen file.
#[tauri::command]
pub async fn set_dish_photo(
    shell: State<'_, Shell>,
    dish_id: i64,
    content_type: String,
    bytes: Vec<u8>,
) -> Result<DishDTO, ActionError> {
    Ok(setup(&shell)?.set_dish_photo(dish_id, &content_type, bytes).await?)
}

/// A credential for a new device, with the link it pairs with.
#[tauri::command]
pub async fn issue_device(shell: State<'_, Shell>, device: NewDevice) -> Result<IssuedDevice, ActionError> {
    Ok(setup(&shell)?.issue_device(&device).await?)
}

#[tauri::command]
pub async fn revoke_device(shell: State<'_, Shell>, device_id: String) -> Result<(), ActionError> {
    Ok(setup(&shell)?.revoke_device(&device_id).await?)
}

/// The store as customers see it, with its state (营业中 / 已打烊 / 暂停接单) for the top bar.
#[tauri::command]
pub async fn store(shell: State<'_, Shell>) -> Result<StoreDTO, ActionError> {
    Ok(setup(&shell)?.store().await?)
}

/// Name, announcement, hours, 暂停接单, opened or closed by hand: only the fields given change.
#[tauri::command]
pub async fn change_store(shell: State<'_, Shell>, patch: StoreSettingsPatch) -> Result<StoreDTO, ActionError> {
    Ok(setup(&shell)?.change_store(&patch).await?)
}

/// The logo's bytes as the window read them from the chosen file.
#[tauri::command]
pub async fn set_logo(shell: State<'_, Shell>, content_type: String, bytes: Vec<u8>) -> Result<StoreDTO, ActionError> {
    Ok(setup(&shell)?.set_logo(&content_type, bytes).await?)
}

#[tauri::command]
pub async fn remove_logo(shell: State<'_, Shell>) -> Result<StoreDTO, ActionError> {
    Ok(setup(&shell)?.remove_logo().await?)
}

/// Save the A4 sheet of every table's QR code in the Downloads folder; where it went.
#[tauri::command]
pub async fn save_qr_sheet(app: AppHandle, shell: State<'_, Shell>) -> Result<String, ActionError> {
    let pdf = setup(&shell)?.qr_sheet().await?;
    save_download(&app, "点单铃-桌台二维码.pdf", &pdf)
}

/// Save the whole menu as CSV in the Downloads folder; where it went.
#[tauri::command]
pub async fn export_menu(app: AppHandle, shell: State<'_, Shell>) -> Result<String, ActionError> {
    let csv = setup(&shell)?.export_menu_csv().await?;
    save_download(&app, "点单铃-菜单.csv", &csv)
}

/// Make the menu the file's (its bytes as the window read them).
#[tauri::command]
pub async fn import_menu(
    shell: State<'_, Shell>,
    content_type: String,
    bytes: Vec<u8>,
) -> Result<MenuDTO, ActionError> {
    Ok(setup(&shell)?.import_menu(&content_type, bytes).await?)
}

/// Write a file for the owner in the Downloads folder (the home folder without one), and say
/// where.
pub(crate) fn save_download(app: &AppHandle, name: &str, bytes: &[u8]) -> Result<String, ActionError> {
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_else(|_| PathBuf::from("."));
    let path = dir.join(name);
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, bytes))
        .map_err(|e| ActionError {
            code: "save_failed".into(),
            message: format!("无法保存到 {}：{e}", path.display()),
        })?;
    Ok(path.display().to_string())
}
