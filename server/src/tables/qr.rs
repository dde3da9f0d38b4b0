//! A table's QR code: its link encoded once, then drawn as a PNG, an SVG, or (on the sheet) PDF
//! rectangles, all from the same runs of dark modules.

use qrcode::{Color, EcLevel, QrCode};

use crate::error::{Error, Result};

/// Light modules around the code, which scanners need to find it.
pub const QUIET: usize = 4;

/// Pixels per module in the PNG: about 3 cm wide at 300 dpi for a typical link.
const PNG_SCALE: usize = 10;

pub struct Code {
    width: usize,
    dark: Vec<bool>,
}

impl Code {
    pub fn new(link: &str) -> Result<Code> {
        // M: a quarter of the code may be smudged or creased and it still reads.
        let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M).map_err(|e| {
            Error::Config(format!(
                "the table link does not fit a QR code ({e}): is --public-url too long?"
            ))
        })?;
        Ok(Code {
            width: code.width(),
            dark: code.to_colors().into_iter().map(|c| c == Color::Dark).collect(),
        })
    }

    /// Modules across, quiet zone included.
    pub fn size(&self) -> usize {
        self.width + 2 * QUIET
    }

    /// Each horizontal run of dark modules as (column, row, length), quiet zone included in the
    /// coordinates: one rectangle each wherever the code is drawn.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for (row, modules) in self.dark.chunks(self.width).enumerate() {
            let mut column = 0;
            while column < self.width {
                let length = modules[column..].iter().take_while(|&&dark| dark).count();
                if length > 0 {
                    runs.push((column + QUIET, row + QUIET, length));
                }
                column += length.max(1);
            }
        }
        runs
    }

    /// A greyscale PNG, black on white.
    pub fn png(&self) -> Result<Vec<u8>> {
        let side = self.size() * PNG_SCALE;
        let mut pixels = vec![255u8; side * side];
        for (column, row, length) in self.runs() {
            for y in row * PNG_SCALE..(row + 1) * PNG_SCALE {
                let start = y * side + column * PNG_SCALE;
                pixels[start..start + length * PNG_SCALE].fill(0);
            }
        }
        let pixels_across = u32::try_from(side).map_err(|_| Error::Config("QR code too large".into()))?;
        let image = image::GrayImage::from_raw(pixels_across, pixels_across, pixels)
            .ok_or_else(|| Error::Config("QR code pixels do not fill the image".into()))?;
        let mut out = std::io::Cursor::new(Vec::new());
        image
            .write_to(&mut out, image::ImageFormat::Png)
            .map_err(std::io::Error::other)?;
        let out = out.into_inner();
        Ok(out)
    }

    /// An SVG of one module per user unit, scaling to any size without blur.
    pub fn svg(&self) -> String {
        let size = self.size();
        let mut path = String::new();
        for (column, row, length) in self.runs() {
            path.push_str(&format!("M{column} {row}h{length}v1h-{length}z"));
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
             width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\">\
             <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{path}\"/></svg>\n",
            px = size * PNG_SCALE
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let code = Code::new("http://127.0.0.1:8080/t/1?token=t.1.abc").expect("encodes");
        let dark: usize = code.dark.iter().filter(|&&d| d).count();
        let covered: usize = code.runs().iter().map(|(_, _, length)| length).sum();
        assert_eq!(covered, dark, "every dark module drawn once, no light one");
        let (column, row, _) = code.runs()[0];
        assert_eq!(
            (column, row),
            (QUIET, QUIET),
            "the finder pattern's corner starts the code"
        );
    }
}
