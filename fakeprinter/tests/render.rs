//! A decoded ticket drawn at the paper's width: Chinese glyphs, not boxes; the QR code readable.

mod common;

use common::*;
use orderbell_fakeprinter::{decode, render_png};

fn render(dots: u32) -> image::GrayImage {
    let ticket = &decode(&kitchen_ticket("A8", "https://orderbell.example/t/A8"))[0];
    let png = render_png(ticket, dots).expect("a Chinese font is installed (fonts-wqy-microhei)");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fakeprinter-ticket-{dots}.png"));
    std::fs::write(&path, &png).expect("the picture is kept to look at");
    image::load_from_memory(&png).expect("a PNG").to_luma8()
}

#[test]
fn a_ticket_renders_at_the_paper_width_with_its_qr_code_readable() {
    for dots in [384, 576] {
        let image = render(dots);
        assert_eq!(image.width(), dots, "as wide as the paper");
        let inked = image.pixels().filter(|p| p.0[0] == 0).count();
        assert!(inked > 2000, "text and the QR code are drawn ({inked} dots)");
        let (width, height) = (image.width() as usize, image.height() as usize);
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| image.as_raw()[y * width + x]);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code on the ticket");
        let (_, content) = grids[0].decode().expect("the QR code reads");
        assert_eq!(content, "https://orderbell.example/t/A8");
    }
}
