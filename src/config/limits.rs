//! `[limits]`: overrides of the dialects' data, merged key by key into the
//! built-in tables and validated; the ones that loosen a documented limit.

use crate::spec::Spec;

/// The overrides that loosen a built-in limit: a `max…` raised or a
/// `min…` lowered, as (key, message).
pub fn loosened(overrides: &toml::Table) -> Vec<(String, String)> {
    fn walk(base: &toml::Table, over: &toml::Table, path: &str, out: &mut Vec<(String, String)>) {
        for (k, v) in over {
            let here = format!("{path}.{k}");
            match (base.get(k), v) {
                (Some(toml::Value::Table(b)), toml::Value::Table(o)) => walk(b, o, &here, out),
                (Some(b), v) => {
                    let num =
                        |x: &toml::Value| x.as_float().or_else(|| x.as_integer().map(|i| i as f64));
                    if let (Some(old), Some(new)) = (num(b), num(v)) {
                        let looser = (k.starts_with("max") && new > old)
                            || (k.starts_with("min") && new < old);
                        if looser {
                            out.push((
                                k.clone(),
                                format!("`{here}` = {new} loosens the built-in {old}: requests that pass here may be refused by the service"),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let base: toml::Table = crate::spec::builtin_tables()
        .into_iter()
        .map(|(id, t)| (id, toml::Value::Table(t)))
        .collect();
    let mut out = Vec::new();
    walk(&base, overrides, "limits", &mut out);
    out
}

/// The built-in limits with `overrides` merged in. Every overridden key must
/// exist in the built-in table (so a typo is an error), and the result must
/// pass the same validation as the built-in table. `Err` carries the key to
/// locate and the message.
pub fn merged_spec(overrides: &toml::Table) -> Result<Spec, (String, String)> {
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
    fn loosening_a_limit_is_reported_and_tightening_is_not() {
        let over: toml::Table = toml::from_str(
            "[unified.video]\nmax_duration_s = 20\nmin_fps = 30\n[unified.image]\nmin_side = 200\n",
        )
        .unwrap();
        let found = loosened(&over);
        let keys: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["min_side", "max_duration_s"]);
        assert!(found[1]
            .1
            .contains("`limits.unified.video.max_duration_s` = 20 loosens the built-in 15"));
    }

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
