//! Print jobs, kept in the data folder (`print-jobs.json`) so that none is lost and none is
//! printed twice:
//!
//! - a job is written to disk *before* it is sent, and marked done once the printer took the
//!   bytes; after a restart the jobs not done go out, once;
//! - a job's key is (printer, what made it, copy): the same event handled again (replayed after
//!   a crash between writing the job and saving the stream position) makes no second job;
//! - done jobs are kept a day (their keys guard against replays), then dropped.
//!
//! The bytes are kept as rendered, so a job prints the same after a restart whatever changed.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Result;
use crate::saved::Saved;

const FILE: &str = "print-jobs.json";
/// How long a done job is kept.
const KEEP_DONE_MS: i64 = 24 * 3600 * 1000;

/// What made a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "id")]
pub enum Origin {
    /// A store event, by id.
    Event(u64),
    /// 重打 from the board: a number of its own, never reused.
    Reprint(u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobKey {
    pub printer_id: i64,
    pub origin: Origin,
    pub copy: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub key: JobKey,
    /// 「A03 新单」
    pub title: String,
    #[serde(serialize_with = "to_base64", deserialize_with = "from_base64")]
    pub bytes: Vec<u8>,
    pub created_ms: i64,
    /// When the printer took it; `None` while queued.
    pub done_ms: Option<i64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct File {
    /// In the order they were made: each printer prints its jobs in this order.
    jobs: Vec<Job>,
    last_reprint: u64,
}

/// The jobs of this device, on disk.
#[derive(Debug)]
pub struct Jobs {
    saved: Saved,
    file: File,
}

impl Jobs {
    /// The jobs saved by the last run (done ones older than a day dropped). A damaged file is
    /// an error: the caller decides (the desk starts with no jobs and says so).
    pub fn open(saved: Saved, now_ms: i64) -> Result<Jobs> {
        let file = saved.read(FILE)?.unwrap_or_default();
        let mut jobs = Jobs { saved, file };
        jobs.prune(now_ms);
        Ok(jobs)
    }

    /// An empty list that saves into `saved` (when the saved one could not be read).
    pub fn empty(saved: Saved) -> Jobs {
        Jobs {
            saved,
            file: File::default(),
        }
    }

    /// Add jobs not made before (by key), and save them before anything is sent. Returns the
    /// printers that have new work.
    pub fn add(&mut self, new: Vec<Job>) -> Result<Vec<i64>> {
        let mut printers = Vec::new();
        for job in new {
            if self.file.jobs.iter().any(|j| j.key == job.key) {
                continue;
            }
            if !printers.contains(&job.key.printer_id) {
                printers.push(job.key.printer_id);
            }
            self.file.jobs.push(job);
        }
        if !printers.is_empty() {
            self.save()?;
        }
        Ok(printers)
    }

    /// A fresh origin for a 重打.
    pub fn next_reprint(&mut self, now_ms: i64) -> Origin {
        let id = self.file.last_reprint.saturating_add(1).max(now_ms.max(0) as u64);
        self.file.last_reprint = id;
        Origin::Reprint(id)
    }

    /// The oldest job of `printer_id` not done yet.
    pub fn next(&self, printer_id: i64) -> Option<&Job> {
        self.file
            .jobs
            .iter()
            .find(|j| j.key.printer_id == printer_id && j.done_ms.is_none())
    }

    /// The printer took the job's bytes.
    pub fn done(&mut self, key: JobKey, now_ms: i64) -> Result<()> {
        if let Some(job) = self.file.jobs.iter_mut().find(|j| j.key == key) {
            job.done_ms = Some(now_ms);
        }
        self.prune(now_ms);
        self.save()
    }

    /// Jobs of `printer_id` waiting.
    pub fn queued(&self, printer_id: i64) -> u32 {
        let waiting = self
            .file
            .jobs
            .iter()
            .filter(|j| j.key.printer_id == printer_id && j.done_ms.is_none());
        waiting.count() as u32
    }

    /// Queued jobs of printers that are no longer this device's (removed, handed over): nothing
    /// will ever send them. Returns how many per printer were dropped.
    pub fn drop_printers_not_in(&mut self, printers: &[i64]) -> Result<BTreeMap<i64, u32>> {
        let mut dropped = BTreeMap::new();
        self.file.jobs.retain(|j| {
            let keep = j.done_ms.is_some() || printers.contains(&j.key.printer_id);
            if !keep {
                *dropped.entry(j.key.printer_id).or_insert(0) += 1;
            }
            keep
        });
        if !dropped.is_empty() {
            self.save()?;
        }
        Ok(dropped)
    }

    pub fn all(&self) -> &[Job] {
        &self.file.jobs
    }

    fn prune(&mut self, now_ms: i64) {
        self.file
            .jobs
            .retain(|j| j.done_ms.is_none_or(|done| now_ms - done < KEEP_DONE_MS));
    }

    fn save(&self) -> Result<()> {
        self.saved.write(FILE, &self.file)
    }
}

fn to_base64<S: Serializer>(bytes: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(bytes))
}

fn from_base64<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<u8>, D::Error> {
    let text = String::deserialize(d)?;
    STANDARD.decode(text).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(printer_id: i64, event: u64, copy: u8) -> Job {
        Job {
            key: JobKey {
                printer_id,
                origin: Origin::Event(event),
                copy,
            },
            title: "A01 新单".into(),
            bytes: vec![0x1b, b'@', 0xb2, 0xe2],
            created_ms: 1_000,
            done_ms: None,
        }
    }

    #[test]
    fn a_job_made_twice_is_kept_once_and_survives_a_restart_until_done() {
        let dir = tempfile::tempdir().expect("temp dir");
        let saved = Saved::new(dir.path());
        let mut jobs = Jobs::open(saved.clone(), 1_000).expect("no file yet");
        assert_eq!(
            jobs.add(vec![job(1, 7, 1), job(1, 7, 2), job(2, 7, 1)]).expect("saved"),
            [1, 2]
        );
        assert_eq!(
            jobs.add(vec![job(1, 7, 1)]).expect("saved"),
            Vec::<i64>::new(),
            "a replay adds nothing"
        );

        let mut jobs = Jobs::open(saved.clone(), 2_000).expect("read back");
        assert_eq!(jobs.queued(1), 2);
        let first = jobs.next(1).expect("queued").clone();
        assert_eq!(first, job(1, 7, 1), "oldest first, bytes as rendered");
        jobs.done(first.key, 2_000).expect("saved");
        assert_eq!(jobs.next(1).map(|j| j.key.copy), Some(2));

        let mut jobs = Jobs::open(saved.clone(), 3_000).expect("read back");
        assert_eq!(jobs.queued(1), 1, "done stays done after a restart");
        assert_eq!(jobs.add(vec![job(1, 7, 1)]).expect("saved"), Vec::<i64>::new());
        let later = 2_000 + KEEP_DONE_MS;
        let jobs = Jobs::open(saved, later).expect("read back");
        assert_eq!(
            jobs.all().len(),
            2,
            "the done job goes after a day, the queued ones stay"
        );
    }

    #[test]
    fn jobs_of_a_printer_no_longer_ours_are_dropped_and_reprints_never_collide() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut jobs = Jobs::open(Saved::new(dir.path()), 5).expect("empty");
        jobs.add(vec![job(1, 7, 1), job(2, 7, 1)]).expect("saved");
        assert_eq!(jobs.drop_printers_not_in(&[1]).expect("saved"), [(2, 1)].into());
        assert_eq!(jobs.queued(2), 0);
        let (a, b) = (jobs.next_reprint(5), jobs.next_reprint(5));
        assert_ne!(a, b);
    }
}
