//! What WebKit costs the app, kept to what the board needs: no GPU compositing in the window, and
//! no WebKit process left behind once the window is closed to the tray.

use tauri::{AppHandle, Manager as _};

/// The board is text and a few colours: WebKit's GPU compositing (here software GL) costs the
/// window's web process about half its memory for nothing it draws.
pub fn lean_webview(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let lean = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt as _, WebViewExt as _};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = lean {
            tracing::warn!(error = %e, "cannot turn off the window's GPU compositing");
        }
    }
}

/// After the window is closed to the tray: once its web process has exited, WebKit's network
/// process (about 30 MB) serves nothing, yet WebKitGTK 4.1 keeps it for the app's lifetime and
/// has no call to end it. It is asked to exit (SIGTERM). The board keeps nothing in web storage,
/// and WebKit starts a new network process for the next window (the window test opens one).
pub fn release_network_process(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    {
        use std::time::{Duration, Instant};
        let app = app.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(10);
            while children("WebKitWebProc").next().is_some() {
                if Instant::now() > deadline {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            // On the main thread, where a window is built: a window opened meanwhile keeps it.
            let main = app.clone();
            let ended = app.run_on_main_thread(move || {
                if !main.webview_windows().is_empty() {
                    return;
                }
                for pid in children("WebKitNetwork") {
                    match rustix::process::kill_process(pid, rustix::process::Signal::TERM) {
                        Ok(()) => tracing::info!(pid = pid.as_raw_nonzero(), "WebKit's network process released"),
                        Err(e) => tracing::warn!(error = %e, "cannot end WebKit's network process"),
                    }
                }
            });
            if let Err(e) = ended {
                tracing::warn!(error = %e, "cannot release WebKit's network process");
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// This process's children whose name (`comm`, 15 characters) starts with `prefix`. A sandboxed
/// WebKit (bubblewrap between) has none: its processes are then left as they are.
#[cfg(target_os = "linux")]
fn children(prefix: &str) -> impl Iterator<Item = rustix::process::Pid> {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(move |pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split after
            // its last `)`.
            let Some((head, tail)) = stat.rsplit_once(')') else {
                return false;
            };
            let comm = head.split_once('(').map_or("", |(_, comm)| comm);
            comm.starts_with(prefix) && tail.split(' ').nth(2) == Some(me.as_str())
        })
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(rustix::process::Pid::from_raw)
}
