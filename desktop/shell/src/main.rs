// No console window on Windows release builds; the app lives in its window and the tray.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    orderbell_desktop::run()
}
