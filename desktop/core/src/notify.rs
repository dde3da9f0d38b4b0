//! System notifications through notify-rust (the freedesktop notification server on Linux).
//! What a notification says is decided here, from the order, so it is the same everywhere and
//! tested without a notification server. A 催单 notification carries the reply presets as
//! actions: the merchant answers from the notification without opening the window.

use notify_rust::{Notification, Timeout, Urgency};
use orderbell_shared::OrderDTO;
use orderbell_shared::order::REPLY_PRESETS;
use serde::Serialize;

use crate::error::{Error, Result};

/// A notification to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub summary: String,
    pub body: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
}

impl Note {
    /// 「新订单 A01号桌」 with the items and the total.
    pub fn new_order(order: &OrderDTO) -> Note {
        Note {
            kind: NoteKind::NewOrder {
                order_id: order.order_id,
            },
            summary: format!("新订单 {}号桌", order.table_number),
            body: format!(
                "{}\n共{}件 ¥{}",
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

    pub fn payment_anomaly(order_id: i64, table: &str, message: &str) -> Note {
        Note {
            kind: NoteKind::PaymentAnomaly { order_id },
            summary: format!("支付异常 {table}号桌"),
            body: message.to_owned(),
        }
    }
}

/// 「宫保鸡丁×2、可乐×1」; past four lines, 「等6样」.
pub fn items_summary(order: &OrderDTO) -> String {
    let shown: Vec<String> = order
        .items
        .iter()
        .take(4)
        .map(|i| format!("{}×{}", i.cuisine_name, i.quantity))
        .collect();
    let mut text = shown.join("、");
    if order.items.len() > 4 {
        text.push_str(&format!(" 等{}样", order.items.len()));
    }
    text
}

/// Shows notes on the desktop.
#[derive(Clone, Debug, Default)]
pub struct Notifier;

impl Notifier {
    /// Show `note`. For a 催单, `on_reply` gets the preset the merchant picked in the
    /// notification; it is called from a thread of its own, after this returns.
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
            NoteKind::ConnectionLost | NoteKind::PaymentAnomaly { .. } => {
                notification.urgency(Urgency::Normal);
            }
        }
        if let NoteKind::Hurry { .. } = note.kind {
            for preset in REPLY_PRESETS {
                notification.action(preset, preset);
            }
        }
        let handle = notification.show().map_err(|e| Error::Notification(e.to_string()))?;
        if let NoteKind::Hurry { .. } = note.kind {
            std::thread::spawn(move || {
                handle.wait_for_action(|action| {
                    if REPLY_PRESETS.contains(&action) {
                        on_reply(action);
                    }
                });
            });
        }
        Ok(())
    }
}
