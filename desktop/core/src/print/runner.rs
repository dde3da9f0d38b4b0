//! The print queue: turns store events into jobs for this device's printers (saved first, see
//! [`super::jobs`]) and sends them, one sending loop per printer, jobs in order, one at a time.
//! A job that fails stays first in its printer's queue and is tried again after 2 s, 5 s, 10 s,
//! then every 15 s; every change of a printer's state is reported as a [`PrinterStatus`], from
//! which the desk raises (and clears) the printer banner and its voice.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use orderbell_shared::printing::{PrinterDTO, PrinterRole};
use orderbell_shared::{Event, OrderDTO};
use reqwest::Method;
use serde::Serialize;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use super::PrintFailure;
use super::jobs::{Job, JobKey, Jobs, Origin};
use super::layout;
use super::rules::{Document, Menu, Planned, Routing};
use super::transport;
use crate::api::Api;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::saved::Saved;
use crate::setup::Setup;

/// How a printer of this device is doing, for the window's banner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PrinterStatus {
    pub printer_id: i64,
    pub name: String,
    pub role: PrinterRole,
    /// It took the last job (or nothing was tried yet).
    pub online: bool,
    pub paper_out: bool,
    /// Jobs waiting for it.
    pub queued: u32,
    /// Why the last try failed.
    pub error: Option<String>,
}

impl PrinterStatus {
    /// Off line or out of paper: the banner shows it.
    pub fn has_problem(&self) -> bool {
        !self.online || self.paper_out
    }
}

/// Knobs that tests turn.
#[derive(Clone, Debug)]
pub struct PrintOptions {
    /// The waits before each retry of a failed job; the last one repeats.
    pub retry: Vec<Duration>,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            retry: [2, 5, 10, 15].map(Duration::from_secs).to_vec(),
        }
    }
}

/// This device's printers and their jobs. Dropping it stops every sending loop.
pub struct PrintQueue {
    device_id: String,
    jobs: Arc<Mutex<Jobs>>,
    /// All the store's printers (routing needs the others' categories).
    printers: Vec<PrinterDTO>,
    menu: Menu,
    workers: BTreeMap<i64, Worker>,
    status: mpsc::UnboundedSender<PrinterStatus>,
    clock: Arc<dyn Clock>,
    options: PrintOptions,
}

struct Worker {
    printer: PrinterDTO,
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PrintQueue {
    /// The queue with the jobs the last run left (a damaged file: none, and the error to show).
    /// No printer is known until [`PrintQueue::set_printers`].
    pub fn start(
        saved: Saved,
        device_id: String,
        clock: Arc<dyn Clock>,
        options: PrintOptions,
    ) -> (PrintQueue, mpsc::UnboundedReceiver<PrinterStatus>, Option<String>) {
        let (jobs, warning) = match Jobs::open(saved.clone(), clock.now_ms()) {
            Ok(jobs) => (jobs, None),
            Err(e) => (Jobs::empty(saved), Some(format!("打印任务无法读取，已重新开始：{e}"))),
        };
        let (status, statuses) = mpsc::unbounded_channel();
        let queue = PrintQueue {
            device_id,
            jobs: Arc::new(Mutex::new(jobs)),
            printers: Vec::new(),
            menu: Menu::default(),
            workers: BTreeMap::new(),
            status,
            clock,
            options,
        };
        (queue, statuses, warning)
    }

    /// The store's printers and menu, as the server has them now: a sending loop for each of this
    /// device's enabled printers (started again when its settings changed), and the queued jobs
    /// of printers no longer ours dropped.
    pub fn set_printers(&mut self, printers: Vec<PrinterDTO>, menu: Menu) -> Result<()> {
        let mine: BTreeMap<i64, PrinterDTO> = printers
            .iter()
            .filter(|p| p.enabled && p.device_id == self.device_id)
            .map(|p| (p.printer_id, p.clone()))
            .collect();
        self.workers
            .retain(|id, worker| mine.get(id).is_some_and(|p| *p == worker.printer));
        for (id, printer) in mine {
            if !self.workers.contains_key(&id) {
                let worker = self.spawn(printer);
                self.workers.insert(id, worker);
            }
        }
        self.printers = printers;
        self.menu = menu;
        let ids: Vec<i64> = self.workers.keys().copied().collect();
        let dropped = lock(&self.jobs).drop_printers_not_in(&ids)?;
        for (printer_id, count) in dropped {
            tracing::warn!(
                printer_id,
                count,
                "queued print jobs dropped: the printer is no longer this device's"
            );
        }
        Ok(())
    }

    /// The jobs store event `id` makes, saved before anything is sent. `order` finds an open
    /// order of the board.
    pub fn event<'o>(&self, id: u64, event: &Event, order: impl Fn(i64) -> Option<&'o OrderDTO>) -> Result<()> {
        let planned = self.routing().for_event(event, order);
        self.add(Origin::Event(id), planned)
    }

    /// 重打 of an order: how many tickets were queued (none: no printer of this device has any
    /// of its dishes).
    pub fn reprint(&self, order: &OrderDTO) -> Result<usize> {
        let now = self.clock.now_ms();
        let planned = self.routing().reprint(order, now);
        let count = planned.len();
        let origin = lock(&self.jobs).next_reprint(now);
        self.add(origin, planned)?;
        Ok(count)
    }

    /// 测试打印 on `printer_id`: whether it was queued (not: the printer is another device's, or
    /// off).
    pub fn print_test(&self, printer_id: i64) -> Result<bool> {
        let now = self.clock.now_ms();
        let planned = self.routing().test_page(printer_id, now);
        let queued = !planned.is_empty() && self.workers.contains_key(&printer_id);
        let origin = lock(&self.jobs).next_reprint(now);
        self.add(origin, planned)?;
        Ok(queued)
    }

    /// This device's printers as the banner shows them, before any job was tried.
    pub fn statuses(&self) -> Vec<PrinterStatus> {
        let jobs = lock(&self.jobs);
        self.workers
            .values()
            .map(|w| fresh_status(&w.printer, jobs.queued(w.printer.printer_id)))
            .collect()
    }

    fn routing(&self) -> Routing<'_> {
        Routing {
            device_id: &self.device_id,
            printers: &self.printers,
            menu: &self.menu,
            utc_offset_minutes: self.clock.utc_offset_secs() / 60,
        }
    }

    fn add(&self, origin: Origin, planned: Vec<Planned>) -> Result<()> {
        let now = self.clock.now_ms();
        let jobs: Vec<Job> = planned
            .into_iter()
            .filter_map(|p| {
                let printer = self.workers.get(&p.printer_id)?;
                Some(Job {
                    key: JobKey {
                        printer_id: p.printer_id,
                        origin,
                        copy: p.copy,
                    },
                    title: p.document.title(),
                    bytes: render(&p.document, &printer.printer),
                    created_ms: now,
                    done_ms: None,
                })
            })
            .collect();
        let woken = lock(&self.jobs).add(jobs)?;
        for printer_id in woken {
            if let Some(worker) = self.workers.get(&printer_id) {
                worker.wake.notify_one();
            }
        }
        Ok(())
    }

    fn spawn(&self, printer: PrinterDTO) -> Worker {
        let wake = Arc::new(Notify::new());
        let sender = Sender {
            printer: printer.clone(),
            jobs: self.jobs.clone(),
            wake: wake.clone(),
            status: self.status.clone(),
            clock: self.clock.clone(),
            retry: self.options.retry.clone(),
        };
        let task = tokio::spawn(sender.run());
        Worker { printer, wake, task }
    }
}

fn render(document: &Document, printer: &PrinterDTO) -> Vec<u8> {
    match document {
        Document::Ticket(ticket) => layout::KitchenTicket::escpos(ticket, printer.paper),
        Document::Receipt(receipt) => layout::Receipt::escpos(receipt, printer.paper),
        Document::TestPage {
            at_ms,
            utc_offset_minutes,
        } => layout::test_page(&printer.name, printer.paper, *at_ms, *utc_offset_minutes),
    }
}

fn fresh_status(printer: &PrinterDTO, queued: u32) -> PrinterStatus {
    PrinterStatus {
        printer_id: printer.printer_id,
        name: printer.name.clone(),
        role: printer.role,
        online: true,
        paper_out: false,
        queued,
        error: None,
    }
}

/// A poisoned lock means a sending loop panicked mid-update; the jobs in memory are still the
/// last saved or newer, so go on with them.
fn lock(jobs: &Mutex<Jobs>) -> MutexGuard<'_, Jobs> {
    jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One printer's sending loop.
struct Sender {
    printer: PrinterDTO,
    jobs: Arc<Mutex<Jobs>>,
    wake: Arc<Notify>,
    status: mpsc::UnboundedSender<PrinterStatus>,
    clock: Arc<dyn Clock>,
    retry: Vec<Duration>,
}

impl Sender {
    async fn run(self) {
        let id = self.printer.printer_id;
        let mut failures = 0usize;
        let mut status = fresh_status(&self.printer, lock(&self.jobs).queued(id));
        loop {
            let job = lock(&self.jobs).next(id).cloned();
            let Some(job) = job else {
                status.queued = 0;
                self.report(&status);
                self.wake.notified().await;
                continue;
            };
            status.queued = lock(&self.jobs).queued(id);
            self.report(&status);
            match transport::send(&self.printer.connection, &job.bytes).await {
                Ok(()) => {
                    failures = 0;
                    let done = lock(&self.jobs).done(job.key, self.clock.now_ms());
                    if let Err(e) = done {
                        // Printed but not marked: after a restart it would print again. Say so.
                        tracing::error!(error = %e, ?job.key, "a printed job could not be marked done");
                    }
                    tracing::info!(printer = %self.printer.name, job = %job.title, "printed");
                    status = fresh_status(&self.printer, lock(&self.jobs).queued(id));
                }
                Err(failure) => {
                    tracing::warn!(printer = %self.printer.name, %failure, "print job not taken");
                    status.online = failure == PrintFailure::PaperOut;
                    status.paper_out = failure == PrintFailure::PaperOut;
                    status.error = Some(failure.to_string());
                    self.report(&status);
                    let wait = self.retry.get(failures).or(self.retry.last()).copied();
                    failures += 1;
                    tokio::time::sleep(wait.unwrap_or(Duration::from_secs(15))).await;
                }
            }
        }
    }

    fn report(&self, status: &PrinterStatus) {
        // The desk reads these until it stops; then nobody needs them.
        let _ = self.status.send(status.clone());
    }
}

/// The store's printers and its menu, from the server. A server that refuses the list (one
/// without printers, a credential not allowed to read them) means no printers, not a failure:
/// printing must not keep the board from loading. A server error is an error (retried with the
/// snapshot): taken for "no printers", it would drop the jobs waiting.
pub async fn load_printers(api: &Api) -> Result<(Vec<PrinterDTO>, Menu)> {
    let printers = match api.store_request(Method::GET, "printers", None::<&()>).await {
        Ok(response) => response.json().await?,
        Err(Error::Refused { status, code, .. }) if status < 500 => {
            tracing::info!(status, %code, "the server refused the printers list: no printing");
            return Ok((Vec::new(), Menu::default()));
        }
        Err(e) => return Err(e),
    };
    let setup = Setup::new(api.clone());
    let menu = match setup.menu().await {
        Ok(menu) => Menu::new(&menu),
        // Without the menu every dish goes to the printers that take the unclaimed rest.
        Err(Error::Refused { status, code, .. }) if status < 500 => {
            tracing::warn!(status, %code, "the server refused the menu: no routing by category");
            Menu::default()
        }
        Err(e) => return Err(e),
    };
    // The owner's device reads the tables' links for the receipts' QR codes; others may not.
    let menu = match setup.tables().await {
        Ok(tables) => menu.with_links(&tables),
        Err(Error::Refused { status, .. }) if status < 500 => menu,
        Err(e) => return Err(e),
    };
    Ok((printers, menu))
}
