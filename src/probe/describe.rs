//! Probe facts in words, for people (`probe`, and `check -v`).

use super::MediaFacts;

impl MediaFacts {
    /// The VID008 fact of a file with a picture track: its codec id, usual
    /// name, and whether the provider is known to decode it (`None` for
    /// images, audio, and a video container holding sound only).
    pub fn video_codec(&self) -> Option<(&str, &'static str, bool)> {
        if self.kind != super::Kind::Video || self.has_video == Some(false) {
            return None;
        }
        let id = self.codec.as_deref()?;
        let (name, decoded) = super::describe_codec(id);
        Some((id, name, decoded))
    }

    /// The facts as short phrases: `mp4`, `640×480`, `3.003 s`,
    /// `23.976 fps`, `avc1`, `48000 Hz, 2 ch`, `24054 bytes`.
    pub fn describe_parts(&self) -> Vec<String> {
        let f = self;
        let mut parts = vec![f.format.name().to_string()];
        if let (Some(w), Some(h)) = (f.display_width, f.display_height) {
            let stored = if f.width != Some(w) {
                format!(
                    " (stored {}×{})",
                    f.width.unwrap_or(0),
                    f.height.unwrap_or(0)
                )
            } else {
                String::new()
            };
            parts.push(format!("{w}×{h}{stored}"));
        }
        if let Some(d) = f.duration_s {
            parts.push(format!(
                "{d:.3} s{}",
                if f.duration_estimated {
                    " (estimated)"
                } else {
                    ""
                }
            ));
        }
        if let Some(fps) = f.fps {
            parts.push(format!("{fps:.3} fps"));
        }
        if let Some(c) = &f.codec {
            parts.push(c.clone());
        }
        if let (Some(r), Some(c)) = (f.sample_rate, f.channels) {
            parts.push(format!("{r} Hz, {c} ch"));
        }
        if f.animated == Some(true) {
            parts.push("animated".into());
        }
        if let Some(s) = f.size_bytes {
            parts.push(format!("{s} bytes"));
        }
        if let Some(d) = &f.deep {
            parts.push(format!(
                "deep ({}): {}{}",
                d.by,
                if d.ok { "" } else { "FAILED: " },
                d.detail
            ));
        }
        parts
    }
}
