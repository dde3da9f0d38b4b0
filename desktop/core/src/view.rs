//! What the window shows, in one value the desk republishes whenever it changes. The web UI's
//! TypeScript types are generated from these (`tests/bindings.rs` checks them),
//! so the two sides cannot drift apart.

use orderbell_shared::refunds::RefundDTO;
use serde::Serialize;

use crate::board::BoardOrder;
use crate::pairing::Role;
use crate::print::runner::PrinterStatus;
use crate::saved::Settings;

#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DeskView {
    pub role: Role,
    pub store_id: i64,
    pub server_url: String,
    pub connection: ConnectionView,
    /// The last store event handled: where the stream resumes.
    pub last_event_id: Option<u64>,
    /// Open orders, the one waiting longest first.
    pub orders: Vec<BoardOrder>,
    /// Paid (or submitted) orders nobody accepted or rejected yet.
    pub unhandled: u32,
    pub settings: Settings,
    pub audio: Health,
    pub notifications: Health,
    /// One-tap answers to a 催单, and the longest custom answer.
    pub reply_presets: Vec<String>,
    pub max_reply_chars: u32,
    /// Something the merchant should know that is not about the connection (state not saved…).
    pub warning: Option<String>,
    /// How many store events changed the table map (a round submitted, a bill settled, a table
    /// closed or moved, a dish returned…) since the app started: the open 桌台图 reads the floor
    /// again when this moves.
    pub floor_changes: u64,
    /// The store's refunds not done yet, newest first (the merchant's; none in the kitchen):
    /// kept current by the stream, for the 退款 view and its count.
    pub refunds: Vec<RefundDTO>,
    /// This device's printers: the banner shows those off line or out of paper, and how many
    /// jobs wait for each.
    pub printers: Vec<PrinterStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    pub state: ConnectionState,
    /// Since when (ms since the epoch) it is in this state.
    pub since_ms: i64,
    /// Failed tries in a row, and the wait before the next.
    pub attempt: u32,
    pub retry_in_ms: u64,
    pub error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// First connection, or reloading the snapshot.
    Connecting,
    Live,
    /// Down for a short while; trying again.
    Reconnecting,
    /// Down for longer than half a minute: the banner and the alarm.
    Lost,
    /// Never reached since pairing: the address may be wrong. Still trying, but nothing was
    /// lost, so no alarm.
    Unreachable,
    /// The server refused the credential (401/403): wrong or revoked. Not a network problem, so
    /// no retries and no alarm; only pairing again helps.
    Refused,
    /// The owner revoked this device (`device_revoked`): as refused, and the window says
    /// 「此设备已被停用，请重新配对」.
    Revoked,
}

impl ConnectionState {
    /// Refused or revoked: the stream has stopped for good, until the app is paired again.
    pub fn stopped(self) -> bool {
        matches!(self, ConnectionState::Refused | ConnectionState::Revoked)
    }
}

/// Whether an output (sound, notifications) works, as far as the last try showed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub ok: bool,
    pub message: Option<String>,
}

impl Health {
    pub fn unknown() -> Health {
        Health {
            ok: true,
            message: None,
        }
    }

    pub fn from_result<T>(result: &crate::Result<T>) -> Health {
        match result {
            Ok(_) => Health {
                ok: true,
                message: None,
            },
            Err(e) => Health {
                ok: false,
                message: Some(e.to_string()),
            },
        }
    }
}
