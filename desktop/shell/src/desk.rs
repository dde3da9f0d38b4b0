//! Starting and stopping the core's desk inside the Tauri app, and forwarding its view to the
//! window (the `desk-view` event) and to the tray.

use std::sync::{Arc, Mutex, PoisonError};

use orderbell_desktop_core::notify::Notifier;
use orderbell_desktop_core::voice::clips::ClipLibrary;
use orderbell_desktop_core::voice::player::Voice;
use orderbell_desktop_core::{Desk, DeskOptions, Pairing, Saved, SystemClock, outputs};
use tauri::{AppHandle, Emitter, Manager};

use crate::tray;

/// The app's state: where it keeps its files, and the running desk once paired.
pub struct Shell {
    pub saved: Saved,
    desk: Mutex<Option<Desk>>,
}

impl Shell {
    pub fn new(saved: Saved) -> Shell {
        Shell {
            saved,
            desk: Mutex::new(None),
        }
    }

    pub fn desk(&self) -> Option<Desk> {
        self.desk.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn replace(&self, desk: Option<Desk>) {
        let old = std::mem::replace(&mut *self.desk.lock().unwrap_or_else(PoisonError::into_inner), desk);
        if let Some(old) = old {
            old.stop();
        }
    }

    /// Stop listening (before unpairing or pairing anew).
    pub fn stop(&self) {
        self.replace(None);
    }
}

/// Start the desk for `pairing`, with the real outputs, and forward its view.
pub fn start(app: &AppHandle, pairing: Pairing) -> orderbell_desktop_core::Result<()> {
    let shell = app.state::<Shell>();
    let saved = shell.saved.clone();
    // The desk spawns its tasks on Tauri's tokio runtime, whether called from setup (the main
    // thread) or from an async command (already on the runtime).
    let runtime = tauri::async_runtime::handle();
    let _entered = runtime.inner().enter();
    let (desk, effects) = Desk::start(pairing, saved.clone(), Arc::new(SystemClock), DeskOptions::default())?;
    let voice = Voice::new(ClipLibrary::new(Some(&saved.voice_dir())));
    tauri::async_runtime::spawn(outputs::run(desk.clone(), effects, Notifier::default(), voice));
    let mut view = desk.view();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let current = view.borrow_and_update().clone();
            tray::show_count(&handle, current.unhandled);
            if let Err(e) = handle.emit("desk-view", &current) {
                tracing::warn!(error = %e, "cannot send the view to the window");
            }
            if view.changed().await.is_err() {
                break;
            }
        }
    });
    shell.replace(Some(desk));
    Ok(())
}
