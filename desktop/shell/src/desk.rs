//! Starting and stopping the core's desk inside the Tauri app, and forwarding its view to the
//! window (the `desk-view` event) and to the tray. Also what happens to a pairing link from
//! outside (`--pair` at start or from a second launch): taken, ignored, or offered to the
//! merchant (the `pairing-offer` event), or refused with a reason (`pairing-problem`).

use std::sync::{Arc, Mutex, PoisonError};

use orderbell_desktop_core::link::{self, Offered, PairingOffer};
use orderbell_desktop_core::notify::Notifier;
use orderbell_desktop_core::voice::clips::ClipLibrary;
use orderbell_desktop_core::voice::player::Voice;
use orderbell_desktop_core::{Desk, DeskOptions, Pairing, Saved, SystemClock, outputs};
use tauri::{AppHandle, Emitter, Manager};

use crate::tray;

/// The app's state: where it keeps its files, the running desk once paired, and a pairing link
/// waiting for an answer or refused.
pub struct Shell {
    pub saved: Saved,
    desk: Mutex<Option<Desk>>,
    offer: Mutex<Option<Pairing>>,
    problem: Mutex<Option<String>>,
}

impl Shell {
    pub fn new(saved: Saved) -> Shell {
        Shell {
            saved,
            desk: Mutex::new(None),
            offer: Mutex::new(None),
            problem: Mutex::new(None),
        }
    }

    /// The link the merchant was asked about, if any.
    pub fn offer(&self) -> Option<PairingOffer> {
        lock(&self.offer).as_ref().map(PairingOffer::from)
    }

    /// The answer: the offered pairing (to switch to), and no more question either way.
    pub fn take_offer(&self) -> Option<Pairing> {
        lock(&self.offer).take()
    }

    /// Why the last link was refused, for the pairing form.
    pub fn problem(&self) -> Option<String> {
        lock(&self.problem).clone()
    }

    pub fn desk(&self) -> Option<Desk> {
        lock(&self.desk).clone()
    }

    fn replace(&self, desk: Option<Desk>) {
        let old = std::mem::replace(&mut *lock(&self.desk), desk);
        if let Some(old) = old {
            old.stop();
        }
    }

    /// Stop listening (before unpairing or pairing anew).
    pub fn stop(&self) {
        self.replace(None);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A pairing link from outside: pair at once if nothing is paired, ask before switching from
/// another store, say why a malformed one was not taken. Whose the link's credential is, the
/// server says: this answers in the background.
pub fn offered(app: &AppHandle, link: &str) {
    let (app, link) = (app.clone(), link.to_owned());
    tauri::async_runtime::spawn(async move { take_offer(&app, &link).await });
}

async fn take_offer(app: &AppHandle, link: &str) {
    let Some(shell) = app.try_state::<Shell>() else { return };
    let current = shell.saved.pairing().ok().flatten();
    match link::offer(link, current.as_ref()).await {
        Offered::Same => {}
        Offered::Invalid(reason) => {
            tracing::warn!(%reason, "ignoring the pairing link");
            *lock(&shell.problem) = Some(reason.clone());
            emit(app, "pairing-problem", &reason);
        }
        Offered::Pair(pairing) => {
            if let Err(e) = switch(app, pairing) {
                tracing::warn!(error = %e, "cannot pair with the link");
            }
        }
        Offered::Ask(pairing) => {
            let offer = PairingOffer::from(&pairing);
            tracing::info!(server = %offer.server_url, store = offer.store_id, "a pairing link for another store: asking whether to switch");
            *lock(&shell.offer) = Some(pairing);
            emit(app, "pairing-offer", &offer);
        }
    }
}

/// Listen to `pairing` from now on, in place of whatever was paired.
pub fn switch(app: &AppHandle, pairing: Pairing) -> orderbell_desktop_core::Result<()> {
    let shell = app.state::<Shell>();
    shell.stop();
    link::switch(&shell.saved, &pairing)?;
    *lock(&shell.problem) = None;
    start(app, pairing)
}

fn emit<T: serde::Serialize + Clone>(app: &AppHandle, event: &str, payload: &T) {
    if let Err(e) = app.emit(event, payload) {
        tracing::warn!(error = %e, event, "cannot tell the window");
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
            emit(&handle, "desk-view", &current);
            if view.changed().await.is_err() {
                break;
            }
        }
    });
    shell.replace(Some(desk));
    Ok(())
}
