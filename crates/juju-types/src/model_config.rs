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
    m
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
