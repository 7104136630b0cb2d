//! Tools that only work while an action runs: `action-get`, `action-set`,
//! `action-log`, `action-fail`.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::run::Invocation;
use crate::Error;

/// Options for [`action_fail`].
///
/// ```
/// let opts = hookcmds::ActionFail::new().message("disk full");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFail {
    message: Option<String>,
}

impl ActionFail {
    /// No message: Juju supplies its own ("action failed without reason
    /// given, check action for errors").
    pub fn new() -> Self {
        Self::default()
    }

    /// The failure message shown to the user (may be empty).
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// Marks the running action as failed (`action-fail`). The action still
/// runs to its end; results set with [`action_set`] are kept.
///
/// Runs `action-fail -- <message>`, or bare `action-fail` without a message.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{action_fail, ActionFail};
/// action_fail(&ActionFail::new().message("backup target is not writable"))?;
/// # Ok(()) }
/// ```
pub fn action_fail(options: &ActionFail) -> Result<(), Error> {
    let mut inv = Invocation::new("action-fail");
    if let Some(message) = &options.message {
        // `--` so that a message starting with `-` is not read as a flag.
        inv = inv.arg("--").arg(message);
    }
    inv.run_unit()
}

/// Options for [`action_get`].
///
/// ```
/// let opts = hookcmds::ActionGet::new().key("target.path");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionGet {
    key: Option<String>,
}

impl ActionGet {
    /// All parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only this parameter; a dotted key (`a.b`) walks into nested maps.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
}

/// Reads the running action's parameters (`action-get`), with the defaults
/// from the action's schema already filled in by Juju.
///
/// Without a key the result is a map (deserialise it into your own struct or
/// a `serde_json::Map`); with a key it is that parameter's value, JSON
/// `null` (use an `Option`) when missing.
///
/// Runs `action-get --format=json [<key>]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{action_get, ActionGet};
///
/// #[derive(serde::Deserialize)]
/// struct Params { path: String, compress: bool }
/// let params: Params = action_get(&ActionGet::new())?;
///
/// let level: Option<u32> = action_get(&ActionGet::new().key("level"))?;
/// # Ok(()) }
/// ```
pub fn action_get<T: DeserializeOwned>(options: &ActionGet) -> Result<T, Error> {
    let mut inv = Invocation::new("action-get").arg("--format=json");
    if let Some(key) = &options.key {
        inv = inv.arg(key);
    }
    inv.run()?.json()
}

/// Records a progress message for the running action (`action-log`); the
/// user sees it immediately.
///
/// Runs `action-log -- <message>`. In errors the message is shown as
/// `<redacted>`, as ops does.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// hookcmds::action_log("copied 3 of 10 tables")?;
/// # Ok(()) }
/// ```
pub fn action_log(message: &str) -> Result<(), Error> {
    Invocation::new("action-log")
        .arg("--")
        .arg(message)
        .redacted_args(vec!["--".into(), "<redacted>".into()])
        .run_unit()
}

/// Sets results of the running action (`action-set`).
///
/// `results` is anything that serialises to a map: a `BTreeMap`, a
/// `serde_json::json!({...})` object, your own struct. Nested maps are
/// flattened into dotted keys (`{"a": {"b": 1}}` becomes `a.b=1`), because
/// the tool only takes `key=value` pairs; Juju rebuilds the nesting. Values
/// are sent as text the way ops sends them: strings as they are, numbers in
/// JSON notation, booleans as `True`/`False`, null as `None`, lists as JSON.
/// Keys keep the order in which `results` serialises them.
///
/// Runs `action-set <key>=<value> ...`; in errors the values are shown as
/// `<redacted>`, as ops does. A result that is not a map, or two entries
/// that flatten to the same key (`{"a": {"b": 1}, "a.b": 2}`), give
/// [`Error::InvalidInput`] without running anything.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// hookcmds::action_set(&serde_json::json!({
///     "backup": {"path": "/srv/backup/1.tar", "size": 1024},
///     "ok": true,
/// }))?;
/// # Ok(()) }
/// ```
pub fn action_set<T: Serialize + ?Sized>(results: &T) -> Result<(), Error> {
    let pairs = flatten_results(results)?;
    let args: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let redacted: Vec<String> = pairs
        .iter()
        .map(|(k, _)| format!("{k}=<redacted>"))
        .collect();
    Invocation::new("action-set")
        .args(args)
        .redacted_args(redacted)
        .run_unit()
}

/// A JSON value whose maps keep their entries in document order (a
/// `serde_json::Value` sorts them).
enum Ordered {
    Leaf(serde_json::Value),
    Map(Vec<(String, Ordered)>),
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;

        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Ordered>()? {
                    entries.push((k, v));
                }
                Ok(Ordered::Map(entries))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Ordered, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Ordered::Leaf(v))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(v.into()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(serde_json::Value::Null))
            }

            fn visit_none<E: de::Error>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(serde_json::Value::Null))
            }
        }

        deserializer.deserialize_any(OrderedVisitor)
    }
}

/// The text ops' `str()` gives for a leaf value.
fn leaf_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "True".into(),
        serde_json::Value::Bool(false) => "False".into(),
        serde_json::Value::Null => "None".into(),
        other => other.to_string(),
    }
}

/// Turns action results into `(dotted key, text)` pairs.
fn flatten_results<T: Serialize + ?Sized>(results: &T) -> Result<Vec<(String, String)>, Error> {
    let invalid = |why: String| Error::InvalidInput(format!("invalid action results: {why}"));
    let text = serde_json::to_string(results).map_err(|e| invalid(e.to_string()))?;
    let ordered: Ordered = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    let Ordered::Map(entries) = ordered else {
        return Err(invalid("results must be a map".into()));
    };

    fn walk(
        entries: Vec<(String, Ordered)>,
        prefix: Option<&str>,
        out: &mut Vec<(String, String)>,
        seen: &mut HashSet<String>,
    ) -> Result<(), Error> {
        for (key, value) in entries {
            let key = match prefix {
                Some(p) => format!("{p}.{key}"),
                None => key,
            };
            match value {
                Ordered::Map(inner) => walk(inner, Some(&key), out, seen)?,
                Ordered::Leaf(leaf) => {
                    if !seen.insert(key.clone()) {
                        return Err(Error::InvalidInput(format!(
                            "duplicate key in action results: {key:?}"
                        )));
                    }
                    out.push((key, leaf_text(&leaf)));
                }
            }
        }
        Ok(())
    }

    let mut out = Vec::new();
    walk(entries, None, &mut out, &mut HashSet::new())?;
    Ok(out)
}
