//! Plays a [`VoicePlan`] through the default audio device with rodio, one plan at a time.
//!
//! The device is opened for each plan and closed after it: a machine whose speaker was plugged in
//! after start-up is found, and nothing holds the device between alerts. Playing blocks; callers
//! run it on a blocking thread. With no device the error says so, and the app carries on.

use std::io::Cursor;

use rodio::{Decoder, DeviceSinkBuilder, Player};

use super::VoicePlan;
use super::clips::ClipLibrary;
use crate::error::{Error, Result};

#[derive(Clone, Debug)]
pub struct Voice {
    library: ClipLibrary,
}

impl Voice {
    pub fn new(library: ClipLibrary) -> Voice {
        Voice { library }
    }

    /// Say `plan` and return when it has been said.
    pub fn play(&self, plan: &VoicePlan) -> Result<()> {
        let mut sink = DeviceSinkBuilder::open_default_sink().map_err(|e| Error::Audio(e.to_string()))?;
        sink.log_on_drop(false);
        let player = Player::connect_new(sink.mixer());
        player.set_volume(plan.volume);
        let mut queued = 0;
        for clip in &plan.clips {
            let Some(bytes) = self.library.bytes(*clip) else {
                tracing::warn!(clip = %clip.name(), "voice clip missing; skipped");
                continue;
            };
            match Decoder::new(Cursor::new(bytes)) {
                Ok(source) => {
                    player.append(source);
                    queued += 1;
                }
                Err(e) => tracing::warn!(clip = %clip.name(), error = %e, "voice clip will not decode; skipped"),
            }
        }
        if queued == 0 {
            return Err(Error::Audio("没有可播放的语音片段".into()));
        }
        player.sleep_until_end();
        Ok(())
    }
}
