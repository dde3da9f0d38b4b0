//! The printer's state machine: commands from [`crate::parse`] applied as a printer would, into
//! [`Printed`] tickets, one per cut.

use encoding_rs::GB18030;

use crate::parse::{self, Command, StatusQuery};
use crate::ticket::{Align, Printed, PrintedLine, QrPlacement};

/// Decodes a whole byte stream, as one connection to the printer: a ticket per cut, and what
/// was left uncut at the end as a last ticket with `cut: false`. Status queries are skipped.
pub fn decode(bytes: &[u8]) -> Vec<Printed> {
    let mut decoder = Decoder::default();
    let mut printed: Vec<Printed> = decoder
        .feed(bytes)
        .into_iter()
        .filter_map(|event| match event {
            Event::Printed(p) => Some(p),
            Event::Status(_) => None,
        })
        .collect();
    printed.extend(decoder.finish());
    printed
}

/// What feeding bytes produced, in order.
#[derive(Debug)]
pub(crate) enum Event {
    Printed(Printed),
    /// A status query, to be answered at once.
    Status(StatusQuery),
}

/// Style in force for the next characters (reset by `ESC @`).
#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    width: u8,
    height: u8,
    align: Align,
    chinese: bool,
}

/// The line being filled: its bytes are decoded per run, as Chinese mode may change mid-line.
#[derive(Default)]
struct Line {
    text: String,
    /// Bytes of the current run, not yet decoded (a double-byte character may span two reads).
    pending: Vec<u8>,
    pending_chinese: bool,
    bold: bool,
    width: u8,
    height: u8,
    align: Align,
    started: bool,
}

/// A decoder for one connection, fed as bytes arrive.
#[derive(Default)]
pub(crate) struct Decoder {
    /// Bytes that end part-way through a command.
    buffer: Vec<u8>,
    style: Style,
    line: Line,
    ticket: Printed,
    /// The QR data stored by `GS ( k` function 180, printed by function 181.
    qr_data: Option<String>,
    qr_module_dots: u8,
}

impl Decoder {
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.buffer.extend_from_slice(bytes);
        let buffer = std::mem::take(&mut self.buffer);
        let mut events = Vec::new();
        let mut at = 0;
        while let Some((command, len)) = parse::next(&buffer[at..]) {
            at += len;
            if let Some(event) = self.apply(command) {
                events.push(event);
            }
        }
        self.buffer = buffer[at..].to_vec();
        events
    }

    /// The end of the connection: what was printed since the last cut, if anything.
    pub(crate) fn finish(mut self) -> Option<Printed> {
        if self.line.started {
            self.end_line();
        }
        if !self.buffer.is_empty() {
            let note = format!("stream ended inside a command: {:02X?}", self.buffer);
            self.ticket.notes.push(note);
        }
        (!self.ticket.is_empty()).then_some(self.ticket)
    }

    fn apply(&mut self, command: Command<'_>) -> Option<Event> {
        match command {
            Command::Text(bytes) => self.text(bytes),
            Command::LineFeed => self.end_line(),
            Command::Tab => {
                self.text(b" ");
                while !self.columns().is_multiple_of(8) {
                    self.text(b" ");
                }
            }
            Command::Init => {
                // ESC @ clears the print buffer and every mode; Chinese mode too, so a sender
                // that forgets FS & after it prints mojibake here as on a strict printer.
                self.style = Style::default();
                self.line = Line::default();
                self.qr_module_dots = 0;
            }
            Command::PrintMode(n) => {
                self.style.bold = n & 0x08 != 0;
                self.style.height = if n & 0x10 != 0 { 2 } else { 1 };
                self.style.width = if n & 0x20 != 0 { 2 } else { 1 };
            }
            Command::Bold(on) => self.style.bold = on,
            Command::Align(n) => {
                self.style.align = match n {
                    1 | 49 => Align::Center,
                    2 | 50 => Align::Right,
                    _ => Align::Left,
                }
            }
            Command::FeedLines(n) => (0..n).for_each(|_| self.end_line()),
            Command::Size(n) => {
                self.style.width = (n >> 4 & 0x07) + 1;
                self.style.height = (n & 0x07) + 1;
            }
            Command::ChineseMode(on) => {
                self.flush_run();
                self.style.chinese = on;
            }
            Command::Qr { function, params } => self.qr(function, params),
            Command::Cut => return Some(Event::Printed(self.cut())),
            Command::Status(query) => return Some(Event::Status(query)),
            Command::Ignored => {}
            Command::Note(note) | Command::Unknown(note) => self.ticket.notes.push(note),
        }
        None
    }

    fn text(&mut self, bytes: &[u8]) {
        if !self.line.started {
            self.line = Line {
                started: true,
                align: self.style.align,
                ..Line::default()
            };
        }
        if self.line.pending_chinese != self.style.chinese {
            self.flush_run();
            self.line.pending_chinese = self.style.chinese;
        }
        self.line.pending.extend_from_slice(bytes);
        self.line.bold |= self.style.bold;
        self.line.width = self.line.width.max(self.style.width.max(1));
        self.line.height = self.line.height.max(self.style.height.max(1));
    }

    /// Columns used on the line so far (a double-byte character takes two), for tab stops.
    fn columns(&mut self) -> usize {
        self.flush_run();
        self.line.text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
    }

    /// Decodes the bytes of the current run: GB18030 in Chinese mode, else code page 437 (the
    /// printers' default), which is what a Chinese text sent without `FS &` looks like on paper.
    fn flush_run(&mut self) {
        let bytes = std::mem::take(&mut self.line.pending);
        if self.line.pending_chinese {
            let (text, _, _) = GB18030.decode(&bytes);
            self.line.text.push_str(&text);
        } else {
            self.line.text.extend(bytes.iter().map(|&b| cp437(b)));
        }
    }

    /// Prints the line (an empty one is a blank line on paper) and starts the next.
    fn end_line(&mut self) {
        self.flush_run();
        let line = std::mem::take(&mut self.line);
        self.ticket.lines.push(PrintedLine {
            text: line.text,
            bold: line.bold,
            width: line.width.max(1),
            height: line.height.max(1),
            align: if line.started { line.align } else { self.style.align },
        });
    }

    fn qr(&mut self, function: u8, params: &[u8]) {
        match (function, params) {
            // Function 180: store the data (after m = 48).
            (80, [48, data @ ..]) => self.qr_data = Some(String::from_utf8_lossy(data).into_owned()),
            // Function 181: print the stored symbol.
            (81, _) => match self.qr_data.clone() {
                Some(data) => {
                    if self.line.started {
                        self.end_line();
                    }
                    self.ticket.qr_placements.push(QrPlacement {
                        before_line: self.ticket.lines.len(),
                        align: self.style.align,
                        module_dots: if self.qr_module_dots == 0 {
                            3
                        } else {
                            self.qr_module_dots
                        },
                    });
                    self.ticket.qr_codes.push(data);
                }
                None => self.ticket.notes.push("QR print with no data stored".to_owned()),
            },
            // Function 167: module size in dots.
            (67, [n]) => self.qr_module_dots = *n,
            // Function 165 (model), 169 (error correction), 182 (size info).
            (65 | 69 | 82, _) => {}
            _ => self.ticket.notes.push(format!("QR function {function}")),
        }
    }

    /// `GS V`: what was printed since the last cut is one ticket; the line being filled is
    /// printed first, as the printer feeds it out before cutting.
    fn cut(&mut self) -> Printed {
        if self.line.started {
            self.end_line();
        }
        let mut ticket = std::mem::take(&mut self.ticket);
        ticket.cut = true;
        ticket
    }
}

/// Code page 437's upper half (0x80-0xFF), the character table printers start with.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

fn cp437(byte: u8) -> char {
    match byte {
        0..0x80 => char::from(byte),
        _ => CP437_HIGH.chars().nth(usize::from(byte - 0x80)).unwrap_or('?'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_page_437_has_128_characters() {
        assert_eq!(CP437_HIGH.chars().count(), 128, "one character per byte 0x80-0xFF");
    }
}
