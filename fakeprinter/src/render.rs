//! A decoded ticket drawn as the paper would look: 1-bit, the paper's width in dots (384 for
//! 58 mm, 576 for 80 mm at 203 dpi), ESC/POS font A's cells (12×24 dots, 24×24 for a Chinese
//! character), sizes as multiples of them, bold drawn twice a dot apart, lines wrapped at the
//! edge as the printer wraps them, QR codes where they were printed, a dashed line at the cut.

use std::io::{self, Cursor};
use std::sync::OnceLock;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};
use image::{GrayImage, ImageFormat, Luma};
use qrcode::{Color, QrCode};

use crate::ticket::{Align, Printed, PrintedLine, QrPlacement};

/// Chinese fonts to draw with, the first found (Debian's fonts-wqy-microhei comes first).
const FONTS: [&str; 3] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
];

/// Font A: a half-width cell is 12 dots wide, every cell 24 high; lines 30 dots apart.
const CELL_WIDTH: u32 = 12;
const CELL_HEIGHT: u32 = 24;
const LINE_GAP: u32 = 6;
const MARGIN: u32 = 8;
const BLACK: Luma<u8> = Luma([0]);
const WHITE: Luma<u8> = Luma([255]);

/// The ticket as a PNG `dots` wide. Fails when no Chinese font is installed.
pub fn render_png(ticket: &Printed, dots: u32) -> io::Result<Vec<u8>> {
    let font = font()?;
    let blocks = layout(ticket, dots)?;
    let content: u32 = blocks.iter().map(Block::height).sum();
    let cut = if ticket.cut { 2 * MARGIN + 2 } else { 0 };
    let mut image = GrayImage::from_pixel(dots, MARGIN + content + MARGIN + cut, WHITE);
    let mut top = MARGIN;
    for block in &blocks {
        match block {
            Block::Row(row) => draw_row(&mut image, font, row, top),
            Block::Qr(qr) => draw_qr(&mut image, qr, top),
        }
        top += block.height();
    }
    if ticket.cut {
        // Dashes across the paper: where the cutter went.
        let y = top + MARGIN + MARGIN;
        for x in (0..dots).filter(|x| x % 14 < 8) {
            image.put_pixel(x, y, BLACK);
            image.put_pixel(x, y + 1, BLACK);
        }
    }
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png).map_err(io::Error::other)?;
    Ok(png.into_inner())
}

fn font() -> io::Result<&'static FontVec> {
    static FONT: OnceLock<FontVec> = OnceLock::new();
    if let Some(font) = FONT.get() {
        return Ok(font);
    }
    let path = FONTS
        .iter()
        .find(|path| std::path::Path::new(path).exists())
        .ok_or_else(|| {
            let message = format!("no Chinese font: install fonts-wqy-microhei ({})", FONTS[0]);
            io::Error::new(io::ErrorKind::NotFound, message)
        })?;
    let font = FontVec::try_from_vec_and_index(std::fs::read(path)?, 0).map_err(io::Error::other)?;
    Ok(FONT.get_or_init(|| font))
}

/// One row of characters on the paper, or a QR code.
enum Block {
    Row(Row),
    Qr(Qr),
}

struct Row {
    /// Each character and its left edge.
    glyphs: Vec<(char, u32)>,
    bold: bool,
    width: u32,
    height: u32,
}

struct Qr {
    /// Top-left of the symbol and its modules' size in dots.
    left: u32,
    module: u32,
    colors: Vec<Color>,
    modules: u32,
}

impl Block {
    fn height(&self) -> u32 {
        match self {
            Block::Row(row) => CELL_HEIGHT * row.height + LINE_GAP,
            Block::Qr(qr) => qr.modules * qr.module + 2 * LINE_GAP,
        }
    }
}

fn layout(ticket: &Printed, dots: u32) -> io::Result<Vec<Block>> {
    let mut blocks = Vec::new();
    for at in 0..=ticket.lines.len() {
        for (text, place) in ticket.qr_codes.iter().zip(&ticket.qr_placements) {
            if place.before_line == at {
                blocks.push(Block::Qr(qr(text, place, dots)?));
            }
        }
        if let Some(line) = ticket.lines.get(at) {
            blocks.extend(rows(line, dots).into_iter().map(Block::Row));
        }
    }
    Ok(blocks)
}

/// A line cut into the rows the printer prints it on, each placed by its alignment.
fn rows(line: &PrintedLine, dots: u32) -> Vec<Row> {
    let (width, height) = (u32::from(line.width.max(1)), u32::from(line.height.max(1)));
    let mut rows = Vec::new();
    let mut glyphs = Vec::new();
    let mut x = 0;
    for c in line.text.chars() {
        let advance = cell_width(c) * width;
        if x + advance > dots && !glyphs.is_empty() {
            rows.push(std::mem::take(&mut glyphs));
            x = 0;
        }
        glyphs.push((c, x));
        x += advance;
    }
    rows.push(glyphs);
    rows.into_iter()
        .map(|glyphs| {
            let used = glyphs.last().map_or(0, |&(c, x)| x + cell_width(c) * width);
            let shift = offset(line.align, dots, used);
            Row {
                glyphs: glyphs.into_iter().map(|(c, x)| (c, x + shift)).collect(),
                bold: line.bold,
                width,
                height,
            }
        })
        .collect()
}

/// A Chinese printer prints every double-byte character in a full (24-dot) cell.
fn cell_width(c: char) -> u32 {
    if c.is_ascii() { CELL_WIDTH } else { 2 * CELL_WIDTH }
}

fn offset(align: Align, dots: u32, used: u32) -> u32 {
    let free = dots.saturating_sub(used);
    match align {
        Align::Left => 0,
        Align::Center => free / 2,
        Align::Right => free,
    }
}

fn qr(text: &str, place: &QrPlacement, dots: u32) -> io::Result<Qr> {
    let code = QrCode::new(text.as_bytes()).map_err(io::Error::other)?;
    let modules = u32::try_from(code.width()).map_err(io::Error::other)?;
    let module = u32::from(place.module_dots.max(1));
    Ok(Qr {
        left: offset(place.align, dots, modules * module),
        module,
        colors: code.to_colors(),
        modules,
    })
}

fn draw_qr(image: &mut GrayImage, qr: &Qr, top: u32) {
    let dark = qr.colors.iter().enumerate().filter(|(_, color)| **color == Color::Dark);
    for (i, _) in dark {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        let (mx, my) = (i % qr.modules, i / qr.modules);
        for dy in 0..qr.module {
            for dx in 0..qr.module {
                put(
                    image,
                    qr.left + mx * qr.module + dx,
                    top + LINE_GAP + my * qr.module + dy,
                );
            }
        }
    }
}

fn draw_row(image: &mut GrayImage, font: &FontVec, row: &Row, top: u32) {
    // The font's em fills the 24-dot cell, stretched by the size multipliers.
    let scale = PxScale {
        x: (CELL_HEIGHT * row.width) as f32,
        y: (CELL_HEIGHT * row.height) as f32,
    };
    let scaled = font.as_scaled(scale);
    let baseline = top as f32 + scaled.ascent() * (CELL_HEIGHT * row.height) as f32 / scaled.height();
    let strokes: &[u32] = if row.bold { &[0, 1] } else { &[0] };
    for &(c, left) in &row.glyphs {
        for &shift in strokes {
            let glyph = scaled.scaled_glyph(c);
            let glyph = ab_glyph::Glyph {
                position: point((left + shift) as f32, baseline),
                ..glyph
            };
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let (x, y) = (bounds.min.x + gx as f32, bounds.min.y + gy as f32);
                // A thermal head burns a dot or not.
                if coverage > 0.5 && x >= 0.0 && y >= 0.0 {
                    put(image, x as u32, y as u32);
                }
            });
        }
    }
}

fn put(image: &mut GrayImage, x: u32, y: u32) {
    if x < image.width() && y < image.height() {
        image.put_pixel(x, y, BLACK);
    }
}
