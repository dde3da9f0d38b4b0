//! The ESC/POS bytes of a printed page, built on the `escpos` crate (docs/PRINTING.md, "Why these
//! bytes"): it writes the standard commands and encodes text through `encoding_rs`, here in
//! GB18030, the encoding of a Chinese printer's Chinese mode. Two commands are written here
//! because the crate has none or the wrong one: `FS &` (Chinese mode) and the partial cut.
//!
//! A [`Page`] collects the bytes in memory; sending them is the print queue's job, so nothing
//! here blocks.

use std::cell::RefCell;

use escpos::driver::Driver;
use escpos::errors::PrinterError;
use escpos::printer::Printer;
use escpos::utils::{Encoder, JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};
use orderbell_shared::printing::PaperWidth;

use super::columns::{printable, wrap};

/// `FS &`: Chinese mode. Bytes from 0x81 up are read as GB18030 characters, two or four bytes
/// each, instead of one code page character per byte.
pub const CHINESE_MODE: &[u8] = &[0x1C, b'&'];
/// `GS V 66 0`: feed the last line past the cutter, then cut leaving one point (partial cut).
/// The crate's `partial_cut` sends `GS V 65 1`, a full cut that many Chinese printers lack.
pub const CUT: &[u8] = &[0x1D, b'V', 66, 0];

/// `DLE EOT 1`: printer status (bit 3: offline). Answered at once, even while printing.
pub const STATUS_PRINTER: &[u8] = &[0x10, 0x04, 1];
/// `DLE EOT 2`: why it is offline (bit 2: cover open, bit 5: stopped for lack of paper).
pub const STATUS_OFFLINE_CAUSE: &[u8] = &[0x10, 0x04, 2];
/// `DLE EOT 4`: the paper roll sensor (bits 5-6: paper out, bits 2-3: nearly out).
/// `escpos::utils::RealTimeStatusResponse::parse` reads any of the three answers.
pub const STATUS_PAPER: &[u8] = &[0x10, 0x04, 4];

/// Blank lines fed before the cut, so the last line clears the tear bar.
const FEED_BEFORE_CUT: u8 = 3;
/// QR module size in dots: a table link (about 60 characters, version 4-5) comes out about
/// 2.5 cm across, easy for a phone to read.
const QR_MODULE_DOTS: u8 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Character size, by `GS !`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Normal,
    /// Double height, same width: dishes on a kitchen ticket, read from across the pass.
    Tall,
    /// Double width and height: the table number.
    Double,
}

impl Size {
    /// Columns one character cell is wide, in normal columns.
    fn width(self) -> usize {
        match self {
            Size::Normal | Size::Tall => 1,
            Size::Double => 2,
        }
    }
}

/// One printed page (a ticket, a receipt): starts with `ESC @` and Chinese mode, ends with the
/// cut.
pub struct Page {
    printer: Printer<Buffer>,
    paper: PaperWidth,
    size: Size,
}

impl Page {
    pub fn new(paper: PaperWidth) -> Self {
        // GB18030 encodes every Unicode character but U+E5E5 (private use); that one is printed
        // as its numeric reference rather than refused.
        let encoder = Encoder::new(encoding_rs::GB18030).allow_unencodable(true);
        let mut page = Page {
            printer: Printer::new(Buffer::default(), Protocol::new(encoder), None),
            paper,
            size: Size::Normal,
        };
        page.apply(|p| p.init());
        page.raw(CHINESE_MODE);
        page
    }

    /// Columns a line has at the current character size.
    pub fn columns(&self) -> usize {
        self.paper.columns() / self.size.width()
    }

    pub fn align(&mut self, align: Align) -> &mut Self {
        let mode = match align {
            Align::Left => JustifyMode::LEFT,
            Align::Center => JustifyMode::CENTER,
            Align::Right => JustifyMode::RIGHT,
        };
        self.apply(|p| p.justify(mode))
    }

    pub fn bold(&mut self, on: bool) -> &mut Self {
        self.apply(|p| p.bold(on))
    }

    pub fn size(&mut self, size: Size) -> &mut Self {
        self.size = size;
        let (width, height) = match size {
            Size::Normal => (1, 1),
            Size::Tall => (1, 2),
            Size::Double => (2, 2),
        };
        self.apply(|p| p.size(width, height))
    }

    /// One line, as given: the caller made sure it fits (a ruler, a row laid out by columns).
    pub fn line(&mut self, text: &str) -> &mut Self {
        let text = format!("{}\n", printable(text));
        self.apply(|p| p.write(&text))
    }

    /// Text of any length, on as many lines as it takes at the current size.
    pub fn text(&mut self, text: &str) -> &mut Self {
        for line in wrap(&printable(text), self.columns()) {
            self.line(&line);
        }
        self
    }

    /// `ESC d n`: feed `lines` blank lines.
    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.apply(|p| p.feeds(lines))
    }

    /// A QR code of `data` (model 2, error correction M), stored then printed by `GS ( k`. A
    /// link too long for the printer's symbol storage is printed as text instead.
    pub fn qr(&mut self, data: &str) -> &mut Self {
        let option = QRCodeOption::new(QRCodeModel::Model2, QR_MODULE_DOTS, QRCodeCorrectionLevel::M);
        if data.len() > QR_MAX_BYTES {
            return self.text(data);
        }
        self.apply(|p| p.qrcode_option(data, option))
    }

    /// Feed, cut, and the page's bytes.
    pub fn cut(mut self) -> Vec<u8> {
        self.feed(FEED_BEFORE_CUT);
        self.raw(CUT);
        self.apply(|p| p.print());
        self.printer.driver().0.into_inner()
    }

    fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.apply(|p| p.custom(bytes))
    }

    /// Runs one command of the crate. It refuses only inputs this module never gives it (a size
    /// outside 1-8, text it cannot encode while told to allow it); should it refuse anyway, that
    /// command is left out and logged, and the rest of the ticket still prints.
    fn apply(
        &mut self,
        command: impl FnOnce(&mut Printer<Buffer>) -> Result<&mut Printer<Buffer>, PrinterError>,
    ) -> &mut Self {
        if let Err(e) = command(&mut self.printer) {
            tracing::error!(error = %e, "an ESC/POS command was left out");
        }
        self
    }
}

/// Bytes a QR code may hold on the printers we aim at: `GS ( k` stores at most 7,089 numeric
/// characters, and far fewer bytes of a link; 500 is plenty for a table link and safe for the
/// small symbol memory of cheap printers.
const QR_MAX_BYTES: usize = 500;

/// Where the crate's printer writes: memory.
#[derive(Default)]
struct Buffer(RefCell<Vec<u8>>);

impl Driver for Buffer {
    fn name(&self) -> String {
        "memory".to_string()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ESC_AT: &[u8] = &[0x1B, b'@'];

    fn page_bytes(build: impl FnOnce(&mut Page)) -> Vec<u8> {
        let mut page = Page::new(PaperWidth::Mm58);
        build(&mut page);
        page.cut()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_page_starts_with_init_and_chinese_mode_and_ends_fed_and_cut() {
        let bytes = page_bytes(|_| {});
        assert_eq!(
            bytes,
            [ESC_AT, CHINESE_MODE, &[0x1B, b'd', 3], &[0x1D, 0x56, 0x42, 0x00]].concat()
        );
    }

    #[test]
    fn sizes_bold_and_alignment_are_the_documented_commands() {
        let bytes = page_bytes(|p| {
            p.size(Size::Double).size(Size::Tall).size(Size::Normal);
            p.bold(true).bold(false);
            p.align(Align::Center).align(Align::Right).align(Align::Left);
        });
        let body = &bytes[4..bytes.len() - 7];
        let expected: &[&[u8]] = &[
            &[0x1D, b'!', 0x11],
            &[0x1D, b'!', 0x01],
            &[0x1D, b'!', 0x00],
            &[0x1B, b'E', 1],
            &[0x1B, b'E', 0],
            &[0x1B, b'a', 1],
            &[0x1B, b'a', 2],
            &[0x1B, b'a', 0],
        ];
        assert_eq!(body, expected.concat());
    }

    #[test]
    fn chinese_text_is_gb18030() {
        let bytes = page_bytes(|p| {
            p.line("宫保鸡丁");
        });
        let gb18030 = [0xB9, 0xAC, 0xB1, 0xA3, 0xBC, 0xA6, 0xB6, 0xA1, b'\n'];
        assert!(contains(&bytes, &gb18030), "{bytes:02X?}");
    }

    #[test]
    fn a_qr_code_is_model_2_error_correction_m_stored_then_printed() {
        let link = "https://orderbell.example/t/A12";
        let bytes = page_bytes(|p| {
            p.qr(link);
        });
        let len = u8::try_from(link.len() + 3).expect("short link");
        let expected: &[&[u8]] = &[
            &[0x1D, b'(', b'k', 4, 0, 49, 65, 50, 0],
            &[0x1D, b'(', b'k', 3, 0, 49, 67, QR_MODULE_DOTS],
            &[0x1D, b'(', b'k', 3, 0, 49, 69, 49],
            &[0x1D, b'(', b'k', len, 0, 49, 80, 48],
            link.as_bytes(),
            &[0x1D, b'(', b'k', 3, 0, 49, 81, 48],
        ];
        assert!(contains(&bytes, &expected.concat()), "{bytes:02X?}");
    }

    #[test]
    fn double_size_text_wraps_at_half_the_columns() {
        let mut page = Page::new(PaperWidth::Mm80);
        page.size(Size::Double);
        assert_eq!(page.columns(), 24);
        page.size(Size::Tall);
        assert_eq!(page.columns(), 48);
    }

    #[test]
    fn status_requests_are_dle_eot() {
        assert_eq!(
            [STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER].concat(),
            [16, 4, 1, 16, 4, 2, 16, 4, 4]
        );
    }
}
