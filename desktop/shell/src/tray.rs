//! The tray icon: the count of orders nobody has handled (drawn on the icon, see [`badge`]), a
//! way back to the window, and the only way to quit (closing the window drops it and its web
//! view, but alerts go on).

use std::sync::atomic::{AtomicU32, Ordering};

use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, WebviewWindow, WebviewWindowBuilder};

use crate::badge;

const TRAY: &str = "main";
/// The label of the window (`tauri.conf.json`).
pub const WINDOW: &str = "main";

/// The count the icon shows now: redrawing writes a file for the panel, so only on a change.
static SHOWN: AtomicU32 = AtomicU32::new(0);

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let show = MenuItem::with_id(app, "show", "显示窗口", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "退出点单铃", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip("点单铃")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "show" => show_window(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// The count on the icon, and 「未处理 3」 in its tooltip and beside it where panels draw that.
pub fn show_count(app: &AppHandle, unhandled: u32) {
    let Some(tray) = app.tray_by_id(TRAY) else { return };
    if SHOWN.swap(unhandled, Ordering::Relaxed) == unhandled {
        return;
    }
    let text = if unhandled == 0 {
        "点单铃".to_owned()
    } else {
        format!("点单铃 · 未处理 {unhandled}")
    };
    let title = (unhandled > 0).then(|| unhandled.to_string());
    let icon = app.default_window_icon().map(|icon| {
        let pixels = badge::with_count(icon.rgba(), icon.width(), icon.height(), unhandled);
        Image::new_owned(pixels, icon.width(), icon.height())
    });
    if let Err(e) = tray
        .set_icon(icon)
        .and_then(|()| tray.set_tooltip(Some(&text)))
        .and_then(|()| tray.set_title(title.as_deref()))
    {
        tracing::warn!(error = %e, "cannot update the tray");
    }
}

/// Bring the main window back (tray click, second launch), building it again if it was closed
/// to the tray.
pub fn show_window(app: &AppHandle) {
    let window = match app.get_webview_window(WINDOW) {
        Some(window) => Ok(window),
        None => build_window(app),
    };
    let shown = window.and_then(|window| {
        window.unminimize()?;
        window.show()?;
        window.set_focus()
    });
    if let Err(e) = shown {
        tracing::warn!(error = %e, "cannot show the window");
    }
}

/// The window as `tauri.conf.json` describes it; it reads the desk's view when its page loads.
fn build_window(app: &AppHandle) -> tauri::Result<WebviewWindow> {
    let config = app.config().app.windows.iter().find(|w| w.label == WINDOW);
    let config = config.ok_or_else(|| tauri::Error::WindowNotFound)?;
    let window = WebviewWindowBuilder::from_config(app, config)?.build()?;
    crate::webkit::lean_webview(&window);
    tracing::info!("window opened again from the tray");
    Ok(window)
}
