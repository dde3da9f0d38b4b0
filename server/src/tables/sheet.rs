//! The printable QR sheet: A4 pages of six cards (store name, the table's code, its number and a
//! 扫码点餐 hint), with cut marks between them.
//!
//! The Chinese text uses STSong-Light through the predefined `UniGB-UCS2-H` encoding: one of the
//! CJK fonts every PDF reader provides (Adobe-GB1), so no font file is embedded and the sheet
//! stays a few kilobytes. The codes are vector rectangles, sharp at any printer resolution.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

use super::qr::Code;

/// One table's card on the sheet.
pub struct Card {
    pub number: String,
    pub code: Code,
}

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
/// Paper a printer may not reach, and room for the cut marks.
const MARGIN: f32 = 36.0;
const COLUMNS: usize = 2;
const ROWS: usize = 3;
const CARD_WIDTH: f32 = (PAGE_WIDTH - 2.0 * MARGIN) / COLUMNS as f32;
const CARD_HEIGHT: f32 = (PAGE_HEIGHT - 2.0 * MARGIN) / ROWS as f32;
/// The code with its quiet zone: about 5.3 cm, which a phone reads from arm's length.
const CODE_SIDE: f32 = 150.0;
/// Cut marks stop this far from the cards, so no mark shows on a card cut slightly off.
const MARK_GAP: f32 = 6.0;

const FONT: Name<'static> = Name(b"F1");
const HINT: &str = "扫码点餐";

pub fn pdf(store_name: &str, cards: &[Card]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let page_tree = Ref::new(2);
    let font = Ref::new(3);
    let cid_font = Ref::new(4);
    let descriptor = Ref::new(5);
    let pages: Vec<(Ref, Ref)> = (0..cards.len().div_ceil(COLUMNS * ROWS))
        .map(|i| {
            let i = i32::try_from(i).unwrap_or(i32::MAX / 2 - 6);
            (Ref::new(6 + 2 * i), Ref::new(7 + 2 * i))
        })
        .collect();

    pdf.catalog(catalog).pages(page_tree);
    pdf.pages(page_tree)
        .kids(pages.iter().map(|(page, _)| *page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    write_font(&mut pdf, font, cid_font, descriptor);
    for ((page, contents), cards) in pages.iter().zip(cards.chunks(COLUMNS * ROWS)) {
        let mut writer = pdf.page(*page);
        writer
            .parent(page_tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*contents);
        writer.resources().fonts().pair(FONT, font);
        drop(writer);
        let mut content = Content::new();
        cut_marks(&mut content);
        for (slot, card) in cards.iter().enumerate() {
            let left = MARGIN + (slot % COLUMNS) as f32 * CARD_WIDTH;
            let top = PAGE_HEIGHT - MARGIN - (slot / COLUMNS) as f32 * CARD_HEIGHT;
            draw_card(&mut content, store_name, card, left, top);
        }
        pdf.stream(*contents, &content.finish());
    }
    pdf.finish()
}

/// STSong-Light, not embedded: the reader brings the glyphs (poppler-data and a CJK font on
/// Linux, built in elsewhere).
fn write_font(pdf: &mut Pdf, font: Ref, cid_font: Ref, descriptor: Ref) {
    let name = Name(b"STSong-Light");
    pdf.type0_font(font)
        .base_font(name)
        .encoding_predefined(Name(b"UniGB-UCS2-H"))
        .descendant_font(cid_font);
    let mut cid = pdf.cid_font(cid_font);
    cid.subtype(CidFontType::Type0)
        .base_font(name)
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"GB1"),
            supplement: 2,
        })
        .font_descriptor(descriptor)
        .default_width(1000.0);
    // UniGB-UCS2-H puts ASCII on CIDs 1–95: half as wide as a Chinese character.
    cid.widths().same(1, 95, 500.0);
    drop(cid);
    pdf.font_descriptor(descriptor)
        .name(name)
        .flags(FontFlags::SYMBOLIC | FontFlags::SERIF)
        .bbox(Rect::new(-25.0, -254.0, 1000.0, 880.0))
        .italic_angle(0.0)
        .ascent(880.0)
        .descent(-120.0)
        .cap_height(880.0)
        .stem_v(93.0);
}

fn draw_card(content: &mut Content, store_name: &str, card: &Card, left: f32, top: f32) {
    let centre = left + CARD_WIDTH / 2.0;
    let name_size = fitted(store_name, 15.0, CARD_WIDTH - 24.0);
    text(content, store_name, name_size, centre, top - 30.0, 0.0);

    let code_top = top - 38.0;
    let module = CODE_SIDE / card.code.size() as f32;
    let code_left = centre - CODE_SIDE / 2.0;
    for (column, row, length) in card.code.runs() {
        let y = code_top - (row + 1) as f32 * module;
        content.rect(code_left + column as f32 * module, y, length as f32 * module, module);
    }
    content.set_fill_gray(0.0).fill_nonzero();

    let number_size = fitted(&card.number, 26.0, CARD_WIDTH - 24.0);
    text(
        content,
        &card.number,
        number_size,
        centre,
        code_top - CODE_SIDE - 24.0,
        0.0,
    );
    text(content, HINT, 12.0, centre, code_top - CODE_SIDE - 44.0, 0.35);
}

/// `line` centred on `centre` at baseline `y`, in grey `gray` (0 is black).
fn text(content: &mut Content, line: &str, size: f32, centre: f32, y: f32, gray: f32) {
    let x = centre - width(line, size) / 2.0;
    content
        .set_fill_gray(gray)
        .begin_text()
        .set_font(FONT, size)
        .next_line(x, y)
        .show(Str(&ucs2(line)))
        .end_text();
}

/// The font size at most `size` at which `line` fits in `room`.
fn fitted(line: &str, size: f32, room: f32) -> f32 {
    size.min(room / width(line, 1.0).max(0.01))
}

/// The line's width at `size`, by the widths the font dictionary declares.
fn width(line: &str, size: f32) -> f32 {
    let units: f32 = line
        .chars()
        .map(|c| if (' '..='~').contains(&c) { 500.0 } else { 1000.0 })
        .sum();
    units * size / 1000.0
}

/// UTF-16BE, as `UniGB-UCS2-H` reads it; what lies outside the BMP prints as □.
fn ucs2(line: &str) -> Vec<u8> {
    line.chars()
        .flat_map(|c| u16::try_from(u32::from(c)).unwrap_or(0x25A1).to_be_bytes())
        .collect()
}

/// Marks along every cut line in the margins, and small crosses where cut lines meet inside.
fn cut_marks(content: &mut Content) {
    content.set_line_width(0.5).set_stroke_gray(0.0);
    let xs: Vec<f32> = (0..=COLUMNS).map(|i| MARGIN + i as f32 * CARD_WIDTH).collect();
    let ys: Vec<f32> = (0..=ROWS).map(|i| MARGIN + i as f32 * CARD_HEIGHT).collect();
    let reach = MARGIN - MARK_GAP;
    for &x in &xs {
        content.move_to(x, 0.0 + MARK_GAP).line_to(x, reach);
        content
            .move_to(x, PAGE_HEIGHT - MARK_GAP)
            .line_to(x, PAGE_HEIGHT - reach);
    }
    for &y in &ys {
        content.move_to(MARK_GAP, y).line_to(reach, y);
        content.move_to(PAGE_WIDTH - MARK_GAP, y).line_to(PAGE_WIDTH - reach, y);
    }
    let arm = 6.0;
    for &x in &xs[1..COLUMNS] {
        for &y in &ys[1..ROWS] {
            content.move_to(x - arm, y).line_to(x + arm, y);
            content.move_to(x, y - arm).line_to(x, y + arm);
        }
    }
    content.stroke();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_as_the_font_declares_it() {
        assert_eq!(width("A01", 10.0), 15.0, "ASCII is half width");
        assert_eq!(width("扫码点餐", 10.0), 40.0);
        assert_eq!(ucs2("A桌"), vec![0x00, 0x41, 0x68, 0x4C]);
        assert_eq!(fitted("铃声小馆", 15.0, 1000.0), 15.0, "short names keep their size");
        assert!(
            fitted(&"很长的店名".repeat(5), 15.0, 200.0) <= 8.0,
            "long names shrink to fit"
        );
    }

    #[test]
    fn seven_tables_take_two_pages() {
        let cards: Vec<Card> = (1..=7)
            .map(|i| Card {
                number: format!("A{i:02}"),
                code: Code::new(&format!("http://x/t/{i}?token=t.{i}.sig")).expect("encodes"),
            })
            .collect();
        let pdf = pdf("铃声小馆", &cards);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-"));
        assert!(text.contains("/Count 2"), "seven cards, six to a page");
        assert!(text.contains("/UniGB-UCS2-H"));
    }
}
