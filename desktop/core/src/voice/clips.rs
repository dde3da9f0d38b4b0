//! The bundled clips, compiled into the binary so the app needs no resource folder to speak,
//! and the merchant's own recordings, which win when present.

use std::path::{Path, PathBuf};

use super::Clip;

macro_rules! bundled {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/clips/", $name, ".wav")))),*]
    };
}

/// Made by `clips/make-clips.sh` (espeak-ng and sox) at development time.
static BUNDLED: &[(&str, &[u8])] = bundled!(
    "chime",
    "alarm",
    "new_order",
    "table",
    "hurry",
    "ordered",
    "add_dishes",
    "lost",
    "printer_offline",
    "paper_out",
    "role_kitchen",
    "role_bar",
    "role_counter",
    "ten",
    "hundred",
    "digit_0",
    "digit_1",
    "digit_2",
    "digit_3",
    "digit_4",
    "digit_5",
    "digit_6",
    "digit_7",
    "digit_8",
    "digit_9",
    "letter_a",
    "letter_b",
    "letter_c",
    "letter_d",
    "letter_e",
    "letter_f",
    "letter_g",
    "letter_h",
    "letter_i",
    "letter_j",
    "letter_k",
    "letter_l",
    "letter_m",
    "letter_n",
    "letter_o",
    "letter_p",
    "letter_q",
    "letter_r",
    "letter_s",
    "letter_t",
    "letter_u",
    "letter_v",
    "letter_w",
    "letter_x",
    "letter_y",
    "letter_z",
);

/// Where clips come from: the merchant's folder first, then the bundle.
#[derive(Clone, Debug)]
pub struct ClipLibrary {
    overrides: Option<PathBuf>,
}

impl ClipLibrary {
    pub fn new(overrides: Option<&Path>) -> ClipLibrary {
        ClipLibrary {
            overrides: overrides.map(Path::to_path_buf),
        }
    }

    /// The clip's WAV bytes; `None` for a clip neither place has (it is skipped, not fatal).
    pub fn bytes(&self, clip: Clip) -> Option<Vec<u8>> {
        let name = clip.name();
        if let Some(dir) = &self.overrides
            && let Ok(bytes) = std::fs::read(dir.join(format!("{name}.wav")))
        {
            return Some(bytes);
        }
        BUNDLED.iter().find(|(n, _)| *n == name).map(|(_, b)| b.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::{Arrival, VoicePlan};

    #[test]
    fn every_clip_a_plan_can_name_is_bundled() {
        let library = ClipLibrary::new(None);
        let tables = ["A01", "z9", "B105", "0", "M12"];
        let arrivals = [Arrival::Paid, Arrival::FirstRound, Arrival::MoreDishes];
        for (table, arrival) in tables.into_iter().flat_map(|t| arrivals.map(|a| (t, a))) {
            for clip in VoicePlan::new_order(1, table, arrival, 1.0).clips {
                let bytes = library.bytes(clip).unwrap_or_default();
                assert!(bytes.starts_with(b"RIFF"), "{clip:?} is a bundled WAV");
            }
        }
        for clip in VoicePlan::connection_lost(1.0)
            .clips
            .into_iter()
            .chain(VoicePlan::hurry(1, "Q7", 1.0).clips)
        {
            assert!(library.bytes(clip).is_some(), "{clip:?}");
        }
    }

    #[test]
    fn the_merchants_recording_replaces_the_bundled_clip() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("chime.wav"), b"RIFF-our-own-bell").expect("write");
        let library = ClipLibrary::new(Some(dir.path()));
        assert_eq!(library.bytes(Clip::Chime).as_deref(), Some(&b"RIFF-our-own-bell"[..]));
        assert_ne!(library.bytes(Clip::Table).as_deref(), Some(&b"RIFF-our-own-bell"[..]));
    }
}
