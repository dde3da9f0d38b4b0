//! The Tauri 2 shell of the merchant desktop app. It owns the window, the tray and the
//! platform plugins (single instance, start at login), and nothing else: every decision about
//! orders and alerts is in `orderbell-desktop-core`, which this crate starts and forwards to.
//!
//! `orderbell-desktop [--data-dir DIR] [--pair LINK]`: `--pair` takes a link carrying the server
//! and credential (`http://host:8080/?token=m.1.…`), as `scripts/run` does for the demo store.

mod commands;
mod desk;
mod tray;

use std::path::PathBuf;
use std::process::ExitCode;

use orderbell_desktop_core::{Pairing, Saved};
use tauri::{Manager, WindowEvent};

/// The command line: where to keep data, and an optional pairing to start with.
#[derive(Debug, Default)]
struct Args {
    data_dir: Option<PathBuf>,
    pair: Option<String>,
}

fn args() -> Args {
    let mut parsed = Args::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data-dir" => parsed.data_dir = args.next().map(PathBuf::from),
            "--pair" => parsed.pair = args.next(),
            _ => {}
        }
    }
    parsed
}

pub fn run() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .init();
    let args = args();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _, _| tray::show_window(app)))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .setup(move |app| {
            let dir = match &args.data_dir {
                Some(dir) => dir.clone(),
                None => app.path().app_data_dir()?,
            };
            let saved = Saved::new(dir);
            // Nothing about the pairing may stop the app: at worst the window asks for it again,
            // as on first run, and the log says why.
            if let Some(link) = &args.pair {
                match Pairing::parse(link, "").and_then(|pairing| saved.save_pairing(&pairing)) {
                    Ok(()) => {}
                    Err(e) => tracing::warn!(error = %e, "ignoring the --pair link"),
                }
            }
            app.manage(desk::Shell::new(saved.clone()));
            tray::create(app.handle())?;
            match saved.pairing() {
                Ok(Some(pairing)) => {
                    if let Err(e) = desk::start(app.handle(), pairing) {
                        tracing::warn!(error = %e, "cannot start with the saved pairing");
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "cannot read the saved pairing"),
            }
            tracing::info!(data = %saved.dir().display(), "orderbell-desktop started");
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing hides to the tray: alerts must go on. Quit from the tray menu.
            if let WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                if let Err(e) = window.hide() {
                    tracing::warn!(error = %e, "cannot hide the window");
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::view,
            commands::pair,
            commands::unpair,
            commands::act,
            commands::save_settings,
            commands::test_sound,
            commands::rendered,
        ])
        .run(tauri::generate_context!());
    match app {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "orderbell-desktop stopped");
            ExitCode::FAILURE
        }
    }
}
