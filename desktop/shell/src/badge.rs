//! The unhandled count drawn onto the tray icon itself: many panels (GNOME's, KDE's) show no
//! text beside a tray icon, so a label alone goes unseen. A red disc in the top-right corner
//! with the number in white, drawn into the RGBA pixels with a tiny built-in digit font.

/// 3×5 digits, one row per byte, the three low bits left to right.
const DIGITS: [[u8; 5]; 10] = [
    [0b111, 0b101, 0b101, 0b101, 0b111],
    [0b010, 0b110, 0b010, 0b010, 0b111],
    [0b111, 0b001, 0b111, 0b100, 0b111],
    [0b111, 0b001, 0b111, 0b001, 0b111],
    [0b101, 0b101, 0b111, 0b001, 0b001],
    [0b111, 0b100, 0b111, 0b001, 0b111],
    [0b111, 0b100, 0b111, 0b101, 0b111],
    [0b111, 0b001, 0b001, 0b001, 0b001],
    [0b111, 0b101, 0b111, 0b101, 0b111],
    [0b111, 0b101, 0b111, 0b001, 0b111],
];

const RED: [u8; 4] = [220, 38, 38, 255];
const WHITE: [u8; 4] = [255, 255, 255, 255];

/// `icon` (RGBA, `width` × `height`) with `count` on it; unchanged for 0. More than 99 shows 99:
/// the badge says "many", the window says how many.
pub fn with_count(icon: &[u8], width: u32, height: u32, count: u32) -> Vec<u8> {
    let mut canvas = Canvas {
        pixels: icon.to_vec(),
        width: width as usize,
        height: height as usize,
    };
    if count == 0 || canvas.pixels.len() != canvas.width * canvas.height * 4 {
        return canvas.pixels;
    }
    let diameter = canvas.width.min(canvas.height) * 5 / 8;
    let radius = diameter as f32 / 2.0;
    let (cx, cy) = (canvas.width as f32 - radius, radius);
    for y in 0..diameter {
        for x in canvas.width - diameter..canvas.width {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            if dx * dx + dy * dy <= radius * radius {
                canvas.put(x, y, RED);
            }
        }
    }
    let text: Vec<usize> = count
        .min(99)
        .to_string()
        .bytes()
        .map(|b| usize::from(b - b'0'))
        .collect();
    // Glyphs of 3 columns with 1 between; the text fills about 60 % of the disc.
    let columns = text.len() * 4 - 1;
    let scale = (diameter * 6 / 10 / columns.max(5)).max(1);
    let left = (cx as usize).saturating_sub(columns * scale / 2);
    let top = (cy as usize).saturating_sub(5 * scale / 2);
    for (i, digit) in text.into_iter().enumerate() {
        for (row, bits) in DIGITS[digit].iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) != 0 {
                    let x = left + (i * 4 + col) * scale;
                    canvas.square(x, top + row * scale, scale, WHITE);
                }
            }
        }
    }
    canvas.pixels
}

struct Canvas {
    pixels: Vec<u8>,
    width: usize,
    height: usize,
}

impl Canvas {
    fn put(&mut self, x: usize, y: usize, colour: [u8; 4]) {
        if x < self.width && y < self.height {
            let at = (y * self.width + x) * 4;
            self.pixels[at..at + 4].copy_from_slice(&colour);
        }
    }

    fn square(&mut self, x: usize, y: usize, side: usize, colour: [u8; 4]) {
        for dy in 0..side {
            for dx in 0..side {
                self.put(x + dx, y + dy, colour);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: u32 = 32;

    fn icon() -> Vec<u8> {
        // A plain blue square, as opaque as a real icon.
        [30, 64, 175, 255].repeat((SIZE * SIZE) as usize)
    }

    fn pixel(image: &[u8], x: u32, y: u32) -> [u8; 4] {
        let at = ((y * SIZE + x) * 4) as usize;
        [image[at], image[at + 1], image[at + 2], image[at + 3]]
    }

    #[test]
    fn no_count_no_badge() {
        assert_eq!(with_count(&icon(), SIZE, SIZE, 0), icon());
    }

    #[test]
    fn each_count_draws_its_own_number_on_a_red_disc() {
        let drawn: Vec<Vec<u8>> = (1..=12).map(|n| with_count(&icon(), SIZE, SIZE, n)).collect();
        for (n, image) in drawn.iter().enumerate() {
            assert_ne!(*image, icon(), "{} is drawn", n + 1);
            assert!(
                (0..SIZE).any(|x| (0..SIZE).any(|y| pixel(image, x, y) == WHITE)),
                "{} has white digits",
                n + 1
            );
            for (m, other) in drawn.iter().enumerate().skip(n + 1) {
                assert_ne!(image, other, "{} and {} look different", n + 1, m + 1);
            }
        }
        let three = &drawn[2];
        assert_eq!(pixel(three, SIZE - 3, 10), RED, "the disc is in the top-right corner");
        assert_eq!(
            pixel(three, 2, SIZE - 3),
            pixel(&icon(), 2, SIZE - 3),
            "the rest is the icon"
        );
    }

    #[test]
    fn large_counts_and_odd_buffers_are_safe() {
        assert_eq!(
            with_count(&icon(), SIZE, SIZE, 1000),
            with_count(&icon(), SIZE, SIZE, 99)
        );
        assert_eq!(
            with_count(&[1, 2, 3], SIZE, SIZE, 5),
            [1, 2, 3],
            "a buffer of the wrong size is left alone"
        );
        let tiny = [0u8; 4 * 4];
        assert_eq!(with_count(&tiny, 2, 2, 7).len(), tiny.len());
    }
}
