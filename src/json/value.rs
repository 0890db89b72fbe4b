//! What the parsed values say: numbers as written, JSON type names.

use super::{Number, Value};

impl Number {
    /// The number exactly as written.
    pub fn raw(&self) -> &str {
        &self.raw
    }
    /// The value as a float (may round for very long literals).
    pub fn as_f64(&self) -> f64 {
        self.raw.parse().unwrap_or(f64::NAN)
    }
    /// The value as an integer when it is written without fraction or exponent.
    pub fn as_i64(&self) -> Option<i64> {
        self.raw.parse().ok()
    }

    /// The value as an integer when it is a whole number however it is
    /// written (`5`, `5.0`, `5e0`).
    pub fn as_whole(&self) -> Option<i64> {
        self.as_i64().or_else(|| {
            let v = self.as_f64();
            (v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
        })
    }
}

impl Value {
    /// The JSON type name used in messages (`string`, `integer`, `number`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.as_i64().is_some() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}
