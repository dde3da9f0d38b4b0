//! The Tauri 2 shell of the merchant desktop app. It owns the window, the tray and the
//! platform plugins (single instance, start at login), and nothing else: every decision about
//! orders and alerts is in `orderbell-desktop-core`, which this crate starts and forwards to.
//!
//! `orderbell-desktop [--data-dir DIR] [--pair LINK]`: `--pair` takes a link carrying the server
//! and credential (`http://host:8080/?token=m.1.…`), as `scripts/run` does for the demo store.
//! Given to a second launch, the link goes to the running app, which asks before switching.

mod badge;
mod commands;
mod desk;
mod floor;
mod printers;
mod refunds;
mod setup;
mod tray;
mod webkit;

use std::path::PathBuf;
use std::process::ExitCode;

use orderbell_desktop_core::Saved;
use tauri::{Manager, RunEvent, WindowEvent};

/// The command line: where to keep data, and an optional pairing to start with.
#[derive(Debug, Default)]
struct Args {
    data_dir: Option<PathBuf>,
    pair: Option<String>,
}

/// The arguments after the program's name: this launch's, or a second launch's.
fn parse_args(mut args: impl Iterator<Item = String>) -> Args {
    let mut parsed = Args::default();
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
    // Panels name the tray item after the application: 点单铃, not the binary.
    #[cfg(target_os = "linux")]
    glib::set_application_name("点单铃");
    let args = parse_args(std::env::args().skip(1));
    let app = tauri::Builder::default()
        // A second launch only brings this one forward, handing over its `--pair` link.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _| {
            tray::show_window(app);
            if let Some(link) = parse_args(argv.into_iter().skip(1)).pair {
                desk::offered(app, &link);
            }
        }))
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
            app.manage(desk::Shell::new(saved.clone()));
            tray::create(app.handle())?;
            if let Some(window) = app.get_webview_window(tray::WINDOW) {
                webkit::lean_webview(&window);
            }
            // Nothing about the pairing may stop the app: at worst the window asks for it again,
            // as on first run, with the reason on the form.
            if let Some(link) = &args.pair {
                desk::offered(app.handle(), link);
            }
            if app.state::<desk::Shell>().desk().is_none() {
                match saved.pairing() {
                    Ok(Some(pairing)) => {
                        if let Err(e) = desk::start(app.handle(), pairing) {
                            tracing::warn!(error = %e, "cannot start with the saved pairing");
                        }
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot read the saved pairing"),
                }
            }
            tracing::info!(data = %saved.dir().display(), "orderbell-desktop started");
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing goes to the tray: the window and its web view are dropped (its web process,
            // about 100 MB, exits, then WebKit's network process), and the core goes on alerting.
            // The tray or a second launch builds the window again; quit from the tray menu.
            if let WindowEvent::Destroyed = event {
                tracing::info!("window closed to the tray: its web view is released, alerts go on");
                webkit::release_network_process(window.app_handle());
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::view,
            commands::pair,
            commands::unpair,
            commands::pairing_problem,
            commands::pairing_offer,
            commands::answer_offer,
            commands::act,
            commands::save_settings,
            commands::store_report,
            commands::save_alert_settings,
            commands::test_sound,
            commands::rendered,
            setup::tables,
            setup::add_table,
            setup::change_table,
            setup::remove_table,
            setup::new_table_link,
            setup::save_qr_sheet,
            setup::issue_device,
            setup::revoke_device,
            setup::menu,
            setup::add_category,
            setup::rename_category,
            setup::remove_category,
            setup::reorder_categories,
            setup::reorder_dishes,
            setup::add_dish,
            setup::change_dish,
            setup::remove_dish,
            setup::set_sold_out,
            setup::set_dish_photo,
            setup::export_menu,
            setup::import_menu,
            setup::store,
            setup::change_store,
            setup::set_logo,
            setup::remove_logo,
            floor::floor,
            floor::bill,
            floor::settle_bill,
            floor::close_bill,
            floor::move_bill,
            floor::merge_bill,
            floor::return_items,
            floor::history,
            floor::day_summary,
            floor::export_day,
            refunds::refunds,
            refunds::retry_refund,
            refunds::refund_offline,
            printers::printers,
            printers::add_printer,
            printers::change_printer,
            printers::remove_printer,
            printers::test_print,
            printers::reprint,
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(|_, event| {
                // The last window closing is not quitting: only the tray's 退出 (an exit with a
                // code) ends the app.
                if let RunEvent::ExitRequested { code: None, api, .. } = event {
                    api.prevent_exit();
                }
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "orderbell-desktop stopped");
            ExitCode::FAILURE
        }
    }
}
