//! System notifications through notify-rust (the freedesktop notification server on Linux).
//! What a notification says is decided here, from the order, so it is the same everywhere and
//! tested without a notification server. A 催单 notification carries the reply presets as
//! actions: the merchant answers from the notification without opening the window.
//!
//! The [`Notifier`] remembers the notification it shows of each [`NoteKind`], so that a second
//! note of a kind replaces the first on screen (`replaces_id`) and a withdrawn one is closed
//! (`CloseNotification`): the screen shows what still needs a person, once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use futures_lite::future;
use notify_rust::{Notification, NotificationHandle, NotificationResponse, Timeout, Urgency};
use orderbell_shared::OrderDTO;
use orderbell_shared::order::REPLY_PRESETS;
use orderbell_shared::refunds::RefundDTO;
use serde::Serialize;
use tokio::sync::oneshot;

use crate::error::{Error, Result};
use crate::print::runner::PrinterStatus;
use crate::voice::Arrival;

/// A notification to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub summary: String,
    pub body: String,
}

/// What a notification is about; a device shows at most one of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum NoteKind {
    NewOrder {
        order_id: i64,
    },
    /// Offers the reply presets as actions.
    Hurry {
        order_id: i64,
    },
    ConnectionLost,
    PaymentAnomaly {
        order_id: i64,
    },
    /// The provider refused a refund: the merchant retries it or hands the money back.
    RefundFailed {
        refund_id: i64,
    },
    /// A printer of this device is off line or out of paper.
    Printer {
        printer_id: i64,
    },
}

impl NoteKind {
    pub fn order_id(self) -> Option<i64> {
        match self {
            NoteKind::NewOrder { order_id } | NoteKind::Hurry { order_id } | NoteKind::PaymentAnomaly { order_id } => {
                Some(order_id)
            }
            NoteKind::ConnectionLost | NoteKind::RefundFailed { .. } | NoteKind::Printer { .. } => None,
        }
    }
}

impl Note {
    /// 「新订单 A01号桌」 with the items and the total; a 先吃后付 round is 「A01号桌下单」 or
    /// 「A01号桌加菜」, and says it is not paid yet.
    pub fn new_order(order: &OrderDTO) -> Note {
        let table = &order.table_number;
        let (summary, unpaid) = match Arrival::of(order).word() {
            Some(word) => (format!("{table}号桌{word}"), " · 未付·餐后结账"),
            None => (format!("新订单 {table}号桌"), ""),
        };
        Note {
            kind: NoteKind::NewOrder {
                order_id: order.order_id,
            },
            summary,
            body: format!(
                "{}\n共{}件 ¥{}{unpaid}",
                items_summary(order),
                order.total_quantity,
                order.total_amount
            ),
        }
    }

    pub fn hurry(order: &OrderDTO, count: u32) -> Note {
        let times = if count > 1 {
            format!("（第{count}次）")
        } else {
            String::new()
        };
        Note {
            kind: NoteKind::Hurry {
                order_id: order.order_id,
            },
            summary: format!("{}号桌催单{times}", order.table_number),
            body: items_summary(order),
        }
    }

    pub fn connection_lost() -> Note {
        Note {
            kind: NoteKind::ConnectionLost,
            summary: "与服务器的连接已断开".into(),
            body: "正在自动重连；恢复后，断线期间的订单会补报。".into(),
        }
    }

    /// 「厨房打印机离线」: what failed, and that nothing is lost meanwhile.
    pub fn printer(status: &PrinterStatus) -> Note {
        let trouble = if status.paper_out { "缺纸" } else { "离线" };
        let why = status.error.as_deref().unwrap_or(trouble);
        Note {
            kind: NoteKind::Printer {
                printer_id: status.printer_id,
            },
            summary: format!("{}打印机{trouble}", status.role.label()),
            body: format!(
                "{}：{why}\n请检查打印机；待打印的单据已保留，恢复后自动补打。",
                status.name
            ),
        }
    }

    pub fn payment_anomaly(order_id: i64, table: &str, message: &str) -> Note {
        Note {
            kind: NoteKind::PaymentAnomaly { order_id },
            summary: format!("支付异常 {table}号桌"),
            body: message.to_owned(),
        }
    }
}

impl Note {
    /// 「退款失败 A03号桌 ¥12.00」, with what it was for, why, and what to do.
    pub fn refund_failed(refund: &RefundDTO) -> Note {
        let whom = match &refund.table_number {
            Some(table) => format!("{table}号桌"),
            None => refund.refund_no.clone(),
        };
        let order = refund.order_no.as_deref().unwrap_or(&refund.refund_no);
        let why = refund.last_error.as_deref().unwrap_or("支付渠道拒绝了退款");
        Note {
            kind: NoteKind::RefundFailed {
                refund_id: refund.refund_id,
            },
            summary: format!("退款失败 {whom} ¥{}", refund.amount),
            body: format!(
                "{} · {order}\n{why}\n请在「退款」里重试，或线下退还后标记「已线下退款」",
                refund.cause.label()
            ),
        }
    }
}

/// 「宫保鸡丁×2、可乐×1」; past four lines, 「等6样」. What was taken back (退菜) is not said.
pub fn items_summary(order: &OrderDTO) -> String {
    let left: Vec<(&str, u32)> = order
        .items
        .iter()
        .map(|i| (i.cuisine_name.as_str(), i.quantity.saturating_sub(i.returned_quantity)))
        .filter(|(_, quantity)| *quantity > 0)
        .collect();
    let shown: Vec<String> = left
        .iter()
        .take(4)
        .map(|(name, quantity)| format!("{name}×{quantity}"))
        .collect();
    let mut text = shown.join("、");
    if left.len() > 4 {
        text.push_str(&format!(" 等{}样", left.len()));
    }
    text
}

/// Shows notes on the desktop, and takes them down. Clones share what is shown.
#[derive(Clone, Debug, Default)]
pub struct Notifier {
    shown: Arc<Mutex<BTreeMap<NoteKind, Shown>>>,
}

#[derive(Debug)]
struct Shown {
    handle: Arc<NotificationHandle>,
    /// Dropped when the notification is replaced or withdrawn: its reply buttons stop being
    /// watched, so an answer is sent once, by the notification on screen.
    _watching: Option<oneshot::Sender<()>>,
}

impl Notifier {
    /// Show `note`, replacing the notification of its kind if there is one. For a 催单,
    /// `on_reply` gets the preset the merchant picked in the notification; it is called from a
    /// thread of its own, after this returns.
    pub fn show(&self, note: &Note, on_reply: impl FnOnce(&str) + Send + 'static) -> Result<()> {
        let mut notification = Notification::new();
        notification
            .appname("点单铃")
            .summary(&note.summary)
            .body(&note.body)
            .icon("dialog-information");
        match note.kind {
            NoteKind::NewOrder { .. } | NoteKind::Hurry { .. } => {
                notification.urgency(Urgency::Critical).timeout(Timeout::Never);
            }
            NoteKind::ConnectionLost
            | NoteKind::PaymentAnomaly { .. }
            | NoteKind::RefundFailed { .. }
            | NoteKind::Printer { .. } => {
                notification.urgency(Urgency::Normal);
            }
        }
        if let NoteKind::Hurry { .. } = note.kind {
            for preset in REPLY_PRESETS {
                notification.action(preset, preset);
            }
        }
        if let Some(shown) = self.lock().get(&note.kind) {
            notification.id(shown.handle.id());
        }
        let handle = Arc::new(notification.show().map_err(|e| Error::Notification(e.to_string()))?);
        let watching = matches!(note.kind, NoteKind::Hurry { .. }).then(|| watch_replies(handle.clone(), on_reply));
        // A payment anomaly or a failed refund is never withdrawn, and a handle kept holds a
        // D-Bus connection open.
        if !matches!(
            note.kind,
            NoteKind::PaymentAnomaly { .. } | NoteKind::RefundFailed { .. }
        ) {
            let shown = Shown {
                handle,
                _watching: watching,
            };
            self.lock().insert(note.kind, shown);
        }
        Ok(())
    }

    /// Close the notification of `kind`, if one is shown. A notification the merchant already
    /// dismissed is gone anyway, so the server's answer does not matter.
    pub fn withdraw(&self, kind: NoteKind) {
        let Some(shown) = self.lock().remove(&kind) else {
            return;
        };
        future::block_on(shown.handle.close_async());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<NoteKind, Shown>> {
        self.shown.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Wait, on a thread of its own, for a reply button of `handle` until the returned sender is
/// dropped.
fn watch_replies(handle: Arc<NotificationHandle>, on_reply: impl FnOnce(&str) + Send + 'static) -> oneshot::Sender<()> {
    let (watching, stop) = oneshot::channel();
    std::thread::spawn(move || {
        let replied = handle.wait_for_action_async(|response| {
            if let NotificationResponse::Action(action) = response
                && REPLY_PRESETS.contains(&action.as_str())
            {
                on_reply(action);
            }
        });
        future::block_on(future::or(replied, async {
            // The sender is never used: dropping it is the signal.
            let _ = stop.await;
        }));
    });
    watching
}
