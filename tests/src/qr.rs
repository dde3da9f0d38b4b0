//! Reading QR codes back the way a phone would: a real decoder (rqrr) over the pixels of the PNG,
//! of the SVG as librsvg draws it, and of the PDF as poppler prints it.

use std::path::Path;
use std::process::Command;

/// Every QR code found in a greyscale image, decoded, sorted.
pub fn codes_in(width: usize, height: usize, pixels: &[u8]) -> Vec<String> {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let mut codes: Vec<String> = image
        .detect_grids()
        .iter()
        .map(|grid| grid.decode().expect("every code found decodes").1)
        .collect();
    codes.sort();
    codes
}

/// The codes in a PNG, whatever its colour type, seen in grey as a camera would.
pub fn png_codes(bytes: &[u8]) -> Vec<String> {
    let grey = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .expect("a PNG")
        .to_luma8();
    let (width, height) = (grey.width() as usize, grey.height() as usize);
    codes_in(width, height, grey.as_raw())
}

/// The codes in an SVG, drawn by librsvg (`rsvg-convert`).
pub fn svg_codes(svg: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temporary dir");
    let (input, output) = (dir.path().join("code.svg"), dir.path().join("code.png"));
    std::fs::write(&input, svg).expect("write the SVG");
    run(Command::new("rsvg-convert").arg("-o").arg(&output).arg(&input));
    png_codes(&std::fs::read(&output).expect("rsvg-convert wrote a PNG"))
}

/// Points (1/72 inch) to pixels at the resolution the sheet is printed at.
const DPI: f32 = 300.0;

/// The codes on each page of a PDF printed at 300 dpi by poppler (`pdftoppm`) — a print shop's
/// resolution; at 150 a dense code now and then fell below what the decoder reads — read card by
/// card as a phone sees them: the page cut along its marks (two columns, three rows inside a
/// half-inch margin), one code to a card. (A whole page at once is not how anyone scans, and the
/// decoder pairs up finder patterns of neighbouring codes.)
pub fn pdf_pages(pdf: &[u8]) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().expect("temporary dir");
    let input = dir.path().join("sheet.pdf");
    std::fs::write(&input, pdf).expect("write the PDF");
    run(Command::new("pdftoppm")
        .args(["-r", &DPI.to_string(), "-gray"])
        .arg(&input)
        .arg(dir.path().join("page")));
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list pages")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pages.sort();
    pages.iter().map(|page| card_codes(page)).collect()
}

/// The text a reader finds in a PDF (`pdftotext`): what a blind user's reader, or a search, sees.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temporary dir");
    let input = dir.path().join("sheet.pdf");
    std::fs::write(&input, pdf).expect("write the PDF");
    let out = run(Command::new("pdftotext").arg(&input).arg("-"));
    String::from_utf8(out).expect("UTF-8 text")
}

/// The codes of the cards on a page, in reading order; an empty card reads nothing.
fn card_codes(page: &Path) -> Vec<String> {
    let (width, height, pixels) = pgm(page);
    let px = |points: f32| (points * DPI / 72.0).round() as usize;
    let (margin, card_width, card_height) = (px(36.0), px((595.28 - 72.0) / 2.0), px((841.89 - 72.0) / 3.0));
    let a4 = width.abs_diff(px(595.28)) <= 1 && height.abs_diff(px(841.89)) <= 1;
    assert!(a4, "an A4 page: {width}×{height} pixels at {DPI} dpi");
    let mut codes = Vec::new();
    for row in 0..3 {
        for column in 0..2 {
            let (left, top) = (margin + column * card_width, margin + row * card_height);
            let card: Vec<u8> = (top..top + card_height)
                .flat_map(|y| &pixels[y * width + left..y * width + left + card_width])
                .copied()
                .collect();
            let found = codes_in(card_width, card_height, &card);
            assert!(found.len() <= 1, "one code to a card: {found:?}");
            codes.extend(found);
        }
    }
    codes
}

/// A binary greyscale PNM (`P5`, 8 bits), as `pdftoppm -gray` writes it.
fn pgm(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).expect("read the page");
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!(
        (fields[0].as_str(), fields[3].as_str()),
        ("P5", "255"),
        "8-bit greyscale"
    );
    let width: usize = fields[1].parse().expect("width");
    let height: usize = fields[2].parse().expect("height");
    let pixels = bytes[at + 1..].to_vec();
    assert_eq!(pixels.len(), width * height);
    (width, height, pixels)
}

fn run(command: &mut Command) -> Vec<u8> {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} runs (scripts/test installs it): {e}"));
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}
