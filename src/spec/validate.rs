//! Consistency checks of the limits table, run when it loads (and on every
//! user override): ranges ordered, defaults allowed, formats known to the
//! format table, output sizes present.

use super::{DialectSpec, FieldType, ModelSpec};

impl DialectSpec {
    pub(super) fn validate(&self) -> Result<(), String> {
        let ordered = |what: &str, lo: f64, hi: f64| {
            if lo.is_finite() && hi.is_finite() && lo <= hi && lo >= 0.0 {
                Ok(())
            } else {
                Err(format!(
                    "{what}: minimum {lo} is above maximum {hi} or not a positive number"
                ))
            }
        };
        ordered(
            "image sides",
            self.image.min_side.into(),
            self.image.max_side.into(),
        )?;
        ordered("image ratio", self.image.min_ratio, self.image.max_ratio)?;
        ordered(
            "video sides",
            self.video.min_side.into(),
            self.video.max_side.into(),
        )?;
        ordered("video ratio", self.video.min_ratio, self.video.max_ratio)?;
        ordered(
            "video pixels",
            self.video.min_pixels as f64,
            self.video.max_pixels as f64,
        )?;
        ordered("video fps", self.video.min_fps, self.video.max_fps)?;
        ordered(
            "video duration",
            self.video.min_duration_s,
            self.video.max_duration_s,
        )?;
        ordered(
            "audio duration",
            self.audio.min_duration_s,
            self.audio.max_duration_s,
        )?;
        for (what, formats, kind) in [
            ("image", &self.image.formats, crate::probe::Kind::Image),
            ("video", &self.video.formats, crate::probe::Kind::Video),
            ("audio", &self.audio.formats, crate::probe::Kind::Audio),
        ] {
            for id in formats {
                match crate::probe::Format::from_id(id) {
                    Some(f) if f.kind() == kind => {}
                    Some(_) => return Err(format!("{what} formats: `{id}` is not {what}")),
                    None => {
                        let known: Vec<&str> = crate::probe::FORMATS
                            .iter()
                            .filter(|i| i.kind == kind)
                            .map(|i| i.id)
                            .collect();
                        return Err(format!(
                            "{what} formats: `{id}` is not a format this tool knows ({})",
                            known.join(", ")
                        ));
                    }
                }
            }
        }
        for field in self.media_fields.keys() {
            if self.fields.get(field) != Some(&FieldType::StringArray) {
                return Err(format!("media field `{field}` is not a string-array field"));
            }
        }
        for f in [
            &self.callback_field,
            &self.quality_field,
            &self.aspect_ratio_field,
        ] {
            if self.fields.get(f) != Some(&FieldType::String) {
                return Err(format!("`{f}` is not a string field of the dialect"));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for m in &self.models {
            if !seen.insert(&m.id) {
                return Err(format!("model `{}` is listed twice", m.id));
            }
            m.validate(self)
                .map_err(|e| format!("model `{}`: {e}", m.id))?;
        }
        Ok(())
    }
}

impl ModelSpec {
    pub(super) fn validate(&self, d: &DialectSpec) -> Result<(), String> {
        let dur = &self.duration;
        match (&dur.set, dur.min, dur.max) {
            (Some(set), None, None) if !set.is_empty() => {}
            (None, Some(lo), Some(hi)) if 0 < lo && lo <= hi => {}
            _ => return Err("duration needs either `set` or `min` ≤ `max`".into()),
        }
        if let Some(def) = dur.default {
            if !dur.accepts(def) {
                return Err(format!("default duration {def} is not accepted"));
            }
        }
        for (what, c) in [
            ("quality", &self.qualities),
            ("aspect ratio", &self.aspect_ratios),
        ] {
            if let Some(def) = &c.default {
                if !c.allowed.contains(def) {
                    return Err(format!("default {what} `{def}` is not allowed"));
                }
            }
        }
        for (field, range) in &self.media {
            if !d.media_fields.contains_key(field) {
                return Err(format!("`{field}` is not a media field of the dialect"));
            }
            if range.min > range.max {
                return Err(format!(
                    "`{field}` count min {} > max {}",
                    range.min, range.max
                ));
            }
        }
        for q in &self.qualities.allowed {
            if let Some(sizes) = d.output_sizes.get(q) {
                for r in self
                    .aspect_ratios
                    .allowed
                    .iter()
                    .filter(|r| *r != "adaptive")
                {
                    if !sizes.contains_key(r) {
                        return Err(format!("no output size for {q} × {r}"));
                    }
                }
            }
        }
        Ok(())
    }
}
