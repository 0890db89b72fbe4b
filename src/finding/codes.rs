//! The registry of rule codes: the stable list, with kebab names, default
//! severities and summaries. A contract with users: codes are added, never
//! renumbered or reused. `Code::ALL` is snapshotted by a test.

use serde::Serialize;
use std::fmt;

use super::Severity;

macro_rules! codes {
    ($( $code:ident $name:literal $sev:ident $summary:literal ;)*) => {
        /// A stable rule code (`REQ006`), with its kebab name and default severity.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code { $( #[doc = $summary] $code, )* }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[ $( Code::$code, )* ];

            /// The code as written, e.g. `REQ006`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$code => stringify!($code), )* }
            }

            /// The kebab-case name, e.g. `duration-out-of-range`.
            pub fn name(self) -> &'static str {
                match self { $( Code::$code => $name, )* }
            }

            /// The severity the product promises when nothing overrides it.
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$code => Severity::$sev, )* }
            }

            /// One line: when the rule fires.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$code => $summary, )* }
            }
        }
    };
}

codes! {
    REQ001 "invalid-json" Error "the body is not JSON, or not a JSON object";
    REQ002 "unknown-model" Error "`model` is missing or not a model of the dialect";
    REQ003 "missing-field" Error "a required field is absent";
    REQ004 "unknown-field" Warning "a field the dialect does not define";
    REQ005 "wrong-type" Error "a field has the wrong JSON type";
    REQ006 "duration-out-of-range" Error "`duration` is not an integer in the model's range or set";
    REQ007 "unsupported-quality" Error "`quality` / `resolution` is not offered by the model";
    REQ008 "unsupported-aspect-ratio" Error "`aspect_ratio` / `aspectRatio` is not offered by the model";
    REQ009 "empty-prompt" Error "the prompt is empty or only whitespace";
    REQ010 "prompt-too-long" Warning "the prompt exceeds the recommended length, or (error) the token cap";
    REQ011 "invalid-callback-url" Error "the callback URL is not HTTPS, too long, unparsable, or private";
    REQ012 "media-not-accepted" Error "media sent to a model that takes none of that kind";
    REQ013 "media-count" Error "too many or too few items in a media array for the model";
    REQ014 "audio-without-visual" Error "reference audio with no reference image and no reference video";
    REQ015 "prompt-reference-out-of-range" Error "the prompt names a media item beyond what the arrays hold";
    REQ016 "tag-syntax" Warning "the prompt uses `@Image1`-style tags the model does not understand";
    REQ017 "mixed-modes" Warning "first/last-frame wording combined with reference media, or other mode mixing";
    REQ018 "body-too-large" Error "the JSON body plus every referenced asset exceeds the body limit";
    REQ019 "inline-data" Error "a media entry is a `data:` URI, raw Base64, or a `blob:` URL";
    REQ020 "duplicate-asset" Warning "the same URL or file appears twice in one media array";
    REQ021 "duplicate-key" Warning "a JSON object names the same member twice";
    REQ090 "predicted-output" Info "the output size the service will render, and the billable seconds";
    SRC001 "unsupported-scheme" Error "a media URL is not https:// or http:// (or an allowed local path)";
    SRC002 "private-address" Error "the host is or resolves to an address the service cannot reach";
    SRC003 "unreachable" Error "DNS failure, refused connection, TLS failure or timeout";
    SRC004 "http-status" Error "the final HTTP answer is not 2xx";
    SRC005 "login-redirect" Error "redirects end on an HTML page, or there are too many";
    SRC006 "content-type-mismatch" Warning "the server's Content-Type contradicts the bytes";
    SRC007 "credentials-in-url" Warning "credentials or a signed-token parameter in a URL";
    SRC008 "file-not-found" Error "a local path cannot be opened";
    SRC009 "size-unknown" Warning "the size could not be learned without downloading everything";
    IMG001 "unsupported-image-format" Error "the bytes are not an accepted image format";
    IMG002 "unreadable-image" Error "truncated or corrupt image header, or an empty file";
    IMG003 "image-side-out-of-range" Error "a displayed side is outside the accepted pixel range";
    IMG004 "image-aspect-ratio" Error "displayed width ÷ height is outside the accepted range";
    IMG005 "image-too-large" Error "the image file is larger than accepted";
    IMG006 "extension-mismatch" Warning "the file name says one format and the bytes another";
    IMG007 "exif-rotation" Warning "EXIF orientation swaps width and height";
    IMG008 "animated-image" Warning "an animated image: only one frame will be used";
    IMG009 "first-last-mismatch" Warning "first and last frame differ in ratio or size";
    VID001 "unsupported-video-format" Error "the bytes are not an accepted video container";
    VID002 "unreadable-video" Error "truncated, corrupt, or no video track";
    VID003 "clip-duration" Error "one clip is shorter or longer than accepted";
    VID004 "total-video-duration" Error "all clips together are longer than accepted";
    VID005 "video-resolution" Error "pixels per frame, a side, or the ratio is outside the accepted range";
    VID006 "frame-rate" Error "the average frame rate is outside the accepted range";
    VID007 "video-too-large" Error "a video file, or all videos together, larger than accepted";
    VID008 "video-codec" Info "the codec, and whether the provider is known to decode it";
    VID009 "encrypted-video" Error "the video is encrypted (CENC/CBCS `encv`/`enca`): the service cannot decode it";
    VID010 "variable-frame-rate" Warning "the average frame rate passes but a stretch of the clip runs below the minimum";
    AUD001 "unsupported-audio-format" Error "the bytes are not an accepted audio format";
    AUD002 "unreadable-audio" Error "truncated or corrupt audio";
    AUD003 "audio-clip-duration" Error "one audio clip is shorter or longer than accepted";
    AUD004 "total-audio-duration" Error "all audio clips together are longer than accepted";
    AUD005 "audio-too-large" Error "an audio file, or all audio together, larger than accepted";
    AUD006 "estimated-duration" Info "an MP3 length was estimated rather than counted";
    REQ022 "legacy-prompt-parameters" Warning "the prompt carries 1.x-style parameter flags (`--ratio 16:9`) that Seedance 2.0 does not read";
    REQ023 "invalid-role" Error "a media item's role is not one its type can carry, several images lack roles, or a role lacks the role it needs";
    SRC010 "unverifiable-asset" Info "the entry names an asset in the provider's own library (`asset://`): it cannot be checked here";
}

impl Code {
    /// The family prefix: `REQ`, `SRC`, `IMG`, `VID` or `AUD`.
    pub fn family(self) -> &'static str {
        &self.as_str()[..3]
    }

    /// Looks a code up by its text (`REQ006`) or kebab name, case-insensitively.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text) || c.name() == text)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list of codes is a contract: this snapshot changes only by appending.
    #[test]
    fn code_list_snapshot() {
        let list: Vec<String> = Code::ALL
            .iter()
            .map(|c| format!("{} {} {}", c, c.name(), c.default_severity()))
            .collect();
        let expected = include_str!("../../tests/snapshots/codes.txt");
        assert_eq!(
            list.join("\n"),
            expected.trim_end(),
            "rule codes changed: append only"
        );
    }

    #[test]
    fn names_are_unique_kebab() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())));
        assert_eq!(Code::parse("req006"), Some(Code::REQ006));
        assert_eq!(Code::parse("tag-syntax"), Some(Code::REQ016));
    }
}
