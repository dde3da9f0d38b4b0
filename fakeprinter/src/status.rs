//! The status byte a printer answers to `DLE EOT n` (and `GS r 1`), from Epson's ESC/POS
//! reference: for `DLE EOT`, bits 1 and 4 are always set, bits 0 and 7 always clear, and the
//! others say what is wrong.

use crate::parse::StatusQuery;

/// The faults that show in the status.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Condition {
    pub paper_out: bool,
    pub cover_open: bool,
}

impl Condition {
    /// A printer out of paper or with its cover open stops printing and goes off-line.
    pub(crate) fn stopped(self) -> bool {
        self.paper_out || self.cover_open
    }
}

const FIXED: u8 = 0x12;

pub(crate) fn answer(query: StatusQuery, condition: Condition) -> u8 {
    let bit = |on: bool, mask: u8| if on { mask } else { 0 };
    match query {
        // Bit 3: off-line.
        StatusQuery::Printer => FIXED | bit(condition.stopped(), 0x08),
        // Bit 2: cover open; bit 5: printing stopped by paper end.
        StatusQuery::OfflineCause => FIXED | bit(condition.cover_open, 0x04) | bit(condition.paper_out, 0x20),
        StatusQuery::Error => FIXED,
        // Bits 2-3: roll near its end; bits 5-6: roll end (an empty roll trips both sensors).
        StatusQuery::Paper => FIXED | bit(condition.paper_out, 0x0C | 0x60),
        // GS r 1 has no fixed bits: bits 0-1 roll near its end, bits 2-3 roll end.
        StatusQuery::PaperSensor => bit(condition.paper_out, 0x0F),
    }
}
