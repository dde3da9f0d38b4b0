//! The window's commands for refunds: the list (open, or 全部), 重试 and 已线下退款, each
//! forwarding to the core's [`Refunds`](orderbell_desktop_core::refunds::Refunds); failures as
//! `{code, message}`. The open ones also come live in the view (`DeskView::refunds`).

use orderbell_desktop_core::ActionError;
use orderbell_desktop_core::refunds::Refunds;
use orderbell_shared::refunds::RefundDTO;
use tauri::State;

use crate::commands::not_paired;
use crate::desk::Shell;

fn refunds_of(shell: &Shell) -> Result<Refunds, ActionError> {
    Ok(shell.desk().ok_or_else(not_paired)?.refunds())
}

/// The store's refunds, newest first: those not done yet, or (`all`) every one.
#[tauri::command]
pub async fn refunds(shell: State<'_, Shell>, all: bool) -> Result<Vec<RefundDTO>, ActionError> {
    Ok(refunds_of(&shell)?.list(all).await?)
}

/// 重试.
#[tauri::command]
pub async fn retry_refund(shell: State<'_, Shell>, refund_id: i64) -> Result<RefundDTO, ActionError> {
    Ok(refunds_of(&shell)?.retry(refund_id).await?)
}

/// 已线下退款, with what was done (「已现金退还」).
#[tauri::command]
pub async fn refund_offline(shell: State<'_, Shell>, refund_id: i64, note: String) -> Result<RefundDTO, ActionError> {
    Ok(refunds_of(&shell)?.mark_offline(refund_id, &note).await?)
}
