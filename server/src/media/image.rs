//! What makes an upload a photo: it decodes as a JPEG, PNG or WebP of sane dimensions. And the
//! small version the menu list shows. Pure: bytes in, bytes out.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::{Error, Result};

/// The largest photo accepted: a phone's photo is 2–4 MB.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Wider or taller than this is no dish photo (and would take too much memory to decode).
const MAX_SIDE: u32 = 8000;
/// The thumbnail's longer side, in pixels: sharp at twice the size the menu list shows it.
pub const THUMBNAIL_SIDE: u32 = 240;

/// A checked photo.
#[derive(Debug)]
pub struct Photo {
    /// `jpg`, `png` or `webp`: the format it really is, whatever it was called.
    pub extension: &'static str,
    /// The thumbnail, as a JPEG.
    pub thumbnail: Vec<u8>,
}

pub fn invalid_photo() -> Error {
    Error::BadRequest {
        status: axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        code: "invalid_photo",
        message: "这不是能用的图片：请上传 JPEG、PNG 或 WebP 格式的照片".into(),
    }
}

/// 413 `photo_too_large`, saying which limit.
pub fn too_large(message: String) -> Error {
    Error::BadRequest {
        status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        code: "photo_too_large",
        message,
    }
}

/// Decode `bytes` as a photo and make its thumbnail; refuse anything else.
pub fn check(bytes: &[u8]) -> Result<Photo> {
    let format = image::guess_format(bytes).map_err(|_| invalid_photo())?;
    let extension = match format {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        ImageFormat::WebP => "webp",
        _ => return Err(invalid_photo()),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| invalid_photo())?;
    // Phones store photos sideways with a tag saying how to turn them; the thumbnail is turned.
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(format!("图片太大：宽和高都不能超过 {MAX_SIDE} 像素")),
        _ => invalid_photo(),
    })?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(Photo {
        extension,
        thumbnail: thumbnail(&image)?,
    })
}

/// The photo scaled down to fit [`THUMBNAIL_SIDE`], on white where it was transparent.
fn thumbnail(image: &DynamicImage) -> Result<Vec<u8>> {
    let small = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).to_rgba8();
    let mut flat = image::RgbImage::new(small.width(), small.height());
    for (out, px) in flat.pixels_mut().zip(small.pixels()) {
        let [r, g, b, a] = px.0;
        let over_white = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        *out = image::Rgb([over_white(r), over_white(g), over_white(b)]);
    }
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 80)
        .encode_image(&flat)
        .map_err(|e| Error::Io(std::io::Error::other(e)))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 30, 30, 128]));
        let mut bytes = Vec::new();
        DynamicImage::ImageRgba8(image)
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .expect("encodes");
        bytes
    }

    #[test]
    fn a_photo_gets_a_small_jpeg_thumbnail() {
        let photo = check(&png(800, 400)).expect("a PNG is a photo");
        assert_eq!(photo.extension, "png");
        let thumb = image::load_from_memory(&photo.thumbnail).expect("the thumbnail decodes");
        assert_eq!((thumb.width(), thumb.height()), (THUMBNAIL_SIDE, THUMBNAIL_SIDE / 2));
        assert_eq!(image::guess_format(&photo.thumbnail).ok(), Some(ImageFormat::Jpeg));
    }

    #[test]
    fn anything_else_is_refused() {
        assert_eq!(
            check(b"%PDF-1.7 not a photo").map_err(|e| e.code()).err(),
            Some("invalid_photo")
        );
        let mut cut = png(50, 50);
        cut.truncate(cut.len() / 2);
        assert!(check(&cut).is_err(), "half a PNG does not decode");
        assert!(check(&png(MAX_SIDE + 1, 1)).is_err(), "too wide");
    }
}
