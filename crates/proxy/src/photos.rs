//! Item photos as an owner uploads them from a phone (JPEG or PNG, often 4000 px wide and
//! turned by an EXIF tag), made into what guests download: upright, cropped to the menu's
//! shape, at each of `PHOTO_WIDTHS`, as JPEG. Anything else is refused before it is decoded
//! in full: another type, a file over `MAX_UPLOAD_BYTES`, or more pixels than `MAX_PIXELS`
//! (a small file that would unpack into gigabytes).

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use order_core::{PHOTO_ASPECT, PHOTO_WIDTHS};
use std::io::Cursor;

/// A phone's camera photo is 2–8 MB; more is not a photo of a dish.
pub const MAX_UPLOAD_BYTES: usize = 12 * 1024 * 1024;
/// 50 megapixels: more than any phone camera takes.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Smaller than this is not worth showing.
const MIN_SIDE: u32 = 120;
const JPEG_QUALITY: u8 = 80;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("send the photo as a JPEG or PNG file")]
    NotJpegOrPng,
    #[error("the photo is {width}×{height}: more than {MAX_PIXELS} pixels")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the photo is {width}×{height}: at least {MIN_SIDE} pixels a side, please")]
    TooSmall { width: u32, height: u32 },
    #[error("the photo cannot be read: {0}")]
    Unreadable(String),
}

/// A photo ready to keep: its id and a JPEG per width.
pub struct PreparedPhoto {
    pub id: String,
    pub jpegs: Vec<(u32, Vec<u8>)>,
}

/// Decodes, turns upright, crops and resizes `upload`. CPU-bound: run it off the async threads.
pub fn prepare(upload: &[u8]) -> Result<PreparedPhoto, PhotoError> {
    use sha2::{Digest, Sha256};
    let unreadable = |e: image::ImageError| PhotoError::Unreadable(e.to_string());
    let mut reader = ImageReader::new(Cursor::new(upload))
        .with_guessed_format()
        .map_err(|e| PhotoError::Unreadable(e.to_string()))?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Err(PhotoError::NotJpegOrPng);
    }
    // The decoder's own allocation limit backs the pixel check below.
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    if width.min(height) < MIN_SIDE {
        return Err(PhotoError::TooSmall { width, height });
    }
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    let image = crop_to_aspect(image);
    let mut jpegs = Vec::with_capacity(PHOTO_WIDTHS.len());
    for target in PHOTO_WIDTHS {
        let height = target * PHOTO_ASPECT.1 / PHOTO_ASPECT.0;
        let resized = image
            .resize_exact(target, height, image::imageops::FilterType::Triangle)
            .into_rgb8();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
            .encode_image(&resized)
            .map_err(unreadable)?;
        jpegs.push((target, jpeg));
    }
    let id = hex::encode(&Sha256::digest(upload)[..10]);
    Ok(PreparedPhoto { id, jpegs })
}

/// The largest centred part of `image` in the menu's shape.
fn crop_to_aspect(image: DynamicImage) -> DynamicImage {
    let (w, h) = (image.width(), image.height());
    let (aw, ah) = PHOTO_ASPECT;
    if u64::from(w) * u64::from(ah) > u64::from(h) * u64::from(aw) {
        let new_w = h * aw / ah;
        image.crop_imm((w - new_w) / 2, 0, new_w, h)
    } else {
        let new_h = w * ah / aw;
        image.crop_imm(0, (h - new_h) / 2, w, new_h)
    }
}

/// Whether `id` could name a photo (what `prepare` makes), before it is looked up.
pub fn is_photo_id(id: &str) -> bool {
    id.len() == 20
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_photo_is_cropped_and_made_at_each_width() {
        let photo = prepare(&png(1000, 500)).unwrap();
        assert!(is_photo_id(&photo.id));
        for ((width, jpeg), expected) in photo.jpegs.iter().zip(PHOTO_WIDTHS) {
            assert_eq!(*width, expected);
            let decoded = image::load_from_memory(jpeg).unwrap();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (expected, expected * 3 / 4)
            );
        }
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(
            prepare(b"GIF89a not a photo").err(),
            Some(PhotoError::NotJpegOrPng)
        );
        assert_eq!(prepare(b"").err(), Some(PhotoError::NotJpegOrPng));
        assert!(matches!(
            prepare(&png(100, 60)),
            Err(PhotoError::TooSmall { .. })
        ));
        let mut broken = png(400, 300);
        broken.truncate(broken.len() / 2);
        assert!(matches!(prepare(&broken), Err(PhotoError::Unreadable(_))));
    }
}
