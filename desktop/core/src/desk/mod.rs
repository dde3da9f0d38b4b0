//! The desk: the running app without its window. One task owns the [`Engine`] and the
//! [`StoreStream`]; everything else talks to it through a [`Desk`] handle. It sends
//! [`Effect`]s (notifications, speech) out on a channel for [`crate::outputs`] to carry out, and
//! publishes a [`DeskView`] for the window whenever something visible changes.

use std::sync::Arc;
use std::time::Duration;

mod runner;

use orderbell_shared::heard::AlertSettings;
use orderbell_shared::order::StoreSnapshot;
use orderbell_shared::printing::PrinterDTO;
use orderbell_shared::refunds::RefundDTO;
use tokio::sync::{mpsc, oneshot, watch};

use crate::alerts::Effect;
use crate::api::{Action, ActionError, Api};
use crate::backoff::{Backoff, BackoffPolicy};
use crate::books::Books;
use crate::clock::Clock;
use crate::engine::Engine;
use crate::error::Result;
use crate::floor::Floor;
use crate::notify::NoteKind;
use crate::owner::StoreReport;
use crate::pairing::{Pairing, Role};
use crate::print::rules::Menu;
use crate::print::runner::{PrintOptions, PrintQueue};
use crate::receipts::{Device, Receipts};
use crate::refunds::Refunds;
use crate::saved::{Saved, Settings};
use crate::setup::Setup;
use crate::stream::StoreStream;
use crate::view::{ConnectionState, ConnectionView, DeskView, Health};
use crate::voice::Cue;
use runner::Runner;

/// The longest custom answer to a 催单 the server takes.
pub const MAX_REPLY_CHARS: u32 = 30;

/// Knobs that tests turn; the app uses the defaults.
#[derive(Clone, Debug)]
pub struct DeskOptions {
    pub backoff: BackoffPolicy,
    /// No byte from the server for this long (three missed heartbeats) counts as a drop.
    pub idle_timeout: Duration,
    /// How often the desk looks at the clock for repeats and the lost-connection alarm.
    pub tick_every: Duration,
    pub printing: PrintOptions,
}

impl Default for DeskOptions {
    fn default() -> Self {
        DeskOptions {
            backoff: BackoffPolicy::default(),
            idle_timeout: Duration::from_secs(65),
            tick_every: Duration::from_secs(1),
            printing: PrintOptions::default(),
        }
    }
}

pub(crate) enum Command {
    Stop,
    Tick,
    Spoken,
    Shown(NoteKind),
    Sounded(Cue),
    Settings(Settings),
    TestSound,
    /// The snapshot, and the refunds not done yet read after it (none for the kitchen).
    Snapshot(StoreSnapshot, Vec<RefundDTO>),
    /// The store's printers and menu (sent before the snapshot, so events are read with them).
    /// A read of the printers (and the menu), numbered in the order it was asked for.
    Printers(u64, Vec<PrinterDTO>, Menu),
    /// 重打 of an open order: how many tickets were queued.
    Reprint(i64, oneshot::Sender<Result<usize, ActionError>>),
    /// 测试打印 on one of this device's printers.
    PrintTest(i64, oneshot::Sender<Result<(), ActionError>>),
    SnapshotFailed {
        error: String,
        attempt: u32,
        retry_in: Duration,
    },
    /// The server refused the credential while loading the snapshot (`revoked`: the owner
    /// revoked this device).
    Refused {
        error: String,
        revoked: bool,
    },
    Health {
        audio: Option<Health>,
        notifications: Option<Health>,
    },
}

/// A handle on the running desk. Cheap to clone; the desk stops when the last handle is dropped.
#[derive(Clone)]
pub struct Desk {
    commands: mpsc::UnboundedSender<Command>,
    view: watch::Receiver<DeskView>,
    api: Api,
    role: Role,
    /// This app's id as a device of the store.
    device_id: String,
    clock: Arc<dyn Clock>,
}

/// The effects the desk asks for, in order.
pub type Effects = mpsc::UnboundedReceiver<Effect>;

impl Desk {
    /// Start listening to the paired store. Needs a tokio runtime.
    pub fn start(
        pairing: Pairing,
        saved: Saved,
        clock: Arc<dyn Clock>,
        options: DeskOptions,
    ) -> Result<(Desk, Effects)> {
        let api = Api::new(pairing.clone())?;
        // A damaged file must not keep the restaurant from hearing orders: start afresh, say so.
        let mut warning = None;
        let heard = saved.heard().unwrap_or_else(|e| {
            warning = Some(format!("已重新开始：{e}"));
            Default::default()
        });
        let settings = saved.settings().unwrap_or_else(|e| {
            warning = Some(format!("设置已恢复默认：{e}"));
            Default::default()
        });
        let device = saved.device_or_new().unwrap_or_else(|e| {
            warning = Some(format!("无法保存本机标识：{e}"));
            Device::fresh()
        });
        let stream = StoreStream::new(
            pairing.clone(),
            Backoff::new(options.backoff),
            options.idle_timeout,
            heard.last_event_id,
        )
        .as_device(&device);
        // A position saved means this pairing reached the server once: a failure from now on is
        // an outage, not a wrong address.
        let reached = heard.last_event_id.is_some();
        let handle = (pairing.role, pairing.device_id(), clock.clone());
        let (print, print_status, print_warning) = PrintQueue::start(
            saved.clone(),
            pairing.device_id(),
            clock.clone(),
            options.printing.clone(),
        );
        warning = print_warning.or(warning);
        let engine = Engine::new(pairing.role, heard, settings);
        let now = clock.now_ms();
        let connection = ConnectionView {
            state: ConnectionState::Connecting,
            since_ms: now,
            attempt: 0,
            retry_in_ms: 0,
            error: None,
        };
        let (effects_tx, effects) = mpsc::unbounded_channel();
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let mut runner = Runner {
            pairing,
            engine,
            stream,
            saved,
            clock,
            options,
            api: api.clone(),
            receipts: Receipts::new(api.clone(), device),
            effects: effects_tx,
            commands: commands.downgrade(),
            connection,
            audio: Health::unknown(),
            notifications: Health::unknown(),
            warning,
            loading: true,
            reached,
            floor_changes: 0,
            print,
            print_status,
            printers: Default::default(),
            printer_reads: Default::default(),
        };
        let (view_tx, view) = watch::channel(runner.view());
        tokio::spawn(async move { runner.run(commands_rx, view_tx).await });
        let (role, device_id, clock) = handle;
        let desk = Desk {
            commands,
            view,
            api,
            role,
            device_id,
            clock,
        };
        Ok((desk, effects))
    }

    /// The current view; `changed()` on it waits for the next.
    pub fn view(&self) -> watch::Receiver<DeskView> {
        self.view.clone()
    }

    /// Act on an order. The board changes when the server's event comes back, on every device.
    pub async fn act(&self, order_id: i64, action: Action) -> Result<(), ActionError> {
        Ok(self.api.act(order_id, &action).await?)
    }

    /// The 「店铺」 panel: the store's devices, its unheard time and its alert settings.
    pub async fn store_report(&self) -> Result<StoreReport, ActionError> {
        let (devices, unheard, settings) =
            tokio::try_join!(self.api.devices(), self.api.unheard(), self.api.alert_settings())?;
        Ok(StoreReport::new(
            devices,
            self.device_id.clone(),
            unheard,
            settings,
            self.role,
            self.clock.now_ms(),
            self.clock.utc_offset_secs(),
        ))
    }

    /// The owner's choice of what happens when nobody hears an alert; the server's answer.
    pub async fn save_alert_settings(&self, settings: AlertSettings) -> Result<AlertSettings, ActionError> {
        Ok(self.api.set_alert_settings(&settings).await?)
    }

    /// The owner's requests to set the store up (tables, menu, devices).
    pub fn setup(&self) -> Setup {
        Setup::new(self.api.clone())
    }

    /// The counter's table map and bills (settle, 清台, 换桌, 并台, 退菜).
    pub fn floor(&self) -> Floor {
        Floor::new(self.api.clone())
    }

    /// Order history and 日结.
    pub fn books(&self) -> Books {
        Books::new(self.api.clone())
    }

    /// Refunds: the list (also those done), 重试 and 已线下退款.
    pub fn refunds(&self) -> Refunds {
        Refunds::new(self.api.clone())
    }

    /// 重打: the order's kitchen tickets again, marked 重打, on this device's printers that have
    /// dishes of it. How many tickets were queued.
    pub async fn reprint(&self, order_id: i64) -> Result<usize, ActionError> {
        let (tx, rx) = oneshot::channel();
        self.send(Command::Reprint(order_id, tx));
        rx.await.map_err(|_| ActionError {
            code: "stopped".into(),
            message: "应用正在退出，请重新打开后再试".into(),
        })?
    }

    /// 测试打印: a test page queued on one of this device's printers.
    pub async fn print_test(&self, printer_id: i64) -> Result<(), ActionError> {
        let (tx, rx) = oneshot::channel();
        self.send(Command::PrintTest(printer_id, tx));
        rx.await.map_err(|_| ActionError {
            code: "stopped".into(),
            message: "应用正在退出，请重新打开后再试".into(),
        })?
    }

    /// Stop listening; the effects channel closes after the last effect.
    pub fn stop(&self) {
        self.send(Command::Stop);
    }

    /// Look at the clock now (the desk also does every `tick_every`).
    pub fn tick(&self) {
        self.send(Command::Tick);
    }

    /// The player finished the last plan it was given.
    pub fn spoken(&self) {
        self.send(Command::Spoken);
    }

    /// A notification is on screen: the server is told (for an order or a 催单).
    pub fn shown(&self, kind: NoteKind) {
        self.send(Command::Shown(kind));
    }

    /// An announcement played through the speakers: the server is told this device heard it.
    pub fn sounded(&self, cue: Cue) {
        self.send(Command::Sounded(cue));
    }

    pub fn set_settings(&self, settings: Settings) {
        self.send(Command::Settings(settings));
    }

    pub fn test_sound(&self) {
        self.send(Command::TestSound);
    }

    /// What the last try of an output showed.
    pub fn report(&self, audio: Option<Health>, notifications: Option<Health>) {
        self.send(Command::Health { audio, notifications });
    }

    fn send(&self, command: Command) {
        // Fails only once the desk has stopped, when nothing is left to tell.
        let _ = self.commands.send(command);
    }
}
