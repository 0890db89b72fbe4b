//! `dialects`: the loaded dialects, or one described — what a user writing
//! requests (or a dialect file of their own) needs to see.

use std::fmt::Write as _;
use std::path::PathBuf;

use seedance_preflight::spec::{DialectSpec, ModelSpec};
use seedance_preflight::Spec;

use super::args::ListFormat;
use super::{print_out, usage_error};

pub(super) fn dialects(id: Option<String>, files: Vec<PathBuf>, format: ListFormat) -> i32 {
    let mut spec = Spec::builtin().clone();
    // The shipped reseller dialects are listed too (loaded by `--dialect ID`).
    for (sid, _, _) in seedance_preflight::spec::SHIPPED {
        spec = match spec.with_shipped(sid) {
            Ok(s) => s,
            Err(e) => return usage_error(&format!("shipped dialect: {e}")),
        };
    }
    for f in &files {
        spec = match spec.with_dialect_file(f) {
            Ok(s) => s,
            Err(e) => return usage_error(&format!("dialect file: {e}")),
        };
    }
    let chosen: Vec<&DialectSpec> = match &id {
        None => spec.dialects().iter().collect(),
        Some(id) => match spec.dialects().iter().find(|d| &d.id == id) {
            Some(d) => vec![d],
            None => {
                let ids: Vec<&str> = spec.dialects().iter().map(|d| d.id.as_str()).collect();
                return usage_error(&format!(
                    "unknown dialect `{id}` (loaded: {}; add one with --dialect-file)",
                    ids.join(", ")
                ));
            }
        },
    };
    let text = match format {
        ListFormat::Json => {
            let v = if id.is_some() {
                serde_json::to_value(chosen[0])
            } else {
                serde_json::to_value(&chosen)
            };
            match v.and_then(|v| serde_json::to_string_pretty(&v)) {
                Ok(s) => s + "\n",
                Err(e) => return usage_error(&format!("cannot write JSON: {e}")),
            }
        }
        ListFormat::Human if id.is_none() => chosen
            .iter()
            .map(|d| {
                let shipped = seedance_preflight::spec::SHIPPED
                    .iter()
                    .any(|(i, _, _)| *i == d.id);
                format!(
                    "{:<10} {:<46} {} ({} models{})\n",
                    d.id,
                    d.name,
                    d.endpoint,
                    d.models.len(),
                    if shipped {
                        "; shipped, loaded by --dialect"
                    } else {
                        ""
                    }
                )
            })
            .collect(),
        ListFormat::Human => describe(chosen[0]),
    };
    print_out(&text)
}

fn describe(d: &DialectSpec) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} — {}\n  {}\n", d.id, d.name, d.endpoint);
    let _ = writeln!(
        s,
        "prompt: `{}`{}",
        d.prompt_field,
        if d.prompt_optional_with_media {
            " (optional when media are given)"
        } else {
            ""
        }
    );
    for (field, kind) in &d.media_fields {
        let _ = writeln!(s, "media: `{field}` holds {} URLs", kind.as_str());
    }
    if let Some(items) = &d.items {
        let _ = writeln!(
            s,
            "media: typed items of `{}` (type in `{}`, role in `{}`)",
            items.array, items.type_key, items.role_key
        );
        for (name, t) in &items.types {
            let _ = writeln!(
                s,
                "  {name:<10} {} at `{}`; roles {} (default {}{})",
                t.kind.as_str(),
                t.url,
                t.roles.join(", "),
                t.default_role,
                if t.role_required_when_several {
                    "; required when several"
                } else {
                    ""
                }
            );
        }
        for m in &items.modes {
            let _ = writeln!(s, "  mode {:?}: {}", m.name, m.roles.join(", "));
        }
        for (role, needs) in &items.requires {
            let _ = writeln!(s, "  `{role}` needs `{needs}`");
        }
    }
    let _ = writeln!(s, "\nfields:");
    for (name, ty) in &d.fields {
        let _ = writeln!(s, "  {name:<26} {}", ty.describe());
    }
    for (name, note) in &d.notes {
        let _ = writeln!(s, "  {name:<26} {}: {}", note.kind.case(), note.says);
    }
    let _ = writeln!(s, "\nmodels:");
    for m in &d.models {
        let _ = writeln!(s, "  {}", model_line(m));
    }
    for p in &d.model_patterns {
        let _ = writeln!(s, "  {}…  checked as {}", p.prefix, p.like);
    }
    let _ = writeln!(
        s,
        "\nmedia limits ({}; media limits are {}s):\n  image {} {}–{} px, ratio {}–{}, ≤ {} bytes\n  video {} {}–{} s (≤ {} s in all), {}–{} px per frame, {}–{} fps, ≤ {} bytes\n  audio {} {}–{} s (≤ {} s in all), ≤ {} bytes\n  body ≤ {} bytes",
        d.media_limits.as_deref().unwrap_or("own"),
        d.media_limits_severity.as_str(),
        d.image.formats.join("/"),
        d.image.min_side,
        d.image.max_side,
        d.image.min_ratio,
        d.image.max_ratio,
        d.image.max_bytes,
        d.video.formats.join("/"),
        d.video.min_duration_s,
        d.video.max_duration_s,
        d.video.max_total_duration_s,
        d.video.min_pixels,
        d.video.max_pixels,
        d.video.min_fps,
        d.video.max_fps,
        d.video.max_bytes,
        d.audio.formats.join("/"),
        d.audio.min_duration_s,
        d.audio.max_duration_s,
        d.audio.max_total_duration_s,
        d.audio.max_bytes,
        d.body_max_bytes
    );
    for (q, px) in &d.video.max_pixels_by_quality {
        let _ = writeln!(
            s,
            "  video up to {px} px per frame when the request asks for {q}"
        );
    }
    s
}

fn model_line(m: &ModelSpec) -> String {
    let media: Vec<String> = m
        .media
        .iter()
        .filter(|(_, r)| r.max > 0)
        .map(|(k, r)| format!("{k} {}–{}", r.min, r.max))
        .collect();
    format!(
        "{}: duration {}; {}; {}; {}",
        m.id,
        m.duration.describe(),
        m.qualities.allowed.join("/"),
        m.aspect_ratios.allowed.join("/"),
        if media.is_empty() {
            "no media".to_string()
        } else {
            media.join(", ")
        }
    )
}
