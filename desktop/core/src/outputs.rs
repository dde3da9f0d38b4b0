//! Carries out the desk's effects with the real outputs: notify-rust for notifications, rodio
//! for speech. Each output's health goes back to the desk, so the window can say "no sound
//! device" instead of failing silently; a failing output never stops the other, nor the app.

use tokio::sync::mpsc;

use crate::alerts::Effect;
use crate::api::Action;
use crate::desk::{Desk, Effects};
use crate::error::{Error, Result};
use crate::notify::{Note, NoteKind, Notifier};
use crate::view::Health;
use crate::voice::player::Voice;

/// A change to what is on screen.
enum OnScreen {
    Show(Note),
    Withdraw(NoteKind),
}

/// Run until the desk stops. Speech runs one plan at a time (the desk sends the next only after
/// [`Desk::spoken`]); notifications do not wait for speech.
pub async fn run(desk: Desk, mut effects: Effects, notifier: Notifier, voice: Voice) {
    let (screen, changes) = mpsc::unbounded_channel();
    tokio::spawn(notifications(desk.clone(), changes, notifier));
    while let Some(effect) = effects.recv().await {
        // The notification task ends only with this loop.
        match effect {
            Effect::Notify(note) => {
                let _ = screen.send(OnScreen::Show(note));
            }
            Effect::Withdraw(kind) => {
                let _ = screen.send(OnScreen::Withdraw(kind));
            }
            Effect::Speak(plan) => {
                let (desk, voice) = (desk.clone(), voice.clone());
                tokio::spawn(async move {
                    let (text, cue) = (plan.text.clone(), plan.cue);
                    let played = blocking(move || voice.play(&plan)).await;
                    match &played {
                        Ok(()) => tracing::info!(%text, "voice played"),
                        Err(e) => tracing::warn!(error = %e, "voice not played"),
                    }
                    if played.is_ok() {
                        desk.sounded(cue);
                    }
                    desk.report(Some(Health::from_result(&played)), None);
                    desk.spoken();
                });
            }
        }
    }
}

/// One change at a time, in the desk's order: an order paid and accepted at once must end with
/// its notification closed, not closed before it was shown.
async fn notifications(desk: Desk, mut changes: mpsc::UnboundedReceiver<OnScreen>, notifier: Notifier) {
    while let Some(change) = changes.recv().await {
        let notifier = notifier.clone();
        match change {
            OnScreen::Show(note) => {
                let on_reply = replier(desk.clone(), note.kind);
                let (summary, kind) = (note.summary.clone(), note.kind);
                let shown = blocking(move || notifier.show(&note, on_reply)).await;
                if shown.is_ok() {
                    desk.shown(kind);
                }
                match &shown {
                    Ok(()) => tracing::info!(%summary, "notification shown"),
                    Err(e) => tracing::warn!(error = %e, "notification not shown"),
                }
                desk.report(None, Some(Health::from_result(&shown)));
            }
            OnScreen::Withdraw(kind) => match tokio::task::spawn_blocking(move || notifier.withdraw(kind)).await {
                Ok(()) => tracing::info!(?kind, "notification withdrawn"),
                Err(e) => tracing::warn!(error = %e, "notification not withdrawn"),
            },
        }
    }
}

/// What a reply button of a 催单 notification does: answer through the server, like the window.
fn replier(desk: Desk, kind: NoteKind) -> impl FnOnce(&str) + Send + 'static {
    let runtime = tokio::runtime::Handle::current();
    move |text: &str| {
        if let NoteKind::Hurry { order_id } = kind {
            let action = Action::Reply { text: text.to_owned() };
            runtime.spawn(async move {
                if let Err(e) = desk.act(order_id, action).await {
                    tracing::warn!(error = %e, "reply from the notification failed");
                }
            });
        }
    }
}

async fn blocking(work: impl FnOnce() -> Result<()> + Send + 'static) -> Result<()> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Audio(format!("output task failed: {e}")))?
}
