//! `[limits]`: overrides of the dialects' data, merged key by key into the
//! built-in tables and validated (what loosens: `loosen.rs`).

use crate::spec::Spec;

/// `[limits]` of a config file: overrides of the built-in dialect tables,
/// keyed by dialect id (`[limits.unified.video]`).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(transparent)]
pub struct LimitOverrides(pub(crate) toml::Table);

impl LimitOverrides {
    /// Each overridden key, dotted from `limits.`
    /// (`limits.unified.video.max_fps`), with its value as JSON text.
    pub fn entries(&self) -> Vec<(String, String)> {
        fn flat(t: &toml::Table, at: &str, out: &mut Vec<(String, String)>) {
            for (k, v) in t {
                let key = format!("{at}.{k}");
                match v {
                    toml::Value::Table(sub) => flat(sub, &key, out),
                    v => out.push((key, serde_json::to_string(v).unwrap_or_default())),
                }
            }
        }
        let mut out = Vec::new();
        flat(&self.0, "limits", &mut out);
        out
    }

    /// Whether nothing is overridden.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The built-in limits with `overrides` merged in. Every overridden key must
/// exist in the built-in table (so a typo is an error), and the result must
/// pass the same validation as the built-in table. `Err` carries the key to
/// locate and the message.
pub(crate) fn merged_spec(overrides: &toml::Table) -> Result<Spec, (String, String)> {
    let tables = crate::spec::builtin_tables();
    let mut base: toml::Table = tables
        .iter()
        .map(|(id, t)| (id.clone(), toml::Value::Table(t.clone())))
        .collect();
    merge(&mut base, overrides, "limits")?;
    let ordered = tables
        .into_iter()
        .filter_map(|(id, _)| match base.remove(&id) {
            Some(toml::Value::Table(t)) => Some((id, t)),
            _ => None,
        })
        .collect();
    Spec::from_tables(ordered)
        .map_err(|e| (String::new(), format!("the limits are inconsistent: {e}")))
}

fn merge(base: &mut toml::Table, over: &toml::Table, path: &str) -> Result<(), (String, String)> {
    for (k, v) in over {
        let here = format!("{path}.{k}");
        if !base.contains_key(k) {
            let hint = crate::rules::did_you_mean(k, base.keys().map(String::as_str))
                .map(|m| format!(" (did you mean `{m}`?)"))
                .unwrap_or_default();
            return Err((
                k.clone(),
                format!("`{here}` is not a key of the limits table{hint}"),
            ));
        }
        let Some(slot) = base.get_mut(k) else {
            continue;
        };
        match (slot, v) {
            (toml::Value::Table(b), toml::Value::Table(o)) => merge(b, o, &here)?,
            (slot, v)
                if std::mem::discriminant(slot) == std::mem::discriminant(v)
                    || (slot.is_float() && v.is_integer()) =>
            {
                *slot = match (slot.is_float(), v) {
                    (true, toml::Value::Integer(i)) => toml::Value::Float(*i as f64),
                    _ => v.clone(),
                };
            }
            (slot, v) => {
                return Err((
                    k.clone(),
                    format!("`{here}` must be {}, not {}", slot.type_str(), v.type_str()),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_overrides_merge_and_are_checked() {
        let over: toml::Table = toml::from_str("[unified.video]\nmax_duration_s = 10").unwrap();
        let spec = merged_spec(&over).unwrap();
        assert_eq!(
            spec.dialect(crate::spec::Dialect::UNIFIED)
                .video
                .max_duration_s,
            10.0
        );
        let typo: toml::Table = toml::from_str("[unified.video]\nmax_duration = 10").unwrap();
        assert!(merged_spec(&typo)
            .unwrap_err()
            .1
            .contains("limits.unified.video.max_duration"));
        let wrong: toml::Table =
            toml::from_str("[unified.video]\nmax_duration_s = \"ten\"").unwrap();
        assert!(merged_spec(&wrong).unwrap_err().1.contains("must be float"));
        let bad: toml::Table = toml::from_str("[unified.image]\nmin_side = 7000").unwrap();
        assert!(merged_spec(&bad).unwrap_err().1.contains("inconsistent"));
    }
}
