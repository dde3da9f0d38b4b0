//! What the app remembers between runs, as small JSON files in its data folder: the pairing,
//! the merchant's alert settings, and where the stream stands (the last event id and which orders
//! and 催单 were already announced), so a restart neither misses an alert nor repeats one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pairing::Pairing;
use crate::receipts::Device;

/// The merchant's alert settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Seconds between two announcements of an order nobody has accepted yet.
    pub repeat_secs: u32,
    /// Seconds between two lost-connection tones while the server stays out of reach.
    pub lost_repeat_secs: u32,
    /// 0.0 to 1.0.
    pub volume: f32,
    pub muted: bool,
    /// No voice between these minutes of the local day (notifications still show).
    pub quiet_hours: Option<QuietHours>,
    /// Kitchen tickets turn yellow, then red, after these many minutes.
    pub kitchen_yellow_mins: u32,
    pub kitchen_red_mins: u32,
    pub start_at_login: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            repeat_secs: 20,
            lost_repeat_secs: 60,
            volume: 0.8,
            muted: false,
            quiet_hours: None,
            kitchen_yellow_mins: 5,
            kitchen_red_mins: 8,
            start_at_login: false,
        }
    }
}

impl Settings {
    /// Clamp what a form may send to values that make sense.
    pub fn sanitized(mut self) -> Settings {
        self.repeat_secs = self.repeat_secs.clamp(5, 600);
        self.lost_repeat_secs = self.lost_repeat_secs.clamp(10, 1800);
        self.volume = if self.volume.is_finite() {
            self.volume.clamp(0.0, 1.0)
        } else {
            0.8
        };
        self.kitchen_yellow_mins = self.kitchen_yellow_mins.clamp(1, 120);
        self.kitchen_red_mins = self.kitchen_red_mins.clamp(self.kitchen_yellow_mins, 240);
        self.quiet_hours = self.quiet_hours.filter(|q| q.start_min < 1440 && q.end_min < 1440);
        self
    }
}

/// A span of the local day, in minutes after midnight; it may wrap past midnight (22:00–07:00).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct QuietHours {
    pub start_min: u16,
    pub end_min: u16,
}

impl QuietHours {
    pub fn contains(self, minute_of_day: u16) -> bool {
        if self.start_min <= self.end_min {
            (self.start_min..self.end_min).contains(&minute_of_day)
        } else {
            minute_of_day >= self.start_min || minute_of_day < self.end_min
        }
    }
}

/// Where the stream stands and what was announced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Heard {
    /// The last store event handled: the stream resumes after it (`Last-Event-ID`).
    pub last_event_id: Option<u64>,
    /// Orders whose payment was announced.
    pub paid: BTreeSet<i64>,
    /// Per order, how many 催单 were announced.
    pub reminders: BTreeMap<i64, u32>,
}

impl Heard {
    /// Forget orders that are no longer open, so the file stays small.
    pub fn keep_only(&mut self, open: &BTreeSet<i64>) {
        self.paid.retain(|id| open.contains(id));
        self.reminders.retain(|id, _| open.contains(id));
    }
}

/// The app's data folder.
#[derive(Clone, Debug)]
pub struct Saved {
    dir: PathBuf,
}

impl Saved {
    pub fn new(dir: impl Into<PathBuf>) -> Saved {
        Saved { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the merchant's own recordings go; a file there replaces the bundled clip.
    pub fn voice_dir(&self) -> PathBuf {
        self.dir.join("voice")
    }

    pub fn pairing(&self) -> Result<Option<Pairing>> {
        self.read("pairing.json")
    }

    pub fn save_pairing(&self, pairing: &Pairing) -> Result<()> {
        self.write("pairing.json", pairing)
    }

    /// Unpairing also forgets the stream position: another server has other ids.
    pub fn forget_pairing(&self) -> Result<()> {
        for name in ["pairing.json", "heard.json"] {
            let path = self.dir.join(name);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::file(path)(e)),
                _ => {}
            }
        }
        Ok(())
    }

    /// This device's identity ([`crate::receipts::Device`]): it stays across pairings, as the
    /// machine does.
    pub fn device(&self) -> Result<Option<Device>> {
        self.read("device.json")
    }

    pub fn save_device(&self, device: &Device) -> Result<()> {
        self.write("device.json", device)
    }

    /// The saved identity, or a new one, saved now so that the next run is the same device.
    pub fn device_or_new(&self) -> Result<Device> {
        if let Some(device) = self.device()? {
            return Ok(device);
        }
        let device = Device::fresh();
        self.save_device(&device)?;
        Ok(device)
    }

    pub fn settings(&self) -> Result<Settings> {
        Ok(self.read("settings.json")?.unwrap_or_default())
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<()> {
        self.write("settings.json", settings)
    }

    pub fn heard(&self) -> Result<Heard> {
        Ok(self.read("heard.json")?.unwrap_or_default())
    }

    pub fn save_heard(&self, heard: &Heard) -> Result<()> {
        self.write("heard.json", heard)
    }

    pub(crate) fn read<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        let path = self.dir.join(name);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::file(path)(e)),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| Error::Json { path, source })
    }

    /// Write to a temporary file, then rename: a power cut leaves the old file or the new one.
    pub(crate) fn write<T: Serialize>(&self, name: &str, value: &T) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(Error::file(&self.dir))?;
        let path = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.tmp"));
        let bytes = serde_json::to_vec_pretty(value).map_err(|source| Error::Json {
            path: path.clone(),
            source,
        })?;
        std::fs::write(&temp, bytes).map_err(Error::file(&temp))?;
        std::fs::rename(&temp, &path).map_err(Error::file(&path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_may_wrap_past_midnight() {
        let night = QuietHours {
            start_min: 22 * 60,
            end_min: 7 * 60,
        };
        assert!(night.contains(23 * 60) && night.contains(0) && night.contains(6 * 60 + 59));
        assert!(!night.contains(7 * 60) && !night.contains(12 * 60));
        let nap = QuietHours {
            start_min: 14 * 60,
            end_min: 15 * 60,
        };
        assert!(nap.contains(14 * 60 + 30) && !nap.contains(15 * 60) && !nap.contains(13 * 60));
    }

    #[test]
    fn files_survive_a_restart_and_a_missing_file_means_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        let saved = Saved::new(dir.path().join("app"));
        assert_eq!(saved.settings().expect("defaults"), Settings::default());
        assert_eq!(saved.heard().expect("empty"), Heard::default());
        let heard = Heard {
            last_event_id: Some(41),
            paid: [7].into(),
            reminders: [(7, 2)].into(),
        };
        saved.save_heard(&heard).expect("saved");
        assert_eq!(Saved::new(dir.path().join("app")).heard().expect("read back"), heard);
    }

    #[test]
    fn settings_from_a_form_are_clamped() {
        let wild = Settings {
            repeat_secs: 0,
            volume: f32::NAN,
            kitchen_yellow_mins: 9,
            kitchen_red_mins: 3,
            ..Settings::default()
        }
        .sanitized();
        assert_eq!((wild.repeat_secs, wild.volume), (5, 0.8));
        assert_eq!((wild.kitchen_yellow_mins, wild.kitchen_red_mins), (9, 9));
    }
}
