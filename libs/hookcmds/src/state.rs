//! `state-get`, `state-set`, `state-delete`: the unit's key/value store
//! kept by the controller.

use serde::de::DeserializeOwned;

use crate::run::{string_map_json, Invocation};
use crate::Error;

/// Removes a key from the unit's server-side state (`state-delete`).
/// Removing a missing key is not an error. Applied when the hook succeeds.
///
/// Runs `state-delete <key>`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// hookcmds::state_delete("last-backup")?;
/// # Ok(()) }
/// ```
pub fn state_delete(key: &str) -> Result<(), Error> {
    Invocation::new("state-delete").arg(key).run_unit()
}

/// Options for [`state_get`].
///
/// ```
/// let opts = hookcmds::StateGet::new().key("last-backup").strict(true);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateGet {
    key: Option<String>,
    strict: bool,
}

impl StateGet {
    /// The whole state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only this key.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Fail (exit 1, `"<key>" not found`) when the key is not set, instead
    /// of returning an empty string (`--strict`).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }
}

/// Reads the unit's server-side state (`state-get`), including changes made
/// earlier in this hook.
///
/// Without a key the result is a map of strings (use
/// `BTreeMap<String, String>`); Juju prints `null` when nothing is stored,
/// which is read as an empty map. With a key the result is its value (use
/// `String`), the empty string when unset.
///
/// Runs `state-get --format=json [--strict] [<key>]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use std::collections::BTreeMap;
/// use hookcmds::{state_get, StateGet};
/// let all: BTreeMap<String, String> = state_get(&StateGet::new())?;
/// let one: String = state_get(&StateGet::new().key("last-backup"))?;
/// # Ok(()) }
/// ```
pub fn state_get<T: DeserializeOwned>(options: &StateGet) -> Result<T, Error> {
    let mut inv = Invocation::new("state-get").arg("--format=json");
    if options.strict {
        inv = inv.arg("--strict");
    }
    if let Some(key) = &options.key {
        inv = inv.arg(key);
    }
    let out = inv.run()?;
    let mut value = out.value()?;
    if options.key.is_none() && value.is_null() {
        value = serde_json::Value::Object(serde_json::Map::new());
    }
    out.convert(value)
}

/// Stores values in the unit's server-side state (`state-set`). Other keys
/// keep their values; an empty value is stored as the empty string (use
/// [`state_delete`] to remove a key). Applied when the hook succeeds.
///
/// `data` is any sequence of string pairs, sent on stdin as one compact JSON
/// object.
///
/// Runs `state-set --file -`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// hookcmds::state_set([("last-backup", "2026-01-05T23:28:38Z")])?;
/// # Ok(()) }
/// ```
pub fn state_set<I, K, V>(data: I) -> Result<(), Error>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    Invocation::new("state-set")
        .arg("--file")
        .arg("-")
        .input(string_map_json(data))
        .run_unit()
}
