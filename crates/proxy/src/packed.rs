//! A body compressed once at the highest settings (brotli 11 with a 4 MiB window, gzip at
//! its best), for what is sent again and again: a menu per version, a drawn table page.
//! Compressing on the fly would use a lower level on every request.

use axum::body::Bytes;
use std::io::Write;

#[derive(Debug, Clone)]
pub struct Packed {
    pub plain: Bytes,
    pub brotli: Bytes,
    pub gzip: Bytes,
}

impl Packed {
    pub fn of(plain: Bytes) -> Packed {
        let mut brotli = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
            // Writing into memory cannot fail.
            let _ = writer.write_all(&plain);
        }
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = gzip.write_all(&plain);
        Packed {
            gzip: gzip.finish().unwrap_or_default().into(),
            brotli: brotli.into(),
            plain,
        }
    }

    /// The form a client with this `Accept-Encoding` takes, and its content coding.
    pub fn for_client(&self, accept_encoding: &str) -> (Option<&'static str>, Bytes) {
        if crate::routes::accepts(accept_encoding, "br") {
            (Some("br"), self.brotli.clone())
        } else if crate::routes::accepts(accept_encoding, "gzip") {
            (Some("gzip"), self.gzip.clone())
        } else {
            (None, self.plain.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_holds_the_same_body() {
        use std::io::Read;
        let plain = Bytes::from("<html>".repeat(500));
        let packed = Packed::of(plain.clone());
        assert!(packed.brotli.len() < 100 && packed.gzip.len() < 100);
        let mut unbrotli = Vec::new();
        brotli::Decompressor::new(&packed.brotli[..], 4096)
            .read_to_end(&mut unbrotli)
            .unwrap();
        let mut ungzip = Vec::new();
        flate2::read::GzDecoder::new(&packed.gzip[..])
            .read_to_end(&mut ungzip)
            .unwrap();
        assert_eq!((unbrotli, ungzip), (plain.to_vec(), plain.to_vec()));
        assert_eq!(packed.for_client("gzip, deflate, br").0, Some("br"));
        assert_eq!(packed.for_client("gzip").0, Some("gzip"));
        assert_eq!(packed.for_client("br;q=0, gzip").0, Some("gzip"));
        assert_eq!(packed.for_client("").0, None);
    }
}
