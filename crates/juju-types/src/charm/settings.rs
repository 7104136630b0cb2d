//! A settings YAML file (`juju deploy --config FILE`, `juju config --file
//! FILE`) read as Juju 3.6 reads it for one application:
//! * the file is a mapping keyed by application name, and only the section
//!   of the application being deployed or configured counts:
//!   `myapp: {greeting: hi}`; other sections are ignored;
//! * without that section, the output of `juju config APP` (a `settings:`
//!   mapping of `{value: ...}` entries) is accepted, taking each entry's
//!   `value`;
//! * anything else is refused with `no settings found for "myapp"`; a file
//!   that is not YAML, or not a mapping, with `cannot parse settings data:
//!   ...`;
//! * in the application's section `trust` is application config, not a
//!   charm option (a boolean, or a string Go's `strconv.ParseBool` reads).
//!
//! minijuju reads YAML 1.2, so the YAML 1.1 words for booleans (`yes`,
//! `off`) come as strings; they are taken as booleans where a boolean is
//! wanted, quoted or not.
//!
//! Values are checked against the charm later, as for any typed value
//! ([`super::ConfigSchema::validate_value`]).

use serde_json::{Map, Value};

use super::{yaml, CharmError};

/// What a settings file holds for one application.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileSettings {
    /// Charm settings as written; `null` means "the default".
    pub charm: Map<String, Value>,
    /// `trust` from the application's section.
    pub trust: Option<bool>,
}

/// The settings for application `app` in the settings file `text`.
pub fn read_settings_yaml(text: &str, app: &str) -> Result<FileSettings, String> {
    let doc = yaml::parse("settings", text).map_err(|e| {
        let problem = match e {
            CharmError::Yaml { message, .. } => message,
            CharmError::Invalid { path, message, .. } if path.is_empty() => message,
            CharmError::Invalid { path, message, .. } => format!("{path}: {message}"),
            other => other.to_string(),
        };
        format!("cannot parse settings data: {problem}")
    })?;
    let top = match &doc {
        Value::Object(m) => m,
        Value::Null => return Err(no_settings(app)),
        other => {
            return Err(format!(
                "cannot parse settings data: expected a mapping of application names, got {}",
                yaml::kind(other)
            ))
        }
    };
    if let Some(Value::Object(section)) = top.get(app) {
        let mut out = FileSettings::default();
        for (key, value) in section {
            if key == "trust" {
                out.trust = Some(trust_value(value)?);
            } else {
                out.charm.insert(key.clone(), value.clone());
            }
        }
        return Ok(out);
    }
    // `juju config APP` output: {application, charm, settings: {k: {value, ...}}}.
    let Some(Value::Object(entries)) = top.get("settings") else {
        return Err(no_settings(app));
    };
    let mut out = FileSettings::default();
    for (key, entry) in entries {
        let Value::Object(entry) = entry else {
            return Err(no_settings(app));
        };
        if let Some(value) = entry.get("value") {
            out.charm.insert(key.clone(), value.clone());
        }
    }
    Ok(out)
}

fn no_settings(app: &str) -> String {
    format!("no settings found for {app:?}")
}

/// `trust` as Juju's application config schema coerces it.
fn trust_value(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        // Go's strconv.ParseBool, and the YAML 1.1 words (`yes`, `off`)
        // Juju's YAML reader takes for booleans.
        Value::String(s) => match s.as_str() {
            "1" | "t" | "T" => Ok(true),
            "0" | "f" | "F" => Ok(false),
            _ => yaml::as_bool(v).ok_or_else(|| format!("trust: expected bool, got string({s:?})")),
        },
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            Err(format!("trust: expected bool, got int({n})"))
        }
        Value::Number(n) => Err(format!("trust: expected bool, got float64({n})")),
        Value::Null => Err("trust: expected bool, got nothing".into()),
        Value::Array(_) => Err("trust: expected bool, got a list".into()),
        Value::Object(_) => Err("trust: expected bool, got a mapping".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn charm(text: &str, app: &str) -> Value {
        Value::Object(read_settings_yaml(text, app).unwrap().charm)
    }

    #[test]
    fn only_the_applications_section_counts() {
        let text = "hello-shell:\n  greeting: hi\nmyapp:\n  greeting: bonjour\n  count: 3\n";
        assert_eq!(
            charm(text, "myapp"),
            json!({"greeting": "bonjour", "count": 3})
        );
        assert_eq!(charm(text, "hello-shell"), json!({"greeting": "hi"}));
        assert_eq!(
            read_settings_yaml(text, "other").unwrap_err(),
            "no settings found for \"other\""
        );
        // An empty section is no settings, not an error.
        assert_eq!(charm("myapp: {}\n", "myapp"), json!({}));
        // Nulls are kept: they mean "the default".
        assert_eq!(
            charm("myapp:\n  greeting:\n", "myapp"),
            json!({"greeting": null})
        );
    }

    #[test]
    fn flat_files_and_other_shapes_are_refused() {
        for (text, want) in [
            ("greeting: hi\n", "no settings found for \"myapp\""),
            ("myapp:\n", "no settings found for \"myapp\""),
            ("myapp: hi\n", "no settings found for \"myapp\""),
            ("", "no settings found for \"myapp\""),
            ("# nothing\n", "no settings found for \"myapp\""),
            (
                "settings: {greeting: hi}\n",
                "no settings found for \"myapp\"",
            ),
            (
                "- a\n- b\n",
                "cannot parse settings data: expected a mapping of application names, got a list",
            ),
            (
                "just words\n",
                "cannot parse settings data: expected a mapping of application names, got a string",
            ),
        ] {
            assert_eq!(
                read_settings_yaml(text, "myapp").unwrap_err(),
                want,
                "{text:?}"
            );
        }
        let e = read_settings_yaml("myapp: [\n", "myapp").unwrap_err();
        assert!(e.starts_with("cannot parse settings data: "), "{e}");
    }

    #[test]
    fn juju_config_output_is_accepted() {
        let text = "application: hello-shell\ncharm: hello-shell\nsettings:\n  greeting:\n    \
                    default: hello\n    source: user\n    type: string\n    value: salut\n  \
                    count:\n    default: 1\n    source: default\n    type: int\n";
        // Entries without a value are left alone; the app name does not matter.
        assert_eq!(charm(text, "whatever"), json!({"greeting": "salut"}));
        // The application's own section wins over a `settings` key.
        assert_eq!(
            charm("settings:\n  x: {value: 1}\nmyapp: {y: 2}\n", "myapp"),
            json!({"y": 2})
        );
    }

    #[test]
    fn trust_is_application_config() {
        let s = read_settings_yaml("myapp:\n  trust: true\n  greeting: hi\n", "myapp").unwrap();
        assert_eq!(s.trust, Some(true));
        assert_eq!(Value::Object(s.charm), json!({"greeting": "hi"}));
        assert_eq!(
            read_settings_yaml("myapp: {trust: 'False'}\n", "myapp")
                .unwrap()
                .trust,
            Some(false)
        );
        assert_eq!(
            read_settings_yaml("myapp: {a: 1}\n", "myapp")
                .unwrap()
                .trust,
            None
        );
        assert_eq!(
            read_settings_yaml("myapp: {trust: maybe}\n", "myapp").unwrap_err(),
            "trust: expected bool, got string(\"maybe\")"
        );
        assert_eq!(
            read_settings_yaml("myapp: {trust: 2}\n", "myapp").unwrap_err(),
            "trust: expected bool, got int(2)"
        );
    }
}
