//! Printing: the restaurant's thermal printers, what they print and when.
//!
//! Printers are the store's, kept on the server (`/api/stores/{id}/printers`), so every device
//! sees the same list. Each printer is **owned by one desktop device** (`deviceId`): only that
//! device prints to it, so two devices in one store never print the same ticket on the same
//! printer. The owner adds a printer from the device next to it (it becomes that device's) and
//! can hand it to another device.

use serde::{Deserialize, Serialize};

/// How a printer is reached.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrinterConnection {
    /// A network thermal printer taking raw ESC/POS over TCP (port 9100 as a rule).
    Network { host: String, port: u16 },
    /// A printer of the computer's print system (CUPS, which covers USB printers), by queue name;
    /// ESC/POS is sent raw.
    System { queue: String },
}

impl PrinterConnection {
    /// What makes two printers the same printer: `host:port`, or `cups:<queue>`.
    pub fn address(&self) -> String {
        match self {
            PrinterConnection::Network { host, port } => format!("{}:{port}", host.trim().to_lowercase()),
            PrinterConnection::System { queue } => format!("cups:{}", queue.trim()),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaperWidth {
    /// 58 mm paper: 384 dots, 32 half-width characters a line (16 Chinese).
    Mm58,
    /// 80 mm paper: 576 dots, 48 half-width characters a line (24 Chinese).
    #[default]
    Mm80,
}

impl PaperWidth {
    /// Half-width characters a line in the printer's standard font (12×24).
    pub fn columns(self) -> usize {
        match self {
            PaperWidth::Mm58 => 32,
            PaperWidth::Mm80 => 48,
        }
    }

    /// Printable dots across.
    pub fn dots(self) -> u32 {
        match self {
            PaperWidth::Mm58 => 384,
            PaperWidth::Mm80 => 576,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PrinterRole {
    /// 厨房: kitchen tickets.
    Kitchen,
    /// 吧台: kitchen tickets of the categories routed to it (饮品).
    Bar,
    /// 前台: customer receipts.
    Counter,
}

impl PrinterRole {
    pub fn label(self) -> &'static str {
        match self {
            PrinterRole::Kitchen => "厨房",
            PrinterRole::Bar => "吧台",
            PrinterRole::Counter => "前台",
        }
    }
}

/// When a printer prints by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PrintRules {
    /// A new order: paid (先付后吃), or a round submitted (先吃后付: 下单 and 加菜).
    pub on_new_order: bool,
    /// The merchant accepted an order.
    pub on_accept: bool,
    /// 退菜: a slip of what was taken back.
    pub on_return: bool,
    /// 催单: a slip saying the table is waiting.
    pub on_reminder: bool,
    /// A customer receipt when a bill is settled (前台 printers).
    pub on_settle: bool,
}

impl PrintRules {
    /// What a printer of `role` does unless the owner says otherwise.
    pub fn for_role(role: PrinterRole) -> Self {
        let kitchen = !matches!(role, PrinterRole::Counter);
        PrintRules {
            on_new_order: kitchen,
            on_accept: false,
            on_return: kitchen,
            on_reminder: kitchen,
            on_settle: !kitchen,
        }
    }
}

/// A printer of the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PrinterDTO {
    pub printer_id: i64,
    pub store_id: i64,
    /// 「厨房打印机」: what the banner says when it is offline.
    pub name: String,
    pub role: PrinterRole,
    pub connection: PrinterConnection,
    pub paper: PaperWidth,
    /// Copies of each ticket (1–5).
    pub copies: u8,
    /// Menu categories whose dishes this printer's kitchen tickets carry. Empty: every category
    /// no other printer of its store claims (so 饮品 goes to the bar, the rest to the kitchen).
    pub category_ids: Vec<i64>,
    pub rules: PrintRules,
    /// The device that prints to it (its credential id, as `DeviceDTO.deviceId` shows it).
    pub device_id: String,
    /// That device's name, for the owner reading the list.
    pub device_name: String,
    pub enabled: bool,
}

/// The body of `POST /api/stores/{id}/printers` (all but `deviceId` required) and of
/// `PATCH /api/printers/{id}` (each field optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PrinterChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<PrinterRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<PrinterConnection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<PaperWidth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_ids: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<PrintRules>,
    /// Hand the printer to another device of the store (default on creation: the calling one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// The store's printers changed (added, edited, handed over, removed): devices read the list
/// again. Data of the store stream's `printers_changed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PrintersChanged {
    pub store_id: i64,
    pub at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printer_is_the_same_printer_however_its_address_is_written() {
        let a = PrinterConnection::Network {
            host: "192.168.1.50".into(),
            port: 9100,
        };
        let b = PrinterConnection::Network {
            host: " 192.168.1.50 ".into(),
            port: 9100,
        };
        assert_eq!(a.address(), b.address());
        let json = serde_json::to_value(&a).expect("json");
        assert_eq!(json["kind"], "network");
        assert_eq!(PaperWidth::Mm58.columns(), 32);
    }
}
