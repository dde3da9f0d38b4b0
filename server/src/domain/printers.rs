//! A printer as it is written.

use orderbell_shared::printing::{PaperWidth, PrintRules, PrinterConnection, PrinterRole};

/// A printer as it is written: everything of a
/// [`PrinterDTO`](orderbell_shared::printing::PrinterDTO) but what storage gives it (its id, the
/// owning device's name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrinterWrite {
    pub store_id: i64,
    pub name: String,
    pub role: PrinterRole,
    pub connection: PrinterConnection,
    pub paper: PaperWidth,
    pub copies: u8,
    pub category_ids: Vec<i64>,
    pub rules: PrintRules,
    /// The owning device's credential id.
    pub device_id: i64,
    pub enabled: bool,
}
