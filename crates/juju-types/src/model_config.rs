//! Model config keys minijuju acts on, their defaults and validation.
//! Other keys are stored as given (Juju accepts many keys we ignore, such as
//! `test-mode`), so `model-config` round-trips them.

use std::time::Duration;

use serde_json::{Map, Value};

/// `update-status-hook-interval` default.
pub const UPDATE_STATUS_DEFAULT: &str = "5m";

/// Known keys with their default values.
pub fn defaults() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "update-status-hook-interval".into(),
        Value::String(UPDATE_STATUS_DEFAULT.into()),
    );
    m.insert("automatically-retry-hooks".into(), Value::Bool(true));
    m.insert("default-base".into(), Value::String("ubuntu@24.04".into()));
    m.insert("logging-config".into(), Value::String("<root>=INFO".into()));
    m.insert(
        MAX_STATUS_HISTORY_AGE.into(),
        Value::String(MAX_STATUS_HISTORY_AGE_DEFAULT.into()),
    );
    m.insert(
        MAX_STATUS_HISTORY_SIZE.into(),
        Value::String(MAX_STATUS_HISTORY_SIZE_DEFAULT.into()),
    );
    m
}

/// Juju's `max-status-history-age`: status history older than this is
/// pruned (a Go duration; default two weeks).
pub const MAX_STATUS_HISTORY_AGE: &str = "max-status-history-age";
pub const MAX_STATUS_HISTORY_AGE_DEFAULT: &str = "336h";
/// Juju's `max-status-history-size`: the oldest status history is pruned
/// while the model's history is larger than this (Juju's size syntax,
/// `M` when no suffix; default 5G).
pub const MAX_STATUS_HISTORY_SIZE: &str = "max-status-history-size";
pub const MAX_STATUS_HISTORY_SIZE_DEFAULT: &str = "5G";

/// Juju's `utils.ParseSize`: a non-negative number with an optional
/// `M`/`G`/`T`/`P` suffix (default `M`), in MiB, as bytes.
pub fn parse_size_bytes(s: &str) -> Option<u64> {
    let t = s.trim();
    let (num, mult) = match t.chars().last()? {
        'M' | 'm' => (&t[..t.len() - 1], 1u64 << 20),
        'G' | 'g' => (&t[..t.len() - 1], 1u64 << 30),
        'T' | 't' => (&t[..t.len() - 1], 1u64 << 40),
        'P' | 'p' => (&t[..t.len() - 1], 1u64 << 50),
        _ => (t, 1u64 << 20),
    };
    let n: f64 = num.parse().ok()?;
    (n.is_finite() && n >= 0.0 && !num.starts_with(['+', '-']))
        .then(|| (n * mult as f64).ceil() as u64)
}

/// The status history age bound in effect.
pub fn max_status_history_age(user: &Map<String, Value>) -> Duration {
    get(user, MAX_STATUS_HISTORY_AGE)
        .and_then(|v| v.as_str().and_then(|s| crate::duration::parse(s).ok()))
        .unwrap_or(Duration::from_secs(336 * 3600))
}

/// The status history size bound in effect, in bytes.
pub fn max_status_history_bytes(user: &Map<String, Value>) -> u64 {
    get(user, MAX_STATUS_HISTORY_SIZE)
        .and_then(|v| v.as_str().and_then(parse_size_bytes))
        .unwrap_or(5 << 30)
}

/// Convert a raw `key=value` string to the stored value, validating known keys.
pub fn parse_value(key: &str, raw: &str) -> Result<Value, String> {
    match key {
        "update-status-hook-interval" => {
            crate::duration::parse(raw).map_err(|e| format!("update-status-hook-interval: {e}"))?;
            Ok(Value::String(raw.into()))
        }
        "automatically-retry-hooks" => match raw {
            "true" | "True" | "TRUE" | "1" | "t" | "T" => Ok(Value::Bool(true)),
            "false" | "False" | "FALSE" | "0" | "f" | "F" => Ok(Value::Bool(false)),
            _ => Err(format!(
                "automatically-retry-hooks: expected bool, got string(\"{raw}\")"
            )),
        },
        MAX_STATUS_HISTORY_AGE => {
            crate::duration::parse(raw).map_err(|e| {
                format!("invalid max status history age in model configuration: {e}")
            })?;
            Ok(Value::String(raw.into()))
        }
        MAX_STATUS_HISTORY_SIZE => match parse_size_bytes(raw) {
            Some(_) => Ok(Value::String(raw.into())),
            None => Err(format!(
                "invalid max status history size in model configuration: expected a non-negative number, got {raw:?}"
            )),
        },
        SECRET_TIME_SCALE => match raw.parse::<f64>() {
            Ok(f) if f > 0.0 && f.is_finite() => Ok(Value::String(raw.into())),
            _ => Err(format!(
                "{SECRET_TIME_SCALE}: expected a positive number, got {raw:?}"
            )),
        },
        _ => Ok(Value::String(raw.into())),
    }
}

/// minijuju's own key (Juju has none): a factor applied to secret rotation
/// periods and the secret hooks' retry delay, so tests need not wait an
/// hour (`0.001` makes `hourly` 3.6 s). Default 1.
pub const SECRET_TIME_SCALE: &str = "minijuju-secret-time-scale";

/// The secret time factor in effect.
pub fn secret_time_scale(user: &Map<String, Value>) -> f64 {
    get(user, SECRET_TIME_SCALE)
        .and_then(|v| v.as_str().and_then(|s| s.parse::<f64>().ok()))
        .filter(|f| *f > 0.0 && f.is_finite())
        .unwrap_or(1.0)
}

/// minijuju's own key (Juju has none): applications (comma-separated
/// names, `*` for all) whose hooks always start as a plain `dispatch`
/// process, never forked from a warm Python interpreter. Default: none.
pub const PLAIN_PYTHON: &str = "minijuju-plain-python";

/// Whether `app` opted out of warm Python starts.
pub fn plain_python(user: &Map<String, Value>, app: &str) -> bool {
    get(user, PLAIN_PYTHON)
        .and_then(|v| v.as_str().map(str::to_string))
        .is_some_and(|list| list.split(',').map(str::trim).any(|a| a == app || a == "*"))
}

/// The effective value of `key` given the user's settings.
pub fn get(user: &Map<String, Value>, key: &str) -> Option<Value> {
    user.get(key)
        .cloned()
        .or_else(|| defaults().get(key).cloned())
}

/// The update-status interval in effect.
pub fn update_status_interval(user: &Map<String, Value>) -> Duration {
    get(user, "update-status-hook-interval")
        .and_then(|v| v.as_str().and_then(|s| crate::duration::parse(s).ok()))
        .filter(|d| !d.is_zero())
        .unwrap_or(Duration::from_secs(300))
}

/// Whether failed hooks are retried automatically.
pub fn auto_retry(user: &Map<String, Value>) -> bool {
    get(user, "automatically-retry-hooks")
        .and_then(|v| v.as_bool())
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_history_bounds() {
        let mut user = Map::new();
        assert_eq!(
            max_status_history_age(&user),
            Duration::from_secs(336 * 3600)
        );
        assert_eq!(max_status_history_bytes(&user), 5 << 30);
        assert_eq!(parse_size_bytes("10"), Some(10 << 20));
        assert_eq!(parse_size_bytes("0.5M"), Some(1 << 19));
        assert_eq!(parse_size_bytes("2G"), Some(2 << 30));
        for bad in ["", "-1M", "x", "1Q"] {
            assert_eq!(parse_size_bytes(bad), None, "{bad}");
        }
        user.insert(
            MAX_STATUS_HISTORY_SIZE.into(),
            parse_value(MAX_STATUS_HISTORY_SIZE, "0.01M").unwrap(),
        );
        assert_eq!(max_status_history_bytes(&user), 10486);
        assert_eq!(
            parse_value(MAX_STATUS_HISTORY_SIZE, "lots"),
            Err("invalid max status history size in model configuration: expected a non-negative number, got \"lots\"".into())
        );
        assert_eq!(
            parse_value(MAX_STATUS_HISTORY_AGE, "old"),
            Err("invalid max status history age in model configuration: time: invalid duration \"old\"".into())
        );
        user.insert(
            MAX_STATUS_HISTORY_AGE.into(),
            parse_value(MAX_STATUS_HISTORY_AGE, "90s").unwrap(),
        );
        assert_eq!(max_status_history_age(&user), Duration::from_secs(90));
    }

    #[test]
    fn secret_time_scale_is_a_positive_number() {
        let mut user = Map::new();
        assert_eq!(secret_time_scale(&user), 1.0);
        user.insert(
            SECRET_TIME_SCALE.into(),
            parse_value(SECRET_TIME_SCALE, "0.001").unwrap(),
        );
        assert_eq!(secret_time_scale(&user), 0.001);
        assert_eq!(
            parse_value(SECRET_TIME_SCALE, "0"),
            Err("minijuju-secret-time-scale: expected a positive number, got \"0\"".into())
        );
    }

    #[test]
    fn plain_python_lists_applications() {
        let mut user = Map::new();
        assert!(!plain_python(&user, "a"));
        user.insert(
            PLAIN_PYTHON.into(),
            parse_value(PLAIN_PYTHON, "a, b").unwrap(),
        );
        assert!(plain_python(&user, "a") && plain_python(&user, "b"));
        assert!(!plain_python(&user, "c"));
        user.insert(PLAIN_PYTHON.into(), parse_value(PLAIN_PYTHON, "*").unwrap());
        assert!(plain_python(&user, "c"));
    }

    #[test]
    fn defaults_and_overrides() {
        let mut user = Map::new();
        assert_eq!(update_status_interval(&user), Duration::from_secs(300));
        assert!(auto_retry(&user));
        user.insert(
            "update-status-hook-interval".into(),
            parse_value("update-status-hook-interval", "10s").unwrap(),
        );
        user.insert(
            "automatically-retry-hooks".into(),
            parse_value("automatically-retry-hooks", "false").unwrap(),
        );
        assert_eq!(update_status_interval(&user), Duration::from_secs(10));
        assert!(!auto_retry(&user));
        assert!(parse_value("update-status-hook-interval", "soon").is_err());
        assert!(parse_value("automatically-retry-hooks", "maybe").is_err());
    }
}
