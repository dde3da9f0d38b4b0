//! What came out of the printer: the decoded ticket, line by line, as a person would read it.

/// Where `ESC a` put a line (or a QR code) across the paper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// One printed line. A real printer sets a line's height by its largest character, so a line
/// that changes size part-way takes the largest `width`/`height` met on it, and is `bold` if
/// any of it was; `align` is the one in force when the line started, as `ESC a` only acts there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrintedLine {
    pub text: String,
    pub bold: bool,
    /// Character width multiplier from `GS !` / `ESC !` (1 = normal).
    pub width: u8,
    /// Character height multiplier from `GS !` / `ESC !` (1 = normal).
    pub height: u8,
    pub align: Align,
}

/// Where a QR code came out: before line `before_line` of [`Printed::lines`], aligned by `ESC a`,
/// `module_dots` dots per module (`GS ( k` function 167).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QrPlacement {
    pub before_line: usize,
    pub align: Align,
    pub module_dots: u8,
}

/// One ticket: what the printer put on paper up to a cut (`GS V`), or up to the end of the
/// connection when the sender never cut (`cut` is then false).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Printed {
    pub lines: Vec<PrintedLine>,
    /// Each QR code's text, in printing order.
    pub qr_codes: Vec<String>,
    /// Where each of `qr_codes` was printed (same order), for drawing the ticket.
    pub qr_placements: Vec<QrPlacement>,
    pub cut: bool,
    /// Commands the fake does not know or ignored, as `ESC 0x..`, kept so a test can see them.
    pub notes: Vec<String>,
}

impl Printed {
    /// The text of every line, one per row.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.qr_codes.is_empty()
    }
}
