//! The window's commands: each a few lines forwarding to the core. Failures reach the window as
//! `{code, message}` ([`ActionError`]), never as text to match on.

use orderbell_desktop_core::link::PairingOffer;
use orderbell_desktop_core::owner::{AlertSettings, StoreReport};
use orderbell_desktop_core::{Action, ActionError, DeskView, Pairing, Settings};
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt as _;

use crate::desk::{self, Shell};

pub(crate) fn not_paired() -> ActionError {
    ActionError {
        code: "not_paired".into(),
        message: "尚未连接服务器".into(),
    }
}

/// The current view; `null` before pairing (the window then shows the pairing form).
#[tauri::command]
pub fn view(shell: State<'_, Shell>) -> Option<DeskView> {
    shell.desk().map(|desk| desk.view().borrow().clone())
}

/// Pair with a server: an address and a credential, or one link carrying both.
#[tauri::command]
pub async fn pair(app: AppHandle, shell: State<'_, Shell>, server: String, token: String) -> Result<(), ActionError> {
    let pairing = Pairing::resolve(&server, &token).await?;
    drop(shell.take_offer());
    Ok(desk::switch(&app, pairing)?)
}

/// Why a pairing link from outside (`--pair`) was not taken, for the pairing form.
#[tauri::command]
pub fn pairing_problem(shell: State<'_, Shell>) -> Option<String> {
    shell.problem()
}

/// A link from a second launch waiting for the merchant's answer (also sent as `pairing-offer`).
#[tauri::command]
pub fn pairing_offer(shell: State<'_, Shell>) -> Option<PairingOffer> {
    shell.offer()
}

/// The answer to the offer: 切换 (`switch: true`) or 保留.
#[tauri::command]
pub fn answer_offer(app: AppHandle, shell: State<'_, Shell>, switch: bool) -> Result<(), ActionError> {
    match shell.take_offer() {
        Some(pairing) if switch => Ok(desk::switch(&app, pairing)?),
        _ => Ok(()),
    }
}

#[tauri::command]
pub fn unpair(shell: State<'_, Shell>) -> Result<(), ActionError> {
    shell.stop();
    drop(shell.take_offer());
    Ok(shell.saved.forget_pairing()?)
}

#[tauri::command]
pub async fn act(shell: State<'_, Shell>, order_id: i64, action: Action) -> Result<(), ActionError> {
    shell.desk().ok_or_else(not_paired)?.act(order_id, action).await
}

/// The 「店铺」 panel: devices online, unheard time, and what happens when nobody hears.
#[tauri::command]
pub async fn store_report(shell: State<'_, Shell>) -> Result<StoreReport, ActionError> {
    shell.desk().ok_or_else(not_paired)?.store_report().await
}

/// The owner's 「无人响应时」 choice, as the server kept it.
#[tauri::command]
pub async fn save_alert_settings(
    shell: State<'_, Shell>,
    settings: AlertSettings,
) -> Result<AlertSettings, ActionError> {
    shell.desk().ok_or_else(not_paired)?.save_alert_settings(settings).await
}

#[tauri::command]
pub fn save_settings(app: AppHandle, shell: State<'_, Shell>, settings: Settings) -> Result<(), ActionError> {
    let autostart = app.autolaunch();
    let switched = if settings.start_at_login {
        autostart.enable()
    } else {
        autostart.disable()
    };
    if let Err(e) = switched {
        tracing::warn!(error = %e, "cannot change start at login");
    }
    shell.desk().ok_or_else(not_paired)?.set_settings(settings);
    Ok(())
}

#[tauri::command]
pub fn test_sound(shell: State<'_, Shell>) -> Result<(), ActionError> {
    shell.desk().ok_or_else(not_paired)?.test_sound();
    Ok(())
}

/// The window reports what it drew — the orders, and the warning bars (lost connection, no
/// sound, no notifications) — so the log tells a person, and the window test, what is on screen.
#[tauri::command]
pub fn rendered(orders: u32, notices: u32) {
    tracing::info!(orders, notices, "window shows the board");
}
