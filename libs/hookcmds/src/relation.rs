//! `relation-get`, `relation-set`, `relation-ids`, `relation-list`,
//! `relation-model-get`.

use serde::de::DeserializeOwned;

use crate::run::{string_map_json, Invocation};
use crate::{Error, RelationModel};

/// The `-r` value: `endpoint:id` when the endpoint is known (so that Juju
/// can check the id belongs to it), else the bare id.
fn relation_ref(id: u64, endpoint: Option<&str>) -> String {
    match endpoint {
        Some(endpoint) => format!("{endpoint}:{id}"),
        None => id.to_string(),
    }
}

/// Adds `-r <ref>` when a relation id was given.
fn with_relation(inv: Invocation, id: Option<u64>, endpoint: Option<&str>) -> Invocation {
    match id {
        Some(id) => inv.arg("-r").arg(relation_ref(id, endpoint)),
        None => inv,
    }
}

/// Options for [`relation_get`].
///
/// ```
/// let opts = hookcmds::RelationGet::new().id(3).endpoint("db").unit("mysql/0");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationGet {
    id: Option<u64>,
    endpoint: Option<String>,
    key: Option<String>,
    unit: Option<String>,
    app: bool,
}

impl RelationGet {
    /// Everything from the current hook's relation and remote unit.
    pub fn new() -> Self {
        Self::default()
    }

    /// The relation to read (`-r`); without it, the hook's relation.
    pub fn id(mut self, id: u64) -> Self {
        self.id = Some(id);
        self
    }

    /// The relation's endpoint: with [`id`](Self::id), sends `-r
    /// <endpoint>:<id>` so that Juju fails if the id is not a relation of
    /// that endpoint. Ignored without an id.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Only this key (the result is then the value, or `null`).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Whose databag to read: a unit name, or with [`app`](Self::app) an
    /// application (or any of its units' names). Without it, the hook's
    /// remote unit (or remote application).
    pub fn unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }

    /// Read an application databag instead of a unit databag (`--app`).
    pub fn app(mut self, app: bool) -> Self {
        self.app = app;
        self
    }
}

/// Reads relation data (`relation-get`).
///
/// Without a key the result is the whole databag, a map of strings (use
/// `BTreeMap<String, String>`); with a key it is that value, `null` when
/// unset (use `Option<String>`). The key `-` is refused with
/// [`Error::InvalidInput`] (leave the key out to get everything).
///
/// Runs `relation-get --format=json [-r <ref>] [--app] [<key>|-] [<unit>]`:
/// with a unit and no key, `-` stands for "all keys".
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use std::collections::BTreeMap;
/// use hookcmds::{relation_get, RelationGet};
///
/// let remote: BTreeMap<String, String> =
///     relation_get(&RelationGet::new().id(3).endpoint("db").unit("mysql/0"))?;
/// let password: Option<String> =
///     relation_get(&RelationGet::new().id(3).app(true).unit("mysql").key("password"))?;
/// # Ok(()) }
/// ```
pub fn relation_get<T: DeserializeOwned>(options: &RelationGet) -> Result<T, Error> {
    if options.key.as_deref() == Some("-") {
        return Err(Error::InvalidInput(
            "relation_get: to get all keys leave the key out; \"-\" is not accepted".into(),
        ));
    }
    let mut inv = Invocation::new("relation-get").arg("--format=json");
    inv = with_relation(inv, options.id, options.endpoint.as_deref());
    if options.app {
        inv = inv.arg("--app");
    }
    let key = options.key.as_deref().filter(|k| !k.is_empty());
    let unit = options.unit.as_deref().filter(|u| !u.is_empty());
    inv = match (key, unit) {
        (Some(key), Some(unit)) => inv.arg(key).arg(unit),
        (None, Some(unit)) => inv.arg("-").arg(unit),
        (Some(key), None) => inv.arg(key),
        (None, None) => inv,
    };
    inv.run()?.json()
}

/// Lists the ids of the relations on an endpoint (`relation-ids`), in
/// Juju's `endpoint:N` form, sorted as strings.
///
/// Runs `relation-ids <endpoint> --format=json`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// for rel in hookcmds::relation_ids("db")? {
///     let id: u64 = rel.rsplit(':').next().unwrap().parse().unwrap();
/// }
/// # Ok(()) }
/// ```
pub fn relation_ids(endpoint: &str) -> Result<Vec<String>, Error> {
    let out = Invocation::new("relation-ids")
        .arg(endpoint)
        .arg("--format=json")
        .run()?;
    let ids: Option<Vec<String>> = out.json()?;
    Ok(ids.unwrap_or_default())
}

/// Options for [`relation_list`].
///
/// ```
/// let opts = hookcmds::RelationList::new().id(3).endpoint("db");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationList {
    id: Option<u64>,
    endpoint: Option<String>,
    app: bool,
}

impl RelationList {
    /// The remote units of the current hook's relation.
    pub fn new() -> Self {
        Self::default()
    }

    /// The relation to list (`-r`); without it, the hook's relation.
    pub fn id(mut self, id: u64) -> Self {
        self.id = Some(id);
        self
    }

    /// The relation's endpoint, sent as `-r <endpoint>:<id>` together with
    /// [`id`](Self::id). Ignored without an id.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Return the remote application's name instead of its units
    /// (`--app`).
    pub fn app(mut self, app: bool) -> Self {
        self.app = app;
        self
    }
}

/// Lists the remote units in a relation, or names the remote application
/// (`relation-list`).
///
/// Without [`app`](RelationList::app) the result is a list of unit names
/// (use `Vec<String>`); with it, the application name (use `String`).
///
/// Runs `relation-list --format=json [--app] [-r <ref>]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{relation_list, RelationList};
/// let units: Vec<String> = relation_list(&RelationList::new().id(3))?;
/// let app: String = relation_list(&RelationList::new().id(3).app(true))?;
/// # Ok(()) }
/// ```
pub fn relation_list<T: DeserializeOwned>(options: &RelationList) -> Result<T, Error> {
    let mut inv = Invocation::new("relation-list").arg("--format=json");
    if options.app {
        inv = inv.arg("--app");
    }
    inv = with_relation(inv, options.id, options.endpoint.as_deref());
    inv.run()?.json()
}

/// Options for [`relation_model_get`].
///
/// ```
/// let opts = hookcmds::RelationModelGet::new().id(3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationModelGet {
    id: Option<u64>,
    endpoint: Option<String>,
}

impl RelationModelGet {
    /// The current hook's relation.
    pub fn new() -> Self {
        Self::default()
    }

    /// The relation to ask about (`-r`).
    pub fn id(mut self, id: u64) -> Self {
        self.id = Some(id);
        self
    }

    /// The relation's endpoint, sent as `-r <endpoint>:<id>` together with
    /// [`id`](Self::id). Ignored without an id.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }
}

/// Describes the model hosting the other side of a relation
/// (`relation-model-get`, Juju 3.6.2 and later).
///
/// Runs `relation-model-get --format=json [-r <ref>]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{relation_model_get, RelationModelGet};
/// let remote = relation_model_get(&RelationModelGet::new().id(3).endpoint("db"))?;
/// # Ok(()) }
/// ```
pub fn relation_model_get(options: &RelationModelGet) -> Result<RelationModel, Error> {
    let inv = Invocation::new("relation-model-get").arg("--format=json");
    with_relation(inv, options.id, options.endpoint.as_deref())
        .run()?
        .json()
}

/// Options for [`relation_set`].
///
/// ```
/// let opts = hookcmds::RelationSet::new().id(3).endpoint("db").app(true);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationSet {
    id: Option<u64>,
    endpoint: Option<String>,
    app: bool,
}

impl RelationSet {
    /// This unit's databag in the current hook's relation.
    pub fn new() -> Self {
        Self::default()
    }

    /// The relation to write (`-r`); without it, the hook's relation.
    pub fn id(mut self, id: u64) -> Self {
        self.id = Some(id);
        self
    }

    /// The relation's endpoint, sent as `-r <endpoint>:<id>` together with
    /// [`id`](Self::id). Ignored without an id.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Write the application databag (`--app`; leader only).
    pub fn app(mut self, app: bool) -> Self {
        self.app = app;
        self
    }
}

/// Writes relation data (`relation-set`). Keys not mentioned keep their
/// values; an empty value deletes the key. Applied when the hook succeeds.
///
/// `data` is any sequence of string pairs: a `BTreeMap`, a `HashMap`, an
/// array of tuples. It is sent on stdin as one compact JSON object, in
/// iteration order, so values never appear on the command line.
///
/// Runs `relation-set [-r <ref>] [--app] --file -`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{relation_set, RelationSet};
/// relation_set([("host", "10.1.2.3"), ("port", "5432")], &RelationSet::new().id(3))?;
/// relation_set([("old-key", "")], &RelationSet::new().id(3))?; // deletes old-key
/// # Ok(()) }
/// ```
pub fn relation_set<I, K, V>(data: I, options: &RelationSet) -> Result<(), Error>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut inv = with_relation(
        Invocation::new("relation-set"),
        options.id,
        options.endpoint.as_deref(),
    );
    if options.app {
        inv = inv.arg("--app");
    }
    inv.arg("--file")
        .arg("-")
        .input(string_map_json(data))
        .run_unit()
}
