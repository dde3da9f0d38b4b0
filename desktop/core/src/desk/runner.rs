//! The desk's task: one loop over commands, the stream and the clock, owning the engine. It
//! persists what was heard after every change and republishes the view.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use orderbell_shared::Event;
use orderbell_shared::order::{REPLY_PRESETS, StoreSnapshot};
use orderbell_shared::printing::PrinterDTO;
use orderbell_shared::refunds::RefundDTO;
use tokio::sync::{mpsc, watch};

use super::{Command, DeskOptions, MAX_REPLY_CHARS};
use crate::alerts::Effect;
use crate::api::{ActionError, Api};
use crate::backoff::Backoff;
use crate::clock::Clock;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::floor::changes_floor;
use crate::notify::Note;
use crate::pairing::{Pairing, Role};
use crate::print::rules::Menu;
use crate::print::runner::{PrintQueue, PrinterStatus, load_printers};
use crate::receipts::Receipts;
use crate::refunds;
use crate::saved::Saved;
use crate::stream::{DEVICE_REVOKED, StoreStream, StreamItem};
use crate::view::{ConnectionState, ConnectionView, DeskView, Health};
use crate::voice::VoicePlan;

pub(super) struct Runner {
    pub(super) pairing: Pairing,
    pub(super) engine: Engine,
    pub(super) stream: StoreStream,
    pub(super) saved: Saved,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) options: DeskOptions,
    pub(super) api: Api,
    pub(super) receipts: Receipts,
    pub(super) effects: mpsc::UnboundedSender<Effect>,
    pub(super) commands: mpsc::WeakUnboundedSender<Command>,
    pub(super) connection: ConnectionView,
    pub(super) audio: Health,
    pub(super) notifications: Health,
    pub(super) warning: Option<String>,
    /// Waiting for a snapshot: the stream is not read meanwhile.
    pub(super) loading: bool,
    /// This pairing has reached the server (now or in an earlier run).
    pub(super) reached: bool,
    /// Store events that changed the table map, counted (see [`DeskView::floor_changes`]).
    pub(super) floor_changes: u64,
    pub(super) print: PrintQueue,
    pub(super) print_status: mpsc::UnboundedReceiver<PrinterStatus>,
    /// This device's printers as the banner shows them.
    pub(super) printers: BTreeMap<i64, PrinterStatus>,
    pub(super) printer_reads: PrinterReads,
}

/// Reads of the printers list run in tasks of their own and may finish out of order (two
/// `printers_changed` in a row): only a read asked for after the one applied is applied, so an
/// older list never replaces a newer one.
#[derive(Debug, Default)]
pub(super) struct PrinterReads {
    asked: u64,
    applied: u64,
}

impl PrinterReads {
    fn ask(&mut self) -> u64 {
        self.asked += 1;
        self.asked
    }

    /// Whether read `number` is newer than what is applied (and now is).
    fn apply(&mut self, number: u64) -> bool {
        let newer = number > self.applied;
        if newer {
            self.applied = number;
        }
        newer
    }
}

impl Runner {
    pub(super) async fn run(&mut self, mut commands: mpsc::UnboundedReceiver<Command>, view: watch::Sender<DeskView>) {
        let mut ticks = tokio::time::interval(self.options.tick_every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        self.fetch_snapshot();
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(Command::Stop) | None => break,
                    Some(command) => self.command(command),
                },
                item = self.stream.next(), if !self.loading => self.item(item),
                Some(status) = self.print_status.recv() => self.printer(status),
                _ = ticks.tick() => self.command(Command::Tick),
            }
            let next = self.view();
            view.send_if_modified(|current| {
                let changed = *current != next;
                *current = next;
                changed
            });
        }
    }

    fn command(&mut self, command: Command) {
        let now = self.clock.now_ms();
        let effects = match command {
            Command::Stop => Vec::new(),
            Command::Tick => {
                self.engine.policy.set_utc_offset(self.clock.utc_offset_secs());
                let effects = self.engine.policy.tick(now);
                if self.engine.policy.is_lost(now) && self.connection.state == ConnectionState::Reconnecting {
                    self.connection.state = ConnectionState::Lost;
                }
                effects
            }
            Command::Spoken => self.engine.policy.spoken(),
            Command::Shown(kind) => {
                self.engine.shown(kind);
                Vec::new()
            }
            Command::Sounded(cue) => {
                self.engine.sounded(cue);
                Vec::new()
            }
            Command::TestSound => self.engine.policy.test_sound(),
            Command::Settings(settings) => {
                let settings = settings.sanitized();
                self.keep(self.saved.save_settings(&settings));
                self.engine.policy.set_settings(settings);
                Vec::new()
            }
            Command::Snapshot(snapshot, refunds) => {
                self.loading = false;
                self.reached = true;
                self.engine.refunds.load(refunds, snapshot.last_event_id);
                let effects = self.engine.load(snapshot, now);
                if let Some(id) = self.engine.heard.last_event_id {
                    self.stream.resume_after(id);
                }
                self.keep(self.saved.save_heard(&self.engine.heard));
                effects
            }
            Command::SnapshotFailed {
                error,
                attempt,
                retry_in,
            } => {
                self.down(error, attempt, retry_in, now);
                Vec::new()
            }
            Command::Refused { error, revoked } => self.refused(error, revoked, now),
            Command::Printers(number, printers, menu) => {
                if self.printer_reads.apply(number) {
                    self.set_printers(printers, menu)
                } else {
                    Vec::new()
                }
            }
            Command::Reprint(order_id, reply) => {
                let result = match self.engine.board.get(order_id) {
                    Some(order) => self.print.reprint(order).map_err(ActionError::from),
                    None => Err(ActionError {
                        code: "order_not_open".into(),
                        message: "这个订单已不在看板上，无法重打".into(),
                    }),
                };
                let _ = reply.send(result);
                Vec::new()
            }
            Command::PrintTest(printer_id, reply) => {
                let result = match self.print.print_test(printer_id) {
                    Ok(true) => Ok(()),
                    Ok(false) => Err(ActionError {
                        code: "not_this_devices_printer".into(),
                        message: "这台打印机由别的设备打印，或已停用：请在那台设备上测试，或把它交给本机".into(),
                    }),
                    Err(e) => Err(ActionError::from(e)),
                };
                let _ = reply.send(result);
                Vec::new()
            }
            Command::Health { audio, notifications } => {
                self.audio = audio.unwrap_or_else(|| self.audio.clone());
                self.notifications = notifications.unwrap_or_else(|| self.notifications.clone());
                Vec::new()
            }
        };
        self.emit(effects);
    }

    fn item(&mut self, item: StreamItem) {
        let now = self.clock.now_ms();
        match item {
            StreamItem::Connected(connected) => {
                // A server whose journal is behind our position (its database was restored or
                // replaced) would have every new event look "already handled": start again
                // from where it stands.
                if self
                    .engine
                    .heard
                    .last_event_id
                    .is_some_and(|ours| ours > connected.last_event_id)
                {
                    tracing::warn!(?connected, "the server is behind our position: reloading");
                    self.engine.heard.last_event_id = Some(connected.last_event_id);
                    self.stream.resume_after(connected.last_event_id);
                    self.loading = true;
                    self.fetch_snapshot();
                }
                self.reached = true;
                let mut effects = self.engine.policy.connection_up();
                if !self.loading {
                    effects.extend(self.engine.server_at(connected.last_event_id, now));
                    self.keep(self.saved.save_heard(&self.engine.heard));
                }
                self.emit(effects);
                self.connection = ConnectionView {
                    state: ConnectionState::Live,
                    since_ms: now,
                    attempt: 0,
                    retry_in_ms: 0,
                    error: None,
                };
            }
            StreamItem::Event { id, event } => {
                let history = self.engine.replays_history(id);
                if let Some(effects) = self.engine.event(id, &event, now) {
                    // Jobs are saved before the stream position: a crash in between replays the
                    // event, and the job keys make that replay print nothing new.
                    if !history {
                        let board = &self.engine.board;
                        let planned = self.print.event(id, &event, |order_id| board.get(order_id));
                        self.keep(planned);
                    }
                    if matches!(*event, Event::PrintersChanged(_)) {
                        self.reload_printers();
                    }
                    if changes_floor(&event) {
                        self.floor_changes += 1;
                    }
                    self.keep(self.saved.save_heard(&self.engine.heard));
                    self.emit(effects);
                }
            }
            StreamItem::Resync(resync) => {
                tracing::info!(?resync, "the server no longer has our events: reloading the snapshot");
                // The connection itself stays up: its state does not change.
                self.engine.heard.last_event_id = Some(resync.last_event_id);
                self.loading = true;
                self.fetch_snapshot();
            }
            StreamItem::Down {
                error,
                attempt,
                retry_in,
            } => self.down(error, attempt, retry_in, now),
            StreamItem::Refused { error, revoked } => {
                let effects = self.refused(error, revoked, now);
                self.emit(effects);
            }
        }
    }

    /// A wrong or revoked credential: no outage (so no alarm, and the one shown goes), no more
    /// tries; the window asks to pair again.
    fn refused(&mut self, error: String, revoked: bool, now: i64) -> Vec<Effect> {
        tracing::warn!(%error, revoked, "the server refused the credential");
        self.connection = ConnectionView {
            state: if revoked {
                ConnectionState::Revoked
            } else {
                ConnectionState::Refused
            },
            since_ms: now,
            attempt: 0,
            retry_in_ms: 0,
            error: Some(error),
        };
        self.engine.policy.connection_up()
    }

    fn down(&mut self, error: String, attempt: u32, retry_in: Duration, now: i64) {
        tracing::info!(%error, attempt, ?retry_in, "store stream down");
        if self.connection.state.stopped() {
            return;
        }
        let state = if !self.reached {
            // Nothing was lost: the address may be wrong. No alarm, the window says so.
            ConnectionState::Unreachable
        } else {
            self.engine.policy.connection_down(now);
            if self.engine.policy.is_lost(now) {
                ConnectionState::Lost
            } else {
                ConnectionState::Reconnecting
            }
        };
        let since_ms = match self.connection.state {
            ConnectionState::Reconnecting | ConnectionState::Lost | ConnectionState::Unreachable => {
                self.connection.since_ms
            }
            ConnectionState::Connecting
            | ConnectionState::Live
            | ConnectionState::Refused
            | ConnectionState::Revoked => now,
        };
        self.connection = ConnectionView {
            state,
            since_ms,
            attempt,
            retry_in_ms: retry_in.as_millis().try_into().unwrap_or(u64::MAX),
            error: Some(error),
        };
    }

    /// The store's printers changed: read them (and the menu) again, in the background.
    fn reload_printers(&mut self) {
        let (api, commands) = (self.api.clone(), self.commands.clone());
        let number = self.printer_reads.ask();
        tokio::spawn(async move {
            match load_printers(&api).await {
                Ok((printers, menu)) => {
                    if let Some(commands) = commands.upgrade() {
                        let _ = commands.send(Command::Printers(number, printers, menu));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not read the printers again"),
            }
        });
    }

    fn set_printers(&mut self, printers: Vec<PrinterDTO>, menu: Menu) -> Vec<Effect> {
        let saved = self.print.set_printers(printers, menu);
        self.keep(saved);
        let fresh: BTreeMap<i64, PrinterStatus> =
            self.print.statuses().into_iter().map(|s| (s.printer_id, s)).collect();
        let mut effects = Vec::new();
        let gone: Vec<i64> = self
            .printers
            .keys()
            .filter(|id| !fresh.contains_key(id))
            .copied()
            .collect();
        for printer_id in gone {
            self.printers.remove(&printer_id);
            effects.extend(self.engine.policy.printer_back(printer_id));
        }
        for (printer_id, status) in fresh {
            self.printers.entry(printer_id).or_insert(status);
        }
        effects
    }

    /// A sending loop's news: the banner follows it; a printer that just failed is said once,
    /// and its warning goes when it prints again.
    fn printer(&mut self, status: PrinterStatus) {
        // A report from a loop stopped meanwhile (the printer was removed) changes nothing.
        let Some(before) = self.printers.get(&status.printer_id) else {
            return;
        };
        let effects = match (before.has_problem(), status.has_problem()) {
            (false, true) => {
                let volume = self.engine.policy.settings().volume;
                let plan = VoicePlan::printer(status.printer_id, status.role, status.paper_out, volume);
                let note = Note::printer(&status);
                self.engine.policy.printer_problem(note, plan, self.clock.now_ms())
            }
            (true, false) => self.engine.policy.printer_back(status.printer_id),
            _ => Vec::new(),
        };
        self.printers.insert(status.printer_id, status);
        self.emit(effects);
    }

    /// Load the snapshot in a task of its own, retrying with backoff until it comes.
    fn fetch_snapshot(&mut self) {
        let (api, commands, policy) = (self.api.clone(), self.commands.clone(), self.options.backoff);
        let number = self.printer_reads.ask();
        let role = self.pairing.role;
        tokio::spawn(async move {
            let mut backoff = Backoff::new(policy);
            loop {
                let result = async {
                    let snapshot = snapshot_and_refunds(&api, role).await?;
                    Ok((snapshot, load_printers(&api).await?))
                };
                let result = result.await;
                let Some(commands) = commands.upgrade() else { return };
                let delay = match result {
                    Ok(((snapshot, refunds), (printers, menu))) => {
                        let _ = commands.send(Command::Printers(number, printers, menu));
                        let _ = commands.send(Command::Snapshot(snapshot, refunds));
                        return;
                    }
                    Err(Error::Refused { status, code, message }) if matches!(status, 401 | 403) => {
                        let revoked = code == DEVICE_REVOKED;
                        let error = if revoked {
                            message
                        } else {
                            format!("{message}（{status}）")
                        };
                        let _ = commands.send(Command::Refused { error, revoked });
                        return;
                    }
                    Err(e) => {
                        let retry_in = backoff.next_delay();
                        let error = format!("无法载入订单：{e}");
                        let attempt = backoff.failures();
                        let _ = commands.send(Command::SnapshotFailed {
                            error,
                            attempt,
                            retry_in,
                        });
                        retry_in
                    }
                };
                drop(commands);
                tokio::time::sleep(delay).await;
            }
        });
    }

    fn emit(&mut self, effects: Vec<Effect>) {
        for (alert, state) in self.engine.who_heard.take_receipts() {
            self.receipts.send(alert, state);
        }
        for effect in effects {
            // The receiver goes only when the app shuts down.
            let _ = self.effects.send(effect);
        }
    }

    fn keep(&mut self, saved: Result<()>) {
        self.warning = saved.err().map(|e| format!("无法保存状态：{e}"));
    }

    pub(super) fn view(&self) -> DeskView {
        DeskView {
            role: self.pairing.role,
            store_id: self.pairing.store_id,
            server_url: self.pairing.server_url.clone(),
            connection: self.connection.clone(),
            last_event_id: self.engine.heard.last_event_id,
            orders: self.engine.orders(),
            unhandled: self.engine.board.unhandled(),
            settings: self.engine.policy.settings().clone(),
            audio: self.audio.clone(),
            notifications: self.notifications.clone(),
            reply_presets: REPLY_PRESETS.iter().map(|p| (*p).to_owned()).collect(),
            max_reply_chars: MAX_REPLY_CHARS,
            warning: self.warning.clone(),
            floor_changes: self.floor_changes,
            refunds: self.engine.refunds.list(),
            printers: self.printers.values().cloned().collect(),
        }
    }
}

/// The snapshot, then (for the merchant) the refunds not done yet: read after it, so the
/// events that follow it bring the list up to date. A refusal of the list (a server without
/// refunds) leaves it empty rather than keep the board from loading.
async fn snapshot_and_refunds(api: &Api, role: Role) -> Result<(StoreSnapshot, Vec<RefundDTO>)> {
    let snapshot = api.snapshot().await?;
    if role != Role::Merchant {
        return Ok((snapshot, Vec::new()));
    }
    match refunds::list(api, false).await {
        Ok(open) => Ok((snapshot, open)),
        Err(Error::Refused { status, code, .. }) => {
            tracing::warn!(status, %code, "the server refused the refunds list");
            Ok((snapshot, Vec::new()))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::PrinterReads;

    #[test]
    fn an_older_read_of_the_printers_never_replaces_a_newer_one() {
        let mut reads = PrinterReads::default();
        let (first, second) = (reads.ask(), reads.ask());
        assert!(reads.apply(second), "the newer read lands first and is applied");
        assert!(!reads.apply(first), "the older one, landing after, is not");
        let third = reads.ask();
        assert!(reads.apply(third));
    }
}
