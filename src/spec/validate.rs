//! Consistency checks of the limits table, run when it loads (and on every
//! user override): ranges ordered, defaults allowed, formats known to the
//! format table, output sizes present.

use super::{DialectSpec, FieldType, ItemsSpec, MediaKind, Mode, ModelSpec};

impl DialectSpec {
    pub(super) fn validate(&self) -> Result<(), String> {
        self.validate_media_limits()?;
        self.validate_fields()?;
        if let Some(items) = &self.items {
            items.validate(self).map_err(|e| format!("items: {e}"))?;
        }
        if self.media_fields.is_empty() && self.items.is_none() {
            return Err("the dialect declares neither `media_fields` nor `items`".into());
        }
        for f in &self.text_only_fields {
            if !self.fields.contains_key(f) {
                return Err(format!(
                    "text_only_fields: `{f}` is not a field of the dialect"
                ));
            }
        }
        for (alias, to) in &self.aliases {
            if !self.fields.contains_key(to) {
                return Err(format!(
                    "alias `{alias}` → `{to}`: `{to}` is not a field of the dialect"
                ));
            }
        }
        for (name, note) in &self.notes {
            if self.fields.contains_key(name) {
                return Err(format!("notes: `{name}` is also a field of the dialect"));
            }
            if let Some(to) = &note.instead {
                if !self.fields.contains_key(to) {
                    return Err(format!(
                        "notes: `{name}` instead `{to}`: not a field of the dialect"
                    ));
                }
            }
        }
        for key in self.severity.keys() {
            let code = key.split('/').next().unwrap_or_default();
            if crate::Code::parse(code).is_none() {
                return Err(format!("severity: `{key}` does not start with a rule code"));
            }
        }
        for kind in &self.inline_data {
            if *kind == MediaKind::Any {
                return Err("inline_data: name image, video or audio".into());
            }
        }
        if let Some(m) = &self.endpoint_model {
            if self.model(m).is_none() {
                return Err(format!(
                    "endpoint_model `{m}` is not a model of the dialect"
                ));
            }
        }
        for p in &self.model_patterns {
            if p.prefix.is_empty() || self.model(&p.like).is_none() {
                return Err(format!("model pattern `{}`: `{}` is not a model of the dialect (or the prefix is empty)", p.prefix, p.like));
            }
        }
        for q in self.video.max_pixels_by_quality.keys() {
            if !self.models.iter().any(|m| m.qualities.allowed.contains(q)) {
                return Err(format!(
                    "video max_pixels_by_quality: no model offers `{q}`"
                ));
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

    /// The fields rules read: media fields hold URLs, the choice fields are
    /// strings, the prompt's path starts at a field.
    fn validate_fields(&self) -> Result<(), String> {
        for field in self.media_fields.keys() {
            if !matches!(
                self.fields.get(field),
                Some(FieldType::StringArray | FieldType::String)
            ) {
                return Err(format!(
                    "media field `{field}` is neither a string-array field (a list of URLs) nor a string field (one URL)"
                ));
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
        crate::json::path::check(&self.prompt_field).map_err(|e| format!("prompt_field: {e}"))?;
        let head = self
            .prompt_field
            .split(['.', '['])
            .next()
            .unwrap_or_default();
        if !self.fields.contains_key(head) {
            return Err(format!(
                "prompt_field `{}` starts at `{head}`, which is not a field of the dialect",
                self.prompt_field
            ));
        }
        Ok(())
    }

    /// The media limits: ranges ordered, formats known and of their kind.
    fn validate_media_limits(&self) -> Result<(), String> {
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
        for id in &self.image.formats_warn {
            if crate::probe::Format::from_id(id).map(|f| f.kind())
                != Some(crate::probe::Kind::Image)
            {
                return Err(format!(
                    "image formats_warn: `{id}` is not an image format this tool knows"
                ));
            }
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
            if !d.media_fields.contains_key(field) && !d.roles().any(|r| r == field) {
                return Err(format!(
                    "`{field}` is not a media field or item role of the dialect"
                ));
            }
            if range.min > range.max {
                return Err(format!(
                    "`{field}` count min {} > max {}",
                    range.min, range.max
                ));
            }
        }
        match self.mode {
            Mode::ByRole if d.items.is_none() => {
                return Err("mode `by-role` needs the dialect's `items`".into())
            }
            Mode::Mixed if !d.has_mixed_array() => {
                return Err("mode `mixed` needs a media field of kind `any`".into())
            }
            _ => {}
        }
        if let Some(def) = &self.aspect_ratios.default_with_first_frame {
            if !self.aspect_ratios.allowed.contains(def) {
                return Err(format!("default_with_first_frame `{def}` is not allowed"));
            }
        }
        for q in &self.qualities.allowed {
            if let Some(sizes) = d.output_sizes.get(q) {
                for r in self
                    .aspect_ratios
                    .allowed
                    .iter()
                    .filter(|r| *r != "adaptive" && *r != "auto")
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

impl ItemsSpec {
    fn validate(&self, d: &DialectSpec) -> Result<(), String> {
        if d.fields.get(&self.array) != Some(&FieldType::ObjectArray) {
            return Err(format!("`{}` is not an object-array field", self.array));
        }
        if self.types.is_empty() {
            return Err("no item type is declared".into());
        }
        let mut roles = std::collections::BTreeSet::new();
        for (name, t) in &self.types {
            if Some(name) == self.text_type.as_ref() {
                return Err(format!("`{name}` is both the text type and a media type"));
            }
            if t.kind == MediaKind::Any {
                return Err(format!("type `{name}`: name image, video or audio"));
            }
            crate::json::path::check(&t.url).map_err(|e| format!("type `{name}` url: {e}"))?;
            if !t.roles.contains(&t.default_role) {
                return Err(format!(
                    "type `{name}`: default role `{}` is not one of its roles",
                    t.default_role
                ));
            }
            for r in &t.roles {
                if !roles.insert(r.as_str()) {
                    return Err(format!("role `{r}` belongs to two item types"));
                }
            }
        }
        let mut moded = std::collections::BTreeSet::new();
        for m in &self.modes {
            for r in &m.roles {
                if !roles.contains(r.as_str()) {
                    return Err(format!("mode `{}`: `{r}` is no item type's role", m.name));
                }
                if !moded.insert(r.as_str()) {
                    return Err(format!("role `{r}` is in two modes"));
                }
            }
        }
        for (r, needs) in &self.requires {
            if !roles.contains(r.as_str()) || !roles.contains(needs.as_str()) {
                return Err(format!(
                    "requires: `{r}` → `{needs}` names a role no item type has"
                ));
            }
        }
        if let (Some(w), Some(m)) = (self.references_warn, self.references_max) {
            if w > m {
                return Err(format!("references_warn {w} is above references_max {m}"));
            }
        }
        Ok(())
    }
}
