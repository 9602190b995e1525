//! 照片和扫描件: what a file attached to a record may be, told from its bytes alone.
//!
//! A photo is a JPEG or PNG of at most [`MAX_PHOTO`] bytes that decodes whole within
//! [`limits`] (no more than [`MAX_SIDE`] pixels a side and [`MAX_ALLOC`] bytes decoded: a
//! small file claiming a huge picture, a decompression bomb, is refused before it is
//! decoded); a scan is a PDF of at most [`MAX_SCAN`] bytes. The type comes from the first
//! bytes: JPEG and PNG by `image`'s own signature check (the decoder that then reads them
//! whole), a PDF by its `%PDF-` header, so a text file renamed `.jpg` is refused whatever
//! its name. The thumbnail is made here too, from the bytes: a JPEG at most [`THUMB_SIDE`]
//! pixels on its longer side. Pure: no I/O, no clock.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

use crate::error::{Error, Result};
use crate::model::FileType;

const MIB: usize = 1 << 20;
/// The largest photo (JPEG or PNG) taken.
pub const MAX_PHOTO: usize = 10 * MIB;
/// The largest PDF scan taken.
pub const MAX_SCAN: usize = 20 * MIB;
/// The largest file of any kind taken (the file gate reads no more).
pub const MAX_FILE: usize = MAX_SCAN;
/// The longest side of a photo, in pixels (a 100-megapixel camera's is about 12,000).
pub const MAX_SIDE: u32 = 16_384;
/// The most memory decoding one photo may take.
pub const MAX_ALLOC: u64 = 512 * MIB as u64;
/// The longer side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 240;

/// The decoder's limits for an attached photo.
pub fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

fn refuse(message: impl Into<String>) -> Error {
    Error::validation("file", message)
}

fn mb(n: usize) -> String {
    format!("{:.1} MB", n as f64 / MIB as f64)
}

/// The type of `bytes` from their first bytes, or a refusal naming what is accepted.
pub fn detect(bytes: &[u8]) -> Result<FileType> {
    if bytes.is_empty() {
        return Err(refuse("文件是空的，请选择照片（JPEG、PNG）或 PDF 扫描件"));
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(FileType::Pdf);
    }
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(FileType::Jpeg),
        Ok(ImageFormat::Png) => Ok(FileType::Png),
        _ => Err(refuse("文件不是照片（JPEG、PNG）或 PDF 扫描件，未保存；请按文件内容选择，改扩展名无效")),
    }
}

/// The largest file of `ty` taken.
pub fn max_bytes(ty: FileType) -> usize {
    match ty {
        FileType::Jpeg | FileType::Png => MAX_PHOTO,
        FileType::Pdf => MAX_SCAN,
    }
}

/// Judges a file to attach: its type from its bytes, its size for that type, and for a
/// photo that it decodes whole within [`limits`]. Returns the type and, for a photo, its
/// thumbnail (JPEG bytes).
pub fn check(bytes: &[u8]) -> Result<(FileType, Option<Vec<u8>>)> {
    if bytes.len() > MAX_FILE {
        return Err(refuse(format!(
            "文件过大（{}），照片不能超过 {}，PDF 扫描件不能超过 {}，未保存",
            mb(bytes.len()),
            mb(MAX_PHOTO),
            mb(MAX_SCAN)
        )));
    }
    let ty = detect(bytes)?;
    if bytes.len() > max_bytes(ty) {
        return Err(refuse(format!(
            "{}过大（{}），不能超过 {}，未保存；请压缩后再添加",
            ty.label(),
            mb(bytes.len()),
            mb(max_bytes(ty))
        )));
    }
    match ty {
        FileType::Pdf => {
            if !bytes.windows(5).rev().take(1024).any(|w| w == b"%%EOF") {
                return Err(refuse("PDF 扫描件不完整（缺少文件结尾），未保存；请重新扫描或导出"));
            }
            Ok((ty, None))
        }
        FileType::Jpeg | FileType::Png => Ok((ty, Some(thumbnail(bytes, ty)?))),
    }
}

/// A photo's thumbnail: decoded within [`limits`], scaled to at most [`THUMB_SIDE`] pixels
/// on its longer side, as a JPEG.
pub fn thumbnail(bytes: &[u8], ty: FileType) -> Result<Vec<u8>> {
    let format = match ty {
        FileType::Jpeg => ImageFormat::Jpeg,
        FileType::Png => ImageFormat::Png,
        FileType::Pdf => return Err(refuse("PDF 扫描件没有缩略图")),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => refuse(format!("照片尺寸过大（每边不能超过 {MAX_SIDE} 像素），未保存")),
        _ => refuse(format!("{}已损坏，无法打开，未保存", ty.label())),
    })?;
    let thumb = img.thumbnail(THUMB_SIDE, THUMB_SIDE).to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70)
        .encode_image(&thumb)
        .map_err(|e| Error::rule(format!("缩略图生成失败：{e}")))?;
    Ok(out)
}

/// The MIME type of a file type, for a data URL.
pub fn mime(ty: FileType) -> &'static str {
    match ty {
        FileType::Jpeg => "image/jpeg",
        FileType::Png => "image/png",
        FileType::Pdf => "application/pdf",
    }
}

/// Which file types may be attached to what: a hazard's and an incident's are photos, an
/// agreement's is its scan (a PDF, or a photo of the signed pages).
pub fn fits(owner: crate::model::AttachmentOwner, ty: FileType) -> Result<()> {
    use crate::model::AttachmentOwner as O;
    match (owner, ty) {
        (O::Hazard | O::Incident, FileType::Pdf) => {
            Err(refuse(format!("{}只能添加照片（JPEG、PNG），PDF 扫描件请添加到调解协议书", owner.label())))
        }
        _ => Ok(()),
    }
}

/// A small photo made from a seed (deterministic), for demo data and tests: a gradient with
/// a few bands and some grain, encoded as `ty` (JPEG or PNG).
pub fn sample_photo(seed: u64, width: u32, height: u32, ty: FileType) -> Vec<u8> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as u8
    };
    let (r0, g0, b0, band) = (next(), next(), next(), 8 + u32::from(next() % 24));
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let shade = ((x * 255) / width.max(1)) as u8;
        let stripe = if (y / band) % 2 == 0 { 0 } else { 40 };
        // Grain, as a camera's sensor gives: a photo's bytes hardly compress.
        let grain = (((u64::from(x) * 0x9E37_79B1) ^ (u64::from(y) * 0x85EB_CA77) ^ seed).wrapping_mul(0xC2B2_AE3D)
            >> 24) as u8
            % 32;
        image::Rgb([
            r0.wrapping_add(shade / 2).wrapping_add(grain),
            g0.wrapping_add(stripe).wrapping_add(grain / 2),
            b0.wrapping_add((y % 255) as u8 / 3).wrapping_add(grain),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    let format = if ty == FileType::Png { ImageFormat::Png } else { ImageFormat::Jpeg };
    img.write_to(&mut out, format).expect("an image in memory encodes");
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttachmentOwner;

    fn message(e: Error) -> String {
        match e {
            Error::Validation { message, .. } => message,
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn the_type_comes_from_the_bytes_and_each_type_has_its_size() {
        let jpeg = sample_photo(1, 64, 48, FileType::Jpeg);
        let png = sample_photo(2, 64, 48, FileType::Png);
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
        let mut big_pdf = b"%PDF-1.4\n".to_vec();
        big_pdf.resize(MAX_PHOTO + 1, b' ');
        big_pdf.extend(b"%%EOF\n");
        let mut huge_jpeg = jpeg.clone();
        huge_jpeg.resize(MAX_PHOTO + 1, 0);
        let cases: Vec<(&str, Vec<u8>, std::result::Result<FileType, &str>)> = vec![
            ("jpeg", jpeg.clone(), Ok(FileType::Jpeg)),
            ("png", png, Ok(FileType::Png)),
            ("pdf", pdf, Ok(FileType::Pdf)),
            ("pdf over a photo's limit", big_pdf, Ok(FileType::Pdf)),
            ("text named .jpg", "这不是照片".as_bytes().to_vec(), Err("不是照片")),
            ("empty", Vec::new(), Err("空的")),
            ("gif", b"GIF89a\x01\x00\x01\x00".to_vec(), Err("不是照片")),
            ("jpeg over 10 MB", huge_jpeg, Err("不能超过 10.0 MB")),
            ("30 MB", vec![0xFF; 30 * MIB], Err("文件过大（30.0 MB）")),
            ("jpeg cut in its headers", jpeg[..100].to_vec(), Err("已损坏")),
            ("pdf cut short", b"%PDF-1.4\n1 0 obj".to_vec(), Err("不完整")),
        ];
        for (name, bytes, want) in cases {
            match (check(&bytes), want) {
                (Ok((ty, thumb)), Ok(w)) => {
                    assert_eq!(ty, w, "{name}");
                    assert_eq!(thumb.is_some(), ty != FileType::Pdf, "{name}");
                }
                (Err(e), Err(w)) => {
                    let m = message(e);
                    assert!(m.contains(w), "{name}: {m}");
                }
                (got, want) => panic!("{name}: got {:?}, want {want:?}", got.map(|g| g.0)),
            }
        }
    }

    #[test]
    fn a_picture_claiming_more_pixels_than_the_limits_is_refused_before_decoding() {
        // A valid PNG header declaring 100,000 × 100,000 pixels and almost no data.
        let mut png = Vec::new();
        png.extend(b"\x89PNG\r\n\x1a\n");
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(100_000u32.to_be_bytes());
        ihdr.extend(100_000u32.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        png.extend(13u32.to_be_bytes());
        let crc = crc32(&ihdr);
        png.extend(&ihdr);
        png.extend(crc.to_be_bytes());
        let m = message(check(&png).expect_err("a bomb"));
        assert!(m.contains("尺寸过大"), "{m}");
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in data {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn a_thumbnail_is_a_small_jpeg_and_samples_are_the_same_for_a_seed() {
        let photo = sample_photo(7, 800, 600, FileType::Jpeg);
        assert_eq!(photo, sample_photo(7, 800, 600, FileType::Jpeg));
        assert_ne!(photo, sample_photo(8, 800, 600, FileType::Jpeg));
        let thumb = thumbnail(&photo, FileType::Jpeg).expect("thumb");
        let t = image::load_from_memory(&thumb).expect("decodes");
        assert_eq!((t.width(), t.height()), (240, 180));
        assert_eq!(detect(&thumb).expect("type"), FileType::Jpeg);
    }

    #[test]
    fn a_scan_goes_on_an_agreement_only() {
        assert!(fits(AttachmentOwner::Agreement, FileType::Pdf).is_ok());
        assert!(fits(AttachmentOwner::Agreement, FileType::Jpeg).is_ok());
        assert!(fits(AttachmentOwner::Hazard, FileType::Png).is_ok());
        let m = message(fits(AttachmentOwner::Hazard, FileType::Pdf).expect_err("pdf on a hazard"));
        assert!(m.contains("只能添加照片"), "{m}");
        assert!(fits(AttachmentOwner::Incident, FileType::Pdf).is_err());
    }
}
