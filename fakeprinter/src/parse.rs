//! The ESC/POS byte stream cut into commands, from Epson's ESC/POS command reference and the
//! Chinese printers' `FS` commands. A command split across two reads is left for the next one.

/// One command, or a run of printable bytes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command<'a> {
    /// Bytes to print (0x20 and up), still in the printer's encoding.
    Text(&'a [u8]),
    /// `LF`: print the line and feed one.
    LineFeed,
    /// `HT`: to the next tab stop.
    Tab,
    /// `ESC @`: initialise.
    Init,
    /// `ESC ! n`: print mode (bold, double width/height in one byte).
    PrintMode(u8),
    /// `ESC E n`: emphasised (bold) on/off.
    Bold(bool),
    /// `ESC a n`: justification.
    Align(u8),
    /// `ESC d n`: print and feed n lines.
    FeedLines(u8),
    /// `GS ! n`: character size, width in the high nibble, height in the low.
    Size(u8),
    /// `FS &` / `FS .`: Chinese (double-byte) mode on / off.
    ChineseMode(bool),
    /// `GS ( k` for the QR symbol (cn 49): function and its parameters after `cn fn`.
    Qr { function: u8, params: &'a [u8] },
    /// `GS V`: cut.
    Cut,
    /// `DLE EOT n` (real-time) or `GS r n` (paper sensor): answer one status byte.
    Status(StatusQuery),
    /// Known commands that change nothing this fake draws (underline, reverse, code page, line
    /// spacing, drawer kick, ...).
    Ignored,
    /// Known but not drawn (a barcode, a raster image): kept as a note.
    Note(String),
    /// A command this fake does not know: kept as a note, its parameters (if any) then print.
    Unknown(String),
}

/// What a status query asks, in `DLE EOT n`'s numbering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StatusQuery {
    /// `DLE EOT 1`: printer status (online/offline).
    Printer,
    /// `DLE EOT 2`: why it is offline (cover, paper end, error).
    OfflineCause,
    /// `DLE EOT 3`: error cause.
    Error,
    /// `DLE EOT 4`: paper roll sensor.
    Paper,
    /// `GS r 1`: paper sensor (not real-time, in its own bits).
    PaperSensor,
}

const LF: u8 = 0x0A;
const HT: u8 = 0x09;
const CR: u8 = 0x0D;
const DLE: u8 = 0x10;
const ESC: u8 = 0x1B;
const FS: u8 = 0x1C;
const GS: u8 = 0x1D;

/// The first command in `bytes` and how many bytes it took; `None` when `bytes` ends part-way
/// through a command (wait for more).
pub(crate) fn next(bytes: &[u8]) -> Option<(Command<'_>, usize)> {
    let first = *bytes.first()?;
    let arg = |i: usize| bytes.get(i).copied();
    let one = |c: Command<'static>, len: usize| Some((c, len));
    match first {
        LF => one(Command::LineFeed, 1),
        HT => one(Command::Tab, 1),
        CR => one(Command::Ignored, 1),
        DLE => dle(bytes),
        ESC => esc(arg(1)?, bytes),
        FS => fs(arg(1)?, bytes),
        GS => gs(arg(1)?, bytes),
        b if b < 0x20 || b == 0x7F => one(Command::Unknown(format!("control 0x{b:02X}")), 1),
        _ => {
            let end = bytes.iter().position(|&b| b < 0x20 || b == 0x7F).unwrap_or(bytes.len());
            Some((Command::Text(&bytes[..end]), end))
        }
    }
}

fn dle(bytes: &[u8]) -> Option<(Command<'_>, usize)> {
    let query = match *bytes.get(1)? {
        0x04 => match *bytes.get(2)? {
            1 => StatusQuery::Printer,
            2 => StatusQuery::OfflineCause,
            3 => StatusQuery::Error,
            4 => StatusQuery::Paper,
            n => return Some((Command::Unknown(format!("DLE EOT {n}")), 3)),
        },
        // DLE ENQ n: real-time request to recover; DLE DC4 fn m t: real-time pulse.
        0x05 => return bytes.get(2).map(|_| (Command::Ignored, 3)),
        0x14 => return bytes.get(4).map(|_| (Command::Ignored, 5)),
        b => return Some((Command::Unknown(format!("DLE 0x{b:02X}")), 2)),
    };
    Some((Command::Status(query), 3))
}

fn esc(code: u8, bytes: &[u8]) -> Option<(Command<'_>, usize)> {
    let n = || bytes.get(2).copied();
    let command = match code {
        b'@' => return Some((Command::Init, 2)),
        b'!' => Command::PrintMode(n()?),
        b'E' => Command::Bold(n()? & 1 == 1),
        b'a' => Command::Align(n()?),
        b'd' => Command::FeedLines(n()?),
        // ESC 2: default line spacing (no parameter).
        b'2' => return Some((Command::Ignored, 2)),
        // Underline, double-strike, code page, font, line spacing, character set, upside-down,
        // feed n dots, rotation: parameters of the look this fake does not draw.
        b'-' | b'G' | b't' | b'M' | b'3' | b'R' | b'{' | b'J' | b'V' | b' ' => {
            n()?;
            Command::Ignored
        }
        // ESC p m t1 t2: cash drawer pulse.
        b'p' => return bytes.get(4).map(|_| (Command::Ignored, 5)),
        other => return Some((Command::Unknown(format!("ESC 0x{other:02X}")), 2)),
    };
    Some((command, 3))
}

fn fs(code: u8, bytes: &[u8]) -> Option<(Command<'_>, usize)> {
    match code {
        b'&' => Some((Command::ChineseMode(true), 2)),
        b'.' => Some((Command::ChineseMode(false), 2)),
        // FS ! n (Chinese print mode), FS - n (Chinese underline), FS C n (code system).
        b'!' | b'-' | b'C' => bytes.get(2).map(|_| (Command::Ignored, 3)),
        other => Some((Command::Unknown(format!("FS 0x{other:02X}")), 2)),
    }
}

fn gs(code: u8, bytes: &[u8]) -> Option<(Command<'_>, usize)> {
    let n = || bytes.get(2).copied();
    match code {
        b'!' => Some((Command::Size(n()?), 3)),
        b'V' => {
            // Function A (m = 0, 1, 48, 49) has no n; B, C and D (65, 66, 97, 98, 103, 104) have one.
            let len = if matches!(n()?, 0 | 1 | 48 | 49) { 3 } else { 4 };
            bytes.get(len - 1).map(|_| (Command::Cut, len))
        }
        b'(' => gs_paren(bytes),
        b'r' => match n()? {
            1 | 49 => Some((Command::Status(StatusQuery::PaperSensor), 3)),
            m => Some((Command::Unknown(format!("GS r {m}")), 3)),
        },
        // Reverse, barcode height/width/text position/font, print area, left margin, automatic
        // status back, smoothing.
        b'B' | b'h' | b'w' | b'H' | b'f' | b'a' | b'b' => {
            n()?;
            Some((Command::Ignored, 3))
        }
        b'L' | b'W' => bytes.get(3).map(|_| (Command::Ignored, 4)),
        b'k' => barcode(bytes),
        b'v' => raster(bytes),
        other => Some((Command::Unknown(format!("GS 0x{other:02X}")), 2)),
    }
}

/// `GS ( X pL pH ...`: every `GS (` command carries its own length.
fn gs_paren(bytes: &[u8]) -> Option<(Command<'_>, usize)> {
    let kind = *bytes.get(2)?;
    let len = usize::from(*bytes.get(3)?) + 256 * usize::from(*bytes.get(4)?);
    let body = bytes.get(5..5 + len)?;
    let command = match (kind, body) {
        (b'k', [49, function, params @ ..]) => Command::Qr {
            function: *function,
            params,
        },
        (b'k', [cn, ..]) => Command::Note(format!("2D symbol cn {cn}")),
        _ => Command::Unknown(format!("GS ( 0x{kind:02X}")),
    };
    Some((command, 5 + len))
}

/// `GS k m ...`: a barcode, NUL-terminated (m 0-6) or with its length (m 65-73).
fn barcode(bytes: &[u8]) -> Option<(Command<'_>, usize)> {
    let m = *bytes.get(2)?;
    let (data, len) = if m <= 6 {
        let end = 3 + bytes.get(3..)?.iter().position(|&b| b == 0)?;
        (&bytes[3..end], end + 1)
    } else {
        let n = usize::from(*bytes.get(3)?);
        (bytes.get(4..4 + n)?, 4 + n)
    };
    let note = format!("barcode {m}: {}", String::from_utf8_lossy(data));
    Some((Command::Note(note), len))
}

/// `GS v 0 m xL xH yL yH d...`: a raster bit image, (xL + xH×256) bytes by (yL + yH×256) dots.
fn raster(bytes: &[u8]) -> Option<(Command<'_>, usize)> {
    let header = bytes.get(..8)?;
    let width = usize::from(header[4]) + 256 * usize::from(header[5]);
    let height = usize::from(header[6]) + 256 * usize::from(header[7]);
    let len = 8 + width * height;
    bytes.get(len - 1)?;
    let note = format!("raster image {}x{height} dots", width * 8);
    Some((Command::Note(note), len))
}
