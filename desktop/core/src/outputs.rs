//! Carries out the desk's effects with the real outputs: notify-rust for notifications, rodio
//! for speech. Each output's health goes back to the desk, so the window can say "no sound
//! device" instead of failing silently; a failing output never stops the other, nor the app.

use crate::alerts::Effect;
use crate::api::Action;
use crate::desk::{Desk, Effects};
use crate::error::{Error, Result};
use crate::notify::{NoteKind, Notifier};
use crate::view::Health;
use crate::voice::player::Voice;

/// Run until the desk stops. Speech runs one plan at a time (the desk sends the next only after
/// [`Desk::spoken`]); notifications do not wait for speech.
pub async fn run(desk: Desk, mut effects: Effects, notifier: Notifier, voice: Voice) {
    while let Some(effect) = effects.recv().await {
        match effect {
            Effect::Notify(note) => {
                let (desk, notifier) = (desk.clone(), notifier.clone());
                let runtime = tokio::runtime::Handle::current();
                tokio::spawn(async move {
                    let replier = desk.clone();
                    let on_reply = move |text: &str| {
                        if let NoteKind::Hurry { order_id } = note.kind {
                            let action = Action::Reply { text: text.to_owned() };
                            runtime.spawn(async move {
                                if let Err(e) = replier.act(order_id, action).await {
                                    tracing::warn!(error = %e, "reply from the notification failed");
                                }
                            });
                        }
                    };
                    let summary = note.summary.clone();
                    let shown = blocking(move || notifier.show(&note, on_reply)).await;
                    match &shown {
                        Ok(()) => tracing::info!(%summary, "notification shown"),
                        Err(e) => tracing::warn!(error = %e, "notification not shown"),
                    }
                    desk.report(None, Some(Health::from_result(&shown)));
                });
            }
            Effect::Speak(plan) => {
                let (desk, voice) = (desk.clone(), voice.clone());
                tokio::spawn(async move {
                    let text = plan.text.clone();
                    let played = blocking(move || voice.play(&plan)).await;
                    match &played {
                        Ok(()) => tracing::info!(%text, "voice played"),
                        Err(e) => tracing::warn!(error = %e, "voice not played"),
                    }
                    desk.report(Some(Health::from_result(&played)), None);
                    desk.spoken();
                });
            }
        }
    }
}

async fn blocking(work: impl FnOnce() -> Result<()> + Send + 'static) -> Result<()> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Audio(format!("output task failed: {e}")))?
}
