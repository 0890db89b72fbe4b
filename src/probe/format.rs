//! The format table: every format the tool names, once — its id (as in
//! the dialect files), display name, how messages describe it, its kind, file
//! extensions, MIME types, and which probe measures it. Sniffing by content
//! (the magic tests, in `sniff.rs`) yields a [`Format`]; extension checks,
//! Content-Type checks, the mixed-array kind guess and the limits' `formats`
//! lists all read this table, and the limits table is validated against it
//! when it loads.

use serde::Serialize;

/// What kind of media a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A still or animated image.
    Image,
    /// A video container.
    Video,
    /// An audio file.
    Audio,
    /// Neither: text, HTML, empty, or unknown bytes.
    Unknown,
}

/// A format, identified from the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
    Bmp,
    Tiff,
    Heic,
    Avif,
    Svg,
    Mp4,
    /// A media segment of a fragmented MP4 (`styp`/`moof`/`sidx` first).
    Mp4Fragment,
    Mov,
    M4v,
    Webm,
    Matroska,
    Avi,
    Wav,
    Mp3,
    Mp2,
    Aac,
    M4a,
    Ogg,
    Flac,
    Html,
    Text,
    Empty,
    Unknown,
}

/// Which header probe measures a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Prober {
    /// JPEG, PNG, GIF, WebP, BMP headers (`image.rs`).
    Image,
    /// The ISO-BMFF box walker (`mp4.rs`): MP4, MOV, M4V, M4A.
    IsoBmff,
    /// RIFF/WAVE (`audio.rs`).
    Wav,
    /// MPEG audio frames (`audio.rs`): MP3, MP2.
    MpegAudio,
    /// TIFF's first IFD (`stills.rs`).
    Tiff,
    /// HEIF/AVIF `ispe` and `irot` (`stills.rs`).
    Heif,
    /// EBML: Info and Tracks (`matroska.rs`).
    Matroska,
    /// RIFF AVI headers (`matroska.rs`).
    Avi,
    /// FLAC STREAMINFO (`xiph.rs`).
    Flac,
    /// Ogg identification header and last granule (`xiph.rs`).
    Ogg,
    /// AAC ADTS frame headers (`adts.rs`).
    Adts,
    /// Named, not measured.
    None,
}

/// One row of the format table.
#[derive(Debug, Clone, Copy)]
pub struct FormatInfo {
    /// The format.
    pub format: Format,
    /// The lower-case id, as in the dialect files (`jpeg`, `mov`).
    pub id: &'static str,
    /// The display name (`JPEG`, `WebP`).
    pub display: &'static str,
    /// How messages name a file of it ("a JPEG image").
    pub describe: &'static str,
    /// The kind of media it holds.
    pub kind: Kind,
    /// File extensions, lower case, without the dot.
    pub extensions: &'static [&'static str],
    /// MIME types a server may send for it.
    pub mime: &'static [&'static str],
    /// The probe that measures it.
    pub prober: Prober,
}

macro_rules! table {
    ($( $f:ident $id:literal $display:literal $describe:literal $kind:ident [$($ext:literal),*] [$($mime:literal),*] $prober:ident ;)*) => {
        /// Every format, once.
        pub const FORMATS: &[FormatInfo] = &[ $( FormatInfo {
            format: Format::$f,
            id: $id,
            display: $display,
            describe: $describe,
            kind: Kind::$kind,
            extensions: &[$($ext),*],
            mime: &[$($mime),*],
            prober: Prober::$prober,
        }, )* ];
    };
}

table! {
    Jpeg "jpeg" "JPEG" "a JPEG image" Image ["jpg", "jpeg", "jpe", "jfif"] ["image/jpeg", "image/jpg", "image/pjpeg"] Image;
    Png "png" "PNG" "a PNG image" Image ["png", "apng"] ["image/png", "image/apng"] Image;
    Webp "webp" "WebP" "a WebP image" Image ["webp"] ["image/webp"] Image;
    Gif "gif" "GIF" "a GIF image" Image ["gif"] ["image/gif"] Image;
    Bmp "bmp" "BMP" "a BMP image" Image ["bmp", "dib"] ["image/bmp", "image/x-ms-bmp"] Image;
    Tiff "tiff" "TIFF" "a TIFF image" Image ["tif", "tiff"] ["image/tiff"] Tiff;
    Heic "heic" "HEIC" "an HEIC/HEIF image" Image ["heic", "heif"] ["image/heic", "image/heif"] Heif;
    Avif "avif" "AVIF" "an AVIF image" Image ["avif"] ["image/avif"] Heif;
    Svg "svg" "SVG" "an SVG vector image" Image ["svg"] ["image/svg+xml"] None;
    Mp4 "mp4" "MP4" "an MP4 video" Video ["mp4"] ["video/mp4"] IsoBmff;
    Mp4Fragment "mp4fragment" "MP4 fragment" "an MP4 fragment (a media segment of a fragmented stream), not a whole file" Video ["m4s"] ["video/iso.segment"] None;
    Mov "mov" "MOV" "a QuickTime MOV video" Video ["mov", "qt"] ["video/quicktime"] IsoBmff;
    M4v "m4v" "M4V" "an M4V video" Video ["m4v"] ["video/x-m4v"] IsoBmff;
    Webm "webm" "WebM" "a WebM video" Video ["webm"] ["video/webm"] Matroska;
    Matroska "matroska" "MKV" "a Matroska (MKV) video" Video ["mkv"] ["video/x-matroska"] Matroska;
    Avi "avi" "AVI" "an AVI video" Video ["avi"] ["video/x-msvideo", "video/avi"] Avi;
    Wav "wav" "WAV" "a WAV audio file" Audio ["wav", "wave"] ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"] Wav;
    Mp3 "mp3" "MP3" "an MP3 audio file" Audio ["mp3"] ["audio/mpeg", "audio/mp3"] MpegAudio;
    Mp2 "mp2" "MP2" "an MPEG layer II (MP2) audio file" Audio ["mp2"] [] MpegAudio;
    Aac "aac" "AAC" "an AAC (ADTS) audio file" Audio ["aac"] ["audio/aac"] Adts;
    M4a "m4a" "M4A" "an AAC/M4A audio file" Audio ["m4a"] ["audio/mp4", "audio/x-m4a"] IsoBmff;
    Ogg "ogg" "Ogg" "an Ogg audio file" Audio ["ogg", "oga", "opus"] ["audio/ogg"] Ogg;
    Flac "flac" "FLAC" "a FLAC audio file" Audio ["flac"] ["audio/flac", "audio/x-flac"] Flac;
    Html "html" "HTML" "an HTML page" Unknown ["html", "htm"] ["text/html"] None;
    Text "text" "text" "a text file" Unknown ["txt"] ["text/plain"] None;
    Empty "empty" "empty" "an empty file" Unknown [] [] None;
    Unknown "unknown" "unknown" "unrecognised binary data" Unknown [] [] None;
}

impl Format {
    /// This format's row of the table.
    pub fn info(self) -> &'static FormatInfo {
        FORMATS
            .iter()
            .find(|i| i.format == self)
            .unwrap_or(&FORMATS[FORMATS.len() - 1])
    }

    /// The lower-case name (`jpeg`, `mov`, …), as in the dialect files.
    pub fn name(self) -> &'static str {
        self.info().id
    }

    /// How the format is named in messages ("an HEIC image", "a WebM video").
    pub fn describe(self) -> &'static str {
        self.info().describe
    }

    /// The kind of media the format holds.
    pub fn kind(self) -> Kind {
        self.info().kind
    }

    /// The format a file extension names, if any (a URL's query and
    /// fragment are ignored).
    pub fn from_extension(path: &str) -> Option<Format> {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        FORMATS
            .iter()
            .find(|i| i.extensions.contains(&ext.as_str()))
            .map(|i| i.format)
    }

    /// The format a MIME type (lower case, without parameters) names.
    pub fn from_mime(mime: &str) -> Option<Format> {
        FORMATS
            .iter()
            .find(|i| i.mime.contains(&mime))
            .map(|i| i.format)
    }

    /// The format with this id (`jpeg`), as the limits table writes it.
    pub fn from_id(id: &str) -> Option<Format> {
        FORMATS.iter().find(|i| i.id == id).map(|i| i.format)
    }
}

/// A codec's usual name (`avc1` → `H.264`), and whether the provider is
/// known to decode it (H.264 and HEVC; AV1, VP9, ProRes and others are not
/// documented). The fact behind VID008.
pub fn describe_codec(id: &str) -> (&'static str, bool) {
    match id {
        "avc1" | "avc3" | "h264" => ("H.264", true),
        "hvc1" | "hev1" | "hevc" => ("HEVC", true),
        "av01" | "av1" => ("AV1", false),
        "vp09" | "vp9" => ("VP9", false),
        "vp08" | "vp8" => ("VP8", false),
        c if c.starts_with("ap") => ("ProRes", false),
        _ => ("an uncommon codec", false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_one_row_and_ids_extensions_and_mimes_are_unique() {
        let mut ids = std::collections::HashSet::new();
        let mut exts = std::collections::HashSet::new();
        let mut mimes = std::collections::HashSet::new();
        for i in FORMATS {
            assert_eq!(i.format.info().id, i.id);
            assert!(ids.insert(i.id), "id {} twice", i.id);
            for e in i.extensions {
                assert!(exts.insert(*e), "extension {e} twice");
            }
            for m in i.mime {
                assert!(mimes.insert(*m), "MIME type {m} twice");
            }
        }
        assert_eq!(Format::from_extension("a/b.JFIF?x=1"), Some(Format::Jpeg));
        assert_eq!(Format::from_extension("clip.qt"), Some(Format::Mov));
        assert_eq!(Format::from_mime("video/quicktime"), Some(Format::Mov));
        assert_eq!(Format::from_id("matroska"), Some(Format::Matroska));
    }
}
