//! Charm metadata (`metadata.yaml`, or the same keys at the top of a unified
//! `charmcraft.yaml`): name, endpoints, storage, resources, containers.
//!
//! Parsed from a generic YAML tree and validated by hand so that every error
//! names the key it is about. Rules follow Juju 3.6's charm metadata checks:
//! a valid charm name; endpoints given either as a bare interface string or
//! a mapping (`interface`, `limit`, `scope`, `optional`); endpoint names
//! unique across provides/requires/peers; the endpoint name `juju` and the
//! `juju-` prefix reserved, and `juju`/`juju-*` interfaces reserved for
//! provided and peer endpoints (a requirer may use `juju-info`), unless the
//! charm's own name starts with `juju-`; a subordinate needs a requires
//! endpoint with container scope.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::yaml::{self, as_map, opt_bool, opt_str, opt_u32, Loc};
use super::CharmError;

/// The side of a relation an endpoint plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Provider,
    Requirer,
    Peer,
}

impl Role {
    /// Juju's name for the role (`provider`, `requirer`, `peer`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Provider => "provider",
            Role::Requirer => "requirer",
            Role::Peer => "peer",
        }
    }

    /// The metadata section endpoints of this role are declared in.
    pub fn section(self) -> &'static str {
        match self {
            Role::Provider => "provides",
            Role::Requirer => "requires",
            Role::Peer => "peers",
        }
    }
}

/// Relation scope: `global` (every unit sees every remote unit) or
/// `container` (a principal and its subordinate on the same machine).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Global,
    Container,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Container => "container",
        }
    }
}

/// One relation endpoint declared by the charm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub name: String,
    pub role: Role,
    pub interface: String,
    /// The declared `limit`, if any (Juju does not enforce it).
    pub limit: Option<u32>,
    pub scope: Scope,
    pub optional: bool,
}

/// Storage kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    Filesystem,
    Block,
}

impl StorageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageKind::Filesystem => "filesystem",
            StorageKind::Block => "block",
        }
    }
}

/// A storage declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageSpec {
    pub name: String,
    pub kind: StorageKind,
    pub description: String,
    /// Mount point for filesystem storage.
    pub location: Option<String>,
    pub shared: bool,
    pub read_only: bool,
    /// Least number of instances (1 unless `multiple.range` says otherwise).
    pub count_min: u32,
    /// Most instances; `None` means unbounded (`N-` or `N+`).
    pub count_max: Option<u32>,
    /// `minimum-size` converted to MiB.
    pub minimum_size_mib: Option<u64>,
    /// `properties` (Juju knows only `transient`).
    pub properties: Vec<String>,
}

/// Resource kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResourceKind {
    #[serde(rename = "file")]
    File,
    #[serde(rename = "oci-image")]
    OciImage,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::File => "file",
            ResourceKind::OciImage => "oci-image",
        }
    }
}

/// A resource declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceSpec {
    pub name: String,
    pub kind: ResourceKind,
    /// The file name the charm expects (required for `file` resources).
    pub filename: Option<String>,
    pub description: String,
    /// `upstream-source` of an OCI image, if given.
    pub upstream_source: Option<String>,
}

/// A storage mount into a workload container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    pub storage: String,
    pub location: Option<String>,
}

/// A sidecar workload container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerSpec {
    pub name: String,
    /// Name of the `oci-image` resource holding the image.
    pub resource: Option<String>,
    /// `bases`, kept as written.
    pub bases: Option<Value>,
    pub mounts: Vec<Mount>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

/// Validated charm metadata.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Metadata {
    pub name: String,
    pub summary: String,
    pub description: String,
    pub subordinate: bool,
    pub provides: BTreeMap<String, Endpoint>,
    pub requires: BTreeMap<String, Endpoint>,
    pub peers: BTreeMap<String, Endpoint>,
    pub extra_bindings: BTreeSet<String>,
    pub storage: BTreeMap<String, StorageSpec>,
    pub resources: BTreeMap<String, ResourceSpec>,
    pub containers: BTreeMap<String, ContainerSpec>,
    /// `assumes`, kept as written.
    pub assumes: Option<Value>,
}

impl Metadata {
    /// Parse and validate the text of a `metadata.yaml`.
    pub fn parse(text: &str) -> Result<Metadata, CharmError> {
        let doc = yaml::parse("metadata.yaml", text)?;
        parse_metadata(&doc, &Loc::root("metadata.yaml"))
    }

    /// Every declared endpoint: provides, then requires, then peers, each by name.
    pub fn all_endpoints(&self) -> impl Iterator<Item = &Endpoint> {
        self.provides
            .values()
            .chain(self.requires.values())
            .chain(self.peers.values())
    }

    /// The declared endpoint called `name`, whatever its role.
    pub fn endpoint(&self, name: &str) -> Option<&Endpoint> {
        self.provides
            .get(name)
            .or_else(|| self.requires.get(name))
            .or_else(|| self.peers.get(name))
    }

    /// Whether the charm declares workload containers (a K8s sidecar charm).
    pub fn is_sidecar(&self) -> bool {
        !self.containers.is_empty()
    }
}

/// The endpoint every charm provides without declaring it: `juju-info`
/// (interface `juju-info`, global scope), which subordinates relate to.
pub fn implicit_juju_info() -> Endpoint {
    Endpoint {
        name: "juju-info".to_string(),
        role: Role::Provider,
        interface: "juju-info".to_string(),
        limit: None,
        scope: Scope::Global,
        optional: false,
    }
}

/// Whether `name` is reserved for Juju (`juju` or `juju-*`) for a charm called `charm`.
pub(crate) fn is_reserved(charm: &str, name: &str) -> bool {
    if charm == "juju" || charm.starts_with("juju-") {
        return false;
    }
    name == "juju" || name.starts_with("juju-")
}

/// Endpoint names: a lowercase letter, then lowercase letters and digits,
/// optionally in groups joined by single `-` or `_`.
fn is_valid_endpoint_name(name: &str) -> bool {
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return false;
    }
    name.split(['-', '_']).all(|seg| {
        !seg.is_empty()
            && seg
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

/// Validate the metadata keys of `doc` (the whole file) at `loc`.
pub(crate) fn parse_metadata(doc: &Value, loc: &Loc) -> Result<Metadata, CharmError> {
    let empty = Map::new();
    let top = as_map(doc, loc, &empty)?;

    let name = opt_str(top, "name", loc)?.unwrap_or_default();
    if name.is_empty() {
        return Err(loc.child("name").err("charm name is required"));
    }
    if !crate::names::is_valid_application(&name) {
        return Err(loc.child("name").err(format!(
            "invalid charm name {name:?} (lowercase letters, digits and hyphens, \
             starting with a letter)"
        )));
    }
    let mut meta = Metadata {
        summary: opt_str(top, "summary", loc)?.unwrap_or_default(),
        description: opt_str(top, "description", loc)?.unwrap_or_default(),
        subordinate: opt_bool(top, "subordinate", loc)?,
        assumes: top.get("assumes").filter(|v| !v.is_null()).cloned(),
        name,
        ..Metadata::default()
    };

    // Endpoints, with names unique across the three sections.
    let mut seen: BTreeMap<String, Role> = BTreeMap::new();
    for role in [Role::Provider, Role::Requirer, Role::Peer] {
        let section_loc = loc.child(role.section());
        let section = as_map(
            top.get(role.section()).unwrap_or(&Value::Null),
            &section_loc,
            &empty,
        )?;
        for (ep_name, raw) in section {
            let ep_loc = section_loc.child(ep_name);
            let ep = parse_endpoint(&meta.name, ep_name, role, raw, &ep_loc)?;
            if let Some(prev) = seen.insert(ep_name.clone(), role) {
                return Err(ep_loc.err(format!(
                    "endpoint name {ep_name:?} is already used in {}",
                    prev.section()
                )));
            }
            match role {
                Role::Provider => meta.provides.insert(ep_name.clone(), ep),
                Role::Requirer => meta.requires.insert(ep_name.clone(), ep),
                Role::Peer => meta.peers.insert(ep_name.clone(), ep),
            };
        }
    }
    if meta.subordinate
        && !meta
            .requires
            .values()
            .any(|ep| ep.scope == Scope::Container)
    {
        return Err(loc.child("subordinate").err(format!(
            "subordinate charm {:?} lacks a requires endpoint with scope container",
            meta.name
        )));
    }

    meta.extra_bindings = parse_extra_bindings(top, loc, &seen)?;

    let storage_loc = loc.child("storage");
    let storage = as_map(
        top.get("storage").unwrap_or(&Value::Null),
        &storage_loc,
        &empty,
    )?;
    for (name, raw) in storage {
        let spec = parse_storage(name, raw, &storage_loc.child(name))?;
        meta.storage.insert(name.clone(), spec);
    }

    let res_loc = loc.child("resources");
    let resources = as_map(
        top.get("resources").unwrap_or(&Value::Null),
        &res_loc,
        &empty,
    )?;
    for (name, raw) in resources {
        let spec = parse_resource(name, raw, &res_loc.child(name))?;
        meta.resources.insert(name.clone(), spec);
    }

    let cont_loc = loc.child("containers");
    let containers = as_map(
        top.get("containers").unwrap_or(&Value::Null),
        &cont_loc,
        &empty,
    )?;
    for (name, raw) in containers {
        let spec = parse_container(name, raw, &cont_loc.child(name), &meta)?;
        meta.containers.insert(name.clone(), spec);
    }
    Ok(meta)
}

fn parse_endpoint(
    charm: &str,
    name: &str,
    role: Role,
    raw: &Value,
    loc: &Loc,
) -> Result<Endpoint, CharmError> {
    if !is_valid_endpoint_name(name) {
        return Err(loc.err(format!("invalid endpoint name {name:?}")));
    }
    if is_reserved(charm, name) {
        return Err(loc.err(format!("endpoint name {name:?} is reserved")));
    }
    let empty = Map::new();
    let (interface, limit, scope, optional) = match raw {
        Value::String(s) => (Some(s.clone()), None, Scope::Global, false),
        other => {
            let m = as_map(other, loc, &empty)?;
            let scope = match opt_str(m, "scope", loc)?.as_deref() {
                None | Some("global") => Scope::Global,
                Some("container") => Scope::Container,
                Some(other) => {
                    return Err(loc.child("scope").err(format!(
                        "unknown scope {other:?} (want global or container)"
                    )))
                }
            };
            (
                opt_str(m, "interface", loc)?,
                opt_u32(m, "limit", loc)?,
                scope,
                opt_bool(m, "optional", loc)?,
            )
        }
    };
    let interface = match interface {
        Some(i) if !i.is_empty() => i,
        _ => return Err(loc.err("interface is required")),
    };
    if role != Role::Requirer && is_reserved(charm, &interface) {
        let at = if raw.is_string() {
            loc.clone()
        } else {
            loc.child("interface")
        };
        return Err(at.err(format!("interface {interface:?} is reserved")));
    }
    Ok(Endpoint {
        name: name.to_string(),
        role,
        interface,
        limit,
        scope,
        optional,
    })
}

fn parse_extra_bindings(
    top: &Map<String, Value>,
    loc: &Loc,
    endpoints: &BTreeMap<String, Role>,
) -> Result<BTreeSet<String>, CharmError> {
    let loc = loc.child("extra-bindings");
    let names: Vec<String> = match top.get("extra-bindings") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| loc.index(i).err("expected a string"))
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(loc.err(format!("expected a mapping, got {}", yaml::kind(other))))
        }
    };
    let mut out = BTreeSet::new();
    for name in names {
        let at = loc.child(&name);
        if !is_valid_endpoint_name(&name) {
            return Err(at.err(format!("invalid binding name {name:?}")));
        }
        if let Some(role) = endpoints.get(&name) {
            return Err(at.err(format!(
                "binding name {name:?} is already used in {}",
                role.section()
            )));
        }
        out.insert(name);
    }
    Ok(out)
}

/// Parse `multiple.range`: `N`, `N-M`, `N-` or `N+`.
fn parse_range(raw: &Value, loc: &Loc) -> Result<(u32, Option<u32>), CharmError> {
    let bad = || loc.err(format!("invalid range {raw} (want N, N-M, N- or N+)"));
    let text = match raw {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return Err(bad()),
    };
    let num = |s: &str| -> Result<u32, CharmError> {
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (min, max) = if let Some(min) = text.strip_suffix('+') {
        (num(min)?, None)
    } else if let Some((min, max)) = text.split_once('-') {
        let min = num(min)?;
        if max.is_empty() {
            (min, None)
        } else {
            (min, Some(num(max)?))
        }
    } else {
        let n = num(&text)?;
        (n, Some(n))
    };
    if let Some(max) = max {
        if max == 0 || max < min {
            return Err(bad());
        }
    }
    Ok((min, max))
}

/// Parse a size like `1G`, `512M`, `1.5T`, `10GiB` or a bare number (MiB)
/// into MiB, rounding up.
pub fn parse_size_mib(raw: &Value) -> Option<u64> {
    let text = match raw {
        Value::Number(n) => return n.as_u64(),
        Value::String(s) => s.trim(),
        _ => return None,
    };
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let suffix = suffix
        .strip_suffix("iB")
        .or_else(|| suffix.strip_suffix('B'))
        .unwrap_or(suffix);
    let factor: f64 = match suffix.to_ascii_uppercase().as_str() {
        "" | "M" => 1.0,
        "G" => 1024.0,
        "T" => 1024.0 * 1024.0,
        "P" => 1024.0 * 1024.0 * 1024.0,
        "E" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let mib = (number * factor).ceil();
    (mib.is_finite() && mib >= 0.0 && mib < u64::MAX as f64).then_some(mib as u64)
}

fn parse_storage(name: &str, raw: &Value, loc: &Loc) -> Result<StorageSpec, CharmError> {
    if name.is_empty() || name.contains('/') {
        return Err(loc.err(format!("invalid storage name {name:?}")));
    }
    let empty = Map::new();
    let m = as_map(raw, loc, &empty)?;
    let kind = match opt_str(m, "type", loc)?.as_deref() {
        None => return Err(loc.child("type").err("storage type is required")),
        Some("filesystem") => StorageKind::Filesystem,
        Some("block") => StorageKind::Block,
        Some(other) => {
            return Err(loc.child("type").err(format!(
                "unknown storage type {other:?} (want filesystem or block)"
            )))
        }
    };
    let location = opt_str(m, "location", loc)?;
    if kind == StorageKind::Block && location.is_some() {
        return Err(loc
            .child("location")
            .err("location may not be given for block storage"));
    }
    let (count_min, count_max) = match m.get("multiple") {
        None | Some(Value::Null) => (1, Some(1)),
        Some(multiple) => {
            let mloc = loc.child("multiple");
            let mm = as_map(multiple, &mloc, &empty)?;
            match mm.get("range") {
                None | Some(Value::Null) => {
                    return Err(mloc.child("range").err("range is required"))
                }
                Some(r) => parse_range(r, &mloc.child("range"))?,
            }
        }
    };
    let minimum_size_mib = match m.get("minimum-size") {
        None | Some(Value::Null) => None,
        Some(v) => Some(parse_size_mib(v).ok_or_else(|| {
            loc.child("minimum-size")
                .err(format!("invalid size {v} (want e.g. 512M, 10G)"))
        })?),
    };
    let ploc = loc.child("properties");
    let properties = match m.get("properties") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some("transient") => out.push("transient".to_string()),
                    _ => {
                        return Err(ploc
                            .index(i)
                            .err(format!("unknown storage property {item}")))
                    }
                }
            }
            out
        }
        Some(other) => return Err(ploc.err(format!("expected a list, got {}", yaml::kind(other)))),
    };
    Ok(StorageSpec {
        name: name.to_string(),
        kind,
        description: opt_str(m, "description", loc)?.unwrap_or_default(),
        location,
        shared: opt_bool(m, "shared", loc)?,
        read_only: opt_bool(m, "read-only", loc)?,
        count_min,
        count_max,
        minimum_size_mib,
        properties,
    })
}

fn parse_resource(name: &str, raw: &Value, loc: &Loc) -> Result<ResourceSpec, CharmError> {
    let empty = Map::new();
    let m = as_map(raw, loc, &empty)?;
    let kind = match opt_str(m, "type", loc)?.as_deref() {
        None | Some("file") => ResourceKind::File,
        Some("oci-image") => ResourceKind::OciImage,
        Some(other) => {
            return Err(loc.child("type").err(format!(
                "unknown resource type {other:?} (want file or oci-image)"
            )))
        }
    };
    let filename = opt_str(m, "filename", loc)?.filter(|f| !f.is_empty());
    match (&kind, &filename) {
        (ResourceKind::File, None) => {
            return Err(loc
                .child("filename")
                .err("filename is required for file resources"))
        }
        (ResourceKind::File, Some(f)) if f.contains('/') || f == "." || f == ".." => {
            return Err(loc
                .child("filename")
                .err(format!("filename {f:?} must be a plain file name")))
        }
        _ => {}
    }
    Ok(ResourceSpec {
        name: name.to_string(),
        kind,
        filename,
        description: opt_str(m, "description", loc)?.unwrap_or_default(),
        upstream_source: opt_str(m, "upstream-source", loc)?,
    })
}

fn parse_container(
    name: &str,
    raw: &Value,
    loc: &Loc,
    meta: &Metadata,
) -> Result<ContainerSpec, CharmError> {
    let empty = Map::new();
    let m = as_map(raw, loc, &empty)?;
    let resource = opt_str(m, "resource", loc)?;
    let bases = m.get("bases").filter(|v| !v.is_null()).cloned();
    if let Some(r) = &resource {
        match meta.resources.get(r) {
            Some(spec) if spec.kind == ResourceKind::OciImage => {}
            Some(_) => {
                return Err(loc
                    .child("resource")
                    .err(format!("resource {r:?} is not an oci-image resource")))
            }
            None => {
                return Err(loc
                    .child("resource")
                    .err(format!("resource {r:?} is not declared in resources")))
            }
        }
    }
    let mloc = loc.child("mounts");
    let mut mounts = Vec::new();
    match m.get("mounts") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let iloc = mloc.index(i);
                let im = as_map(item, &iloc, &empty)?;
                let storage = opt_str(im, "storage", &iloc)?
                    .ok_or_else(|| iloc.child("storage").err("storage is required"))?;
                if !meta.storage.contains_key(&storage) {
                    return Err(iloc
                        .child("storage")
                        .err(format!("storage {storage:?} is not declared in storage")));
                }
                mounts.push(Mount {
                    storage,
                    location: opt_str(im, "location", &iloc)?,
                });
            }
        }
        Some(other) => return Err(mloc.err(format!("expected a list, got {}", yaml::kind(other)))),
    }
    Ok(ContainerSpec {
        name: name.to_string(),
        resource,
        bases,
        mounts,
        uid: opt_u32(m, "uid", loc)?,
        gid: opt_u32(m, "gid", loc)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Metadata::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_a_full_metadata() {
        let meta = Metadata::parse(
            r#"
name: test-charm
summary: A test charm
description: |
  Longer text.
provides:
  website: http
  metrics_endpoint:
    interface: prometheus_scrape
    limit: 3
requires:
  db:
    interface: mysql
    optional: true
  info:
    interface: juju-info
    scope: container
peers:
  cluster: {interface: cluster-peers}
extra-bindings:
  admin-api:
storage:
  data:
    type: filesystem
    location: /srv/data
    multiple: {range: 0-}
    minimum-size: 1G
    properties: [transient]
  raw:
    type: block
    read-only: true
    shared: true
resources:
  config-file:
    type: file
    filename: test-file.txt
    description: a file
  image:
    type: oci-image
    upstream-source: ubuntu:22.04
containers:
  workload:
    resource: image
    mounts:
      - storage: data
        location: /data
assumes:
  - k8s-api
maintainer: someone
"#,
        )
        .unwrap();
        assert_eq!(meta.name, "test-charm");
        assert_eq!(meta.summary, "A test charm");
        assert_eq!(meta.description, "Longer text.\n");
        assert!(!meta.subordinate);
        assert_eq!(
            meta.provides["website"],
            Endpoint {
                name: "website".into(),
                role: Role::Provider,
                interface: "http".into(),
                limit: None,
                scope: Scope::Global,
                optional: false
            }
        );
        assert_eq!(meta.provides["metrics_endpoint"].limit, Some(3));
        assert!(meta.requires["db"].optional);
        assert_eq!(meta.requires["info"].scope, Scope::Container);
        assert_eq!(meta.peers["cluster"].role, Role::Peer);
        let names: Vec<_> = meta.all_endpoints().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["metrics_endpoint", "website", "db", "info", "cluster"]
        );
        assert_eq!(meta.endpoint("db").unwrap().interface, "mysql");
        assert!(meta.endpoint("nope").is_none());
        assert_eq!(
            meta.extra_bindings.iter().collect::<Vec<_>>(),
            ["admin-api"]
        );
        let data = &meta.storage["data"];
        assert_eq!(data.kind, StorageKind::Filesystem);
        assert_eq!(data.location.as_deref(), Some("/srv/data"));
        assert_eq!((data.count_min, data.count_max), (0, None));
        assert_eq!(data.minimum_size_mib, Some(1024));
        assert_eq!(data.properties, ["transient"]);
        let raw = &meta.storage["raw"];
        assert_eq!(raw.kind, StorageKind::Block);
        assert!(raw.read_only && raw.shared);
        assert_eq!((raw.count_min, raw.count_max), (1, Some(1)));
        assert_eq!(
            meta.resources["config-file"].filename.as_deref(),
            Some("test-file.txt")
        );
        assert_eq!(meta.resources["image"].kind, ResourceKind::OciImage);
        assert_eq!(
            meta.resources["image"].upstream_source.as_deref(),
            Some("ubuntu:22.04")
        );
        let c = &meta.containers["workload"];
        assert_eq!(c.resource.as_deref(), Some("image"));
        assert_eq!(
            c.mounts,
            [Mount {
                storage: "data".into(),
                location: Some("/data".into())
            }]
        );
        assert!(meta.is_sidecar());
        assert_eq!(meta.assumes, Some(serde_json::json!(["k8s-api"])));
    }

    #[test]
    fn minimal_and_subordinate() {
        let meta = Metadata::parse("name: x\n").unwrap();
        assert_eq!(meta.name, "x");
        assert!(meta.all_endpoints().next().is_none());
        assert!(!meta.is_sidecar());

        let sub = Metadata::parse(
            "name: sub\nsubordinate: true\nrequires:\n  juju-info:\n    interface: juju-info\n    scope: container\n",
        );
        // The endpoint *name* juju-info is reserved even though the interface is fine.
        assert_eq!(
            sub.unwrap_err().to_string(),
            "metadata.yaml: requires.juju-info: endpoint name \"juju-info\" is reserved"
        );
        let sub = Metadata::parse(
            "name: sub\nsubordinate: true\nrequires:\n  host:\n    interface: juju-info\n    scope: container\n",
        )
        .unwrap();
        assert!(sub.subordinate);
        assert_eq!(sub.requires["host"].interface, "juju-info");

        // YAML 1.1 booleans, as Juju reads them.
        let sub = Metadata::parse(
            "name: sub\nsubordinate: yes\nrequires:\n  host:\n    interface: juju-info\n    scope: container\n    optional: on\n",
        )
        .unwrap();
        assert!(sub.subordinate && sub.requires["host"].optional);

        // A charm named juju-* may use reserved names.
        let j = Metadata::parse("name: juju-thing\nprovides:\n  juju-x: juju-y\n").unwrap();
        assert_eq!(j.provides["juju-x"].interface, "juju-y");
        assert_eq!(implicit_juju_info().interface, "juju-info");
    }

    #[test]
    fn ranges_and_sizes() {
        let loc = Loc::root("m");
        let good = [
            (serde_json::json!("2"), (2, Some(2))),
            (serde_json::json!(3), (3, Some(3))),
            (serde_json::json!("1-5"), (1, Some(5))),
            (serde_json::json!("0-"), (0, None)),
            (serde_json::json!("2+"), (2, None)),
        ];
        for (raw, want) in good {
            assert_eq!(parse_range(&raw, &loc).unwrap(), want, "{raw}");
        }
        for raw in ["", "a", "5-1", "0", "-3", "1-2-3", "+", "1+2"] {
            assert!(parse_range(&serde_json::json!(raw), &loc).is_err(), "{raw}");
        }
        let sizes = [
            ("1G", Some(1024)),
            ("512M", Some(512)),
            ("100", Some(100)),
            ("1.5G", Some(1536)),
            ("2GiB", Some(2048)),
            ("1T", Some(1024 * 1024)),
            ("1g", Some(1024)),
            ("1X", None),
            ("G", None),
            ("-1G", None),
        ];
        for (raw, want) in sizes {
            assert_eq!(parse_size_mib(&serde_json::json!(raw)), want, "{raw}");
        }
        assert_eq!(parse_size_mib(&serde_json::json!(10)), Some(10));
    }

    #[test]
    fn rejects_bad_metadata() {
        let cases: &[(&str, &str)] = &[
            ("", "metadata.yaml: name: charm name is required"),
            ("summary: x\n", "metadata.yaml: name: charm name is required"),
            ("- a\n", "metadata.yaml: expected a mapping, got a list"),
            (
                "name: Bad_Name\n",
                "metadata.yaml: name: invalid charm name \"Bad_Name\" (lowercase letters, digits and hyphens, starting with a letter)",
            ),
            ("name: 1abc\n", "metadata.yaml: name: invalid charm name \"1abc\""),
            ("name: [a]\n", "metadata.yaml: name: expected a string, got a list"),
            ("name: x\nsubordinate: maybe\n", "metadata.yaml: subordinate: expected a boolean, got a string"),
            ("name: x\nrequires:\n  db: {}\n", "metadata.yaml: requires.db: interface is required"),
            ("name: x\nrequires:\n  db:\n", "metadata.yaml: requires.db: interface is required"),
            ("name: x\nrequires:\n  db: ''\n", "metadata.yaml: requires.db: interface is required"),
            ("name: x\nrequires:\n  db: [mysql]\n", "metadata.yaml: requires.db: expected a mapping, got a list"),
            ("name: x\nrequires: [db]\n", "metadata.yaml: requires: expected a mapping, got a list"),
            (
                "name: x\nprovides:\n  db: mysql\nrequires:\n  db: mysql\n",
                "metadata.yaml: requires.db: endpoint name \"db\" is already used in provides",
            ),
            (
                "name: x\nrequires:\n  db: mysql\npeers:\n  db: mysql\n",
                "metadata.yaml: peers.db: endpoint name \"db\" is already used in requires",
            ),
            ("name: x\nprovides:\n  juju: http\n", "metadata.yaml: provides.juju: endpoint name \"juju\" is reserved"),
            ("name: x\nrequires:\n  juju-foo: http\n", "metadata.yaml: requires.juju-foo: endpoint name \"juju-foo\" is reserved"),
            ("name: x\nprovides:\n  info: juju-info\n", "metadata.yaml: provides.info: interface \"juju-info\" is reserved"),
            (
                "name: x\npeers:\n  p:\n    interface: juju\n",
                "metadata.yaml: peers.p.interface: interface \"juju\" is reserved",
            ),
            ("name: x\nprovides:\n  Web: http\n", "metadata.yaml: provides.Web: invalid endpoint name \"Web\""),
            ("name: x\nprovides:\n  web--x: http\n", "metadata.yaml: provides.web--x: invalid endpoint name \"web--x\""),
            (
                "name: x\nrequires:\n  db:\n    interface: mysql\n    scope: machine\n",
                "metadata.yaml: requires.db.scope: unknown scope \"machine\" (want global or container)",
            ),
            (
                "name: x\nrequires:\n  db:\n    interface: mysql\n    limit: -1\n",
                "metadata.yaml: requires.db.limit: expected a non-negative integer, got -1",
            ),
            (
                "name: x\nrequires:\n  db:\n    interface: mysql\n    optional: 1\n",
                "metadata.yaml: requires.db.optional: expected a boolean, got a number",
            ),
            (
                "name: sub\nsubordinate: true\nrequires:\n  db: mysql\n",
                "metadata.yaml: subordinate: subordinate charm \"sub\" lacks a requires endpoint with scope container",
            ),
            (
                "name: sub\nsubordinate: true\nprovides:\n  host:\n    interface: foo\n    scope: container\n",
                "metadata.yaml: subordinate: subordinate charm \"sub\" lacks a requires endpoint",
            ),
            (
                "name: x\nprovides:\n  web: http\nextra-bindings:\n  web:\n",
                "metadata.yaml: extra-bindings.web: binding name \"web\" is already used in provides",
            ),
            ("name: x\nextra-bindings: 3\n", "metadata.yaml: extra-bindings: expected a mapping, got a number"),
            ("name: x\nstorage:\n  data: {}\n", "metadata.yaml: storage.data.type: storage type is required"),
            (
                "name: x\nstorage:\n  data:\n    type: tmpfs\n",
                "metadata.yaml: storage.data.type: unknown storage type \"tmpfs\" (want filesystem or block)",
            ),
            (
                "name: x\nstorage:\n  data:\n    type: block\n    location: /x\n",
                "metadata.yaml: storage.data.location: location may not be given for block storage",
            ),
            (
                "name: x\nstorage:\n  data:\n    type: filesystem\n    multiple: {range: 3-1}\n",
                "metadata.yaml: storage.data.multiple.range: invalid range \"3-1\" (want N, N-M, N- or N+)",
            ),
            (
                "name: x\nstorage:\n  data:\n    type: filesystem\n    multiple: {}\n",
                "metadata.yaml: storage.data.multiple.range: range is required",
            ),
            (
                "name: x\nstorage:\n  data:\n    type: filesystem\n    minimum-size: lots\n",
                "metadata.yaml: storage.data.minimum-size: invalid size \"lots\" (want e.g. 512M, 10G)",
            ),
            (
                "name: x\nstorage:\n  data:\n    type: filesystem\n    properties: [fast]\n",
                "metadata.yaml: storage.data.properties[0]: unknown storage property \"fast\"",
            ),
            (
                "name: x\nstorage:\n  data:\n    type: filesystem\n    read-only: nope\n",
                "metadata.yaml: storage.data.read-only: expected a boolean, got a string",
            ),
            (
                "name: x\nresources:\n  f:\n    type: file\n",
                "metadata.yaml: resources.f.filename: filename is required for file resources",
            ),
            (
                "name: x\nresources:\n  f:\n    description: no type means file\n",
                "metadata.yaml: resources.f.filename: filename is required for file resources",
            ),
            (
                "name: x\nresources:\n  f:\n    filename: ../etc/passwd\n",
                "metadata.yaml: resources.f.filename: filename \"../etc/passwd\" must be a plain file name",
            ),
            (
                "name: x\nresources:\n  f:\n    type: docker\n",
                "metadata.yaml: resources.f.type: unknown resource type \"docker\" (want file or oci-image)",
            ),
            (
                "name: x\ncontainers:\n  c:\n    resource: img\n",
                "metadata.yaml: containers.c.resource: resource \"img\" is not declared in resources",
            ),
            (
                "name: x\nresources:\n  img: {type: file, filename: a}\ncontainers:\n  c:\n    resource: img\n",
                "metadata.yaml: containers.c.resource: resource \"img\" is not an oci-image resource",
            ),
            (
                "name: x\nresources:\n  img: {type: oci-image}\ncontainers:\n  c:\n    resource: img\n    mounts:\n      - storage: nope\n",
                "metadata.yaml: containers.c.mounts[0].storage: storage \"nope\" is not declared in storage",
            ),
            (
                "name: x\nresources:\n  img: {type: oci-image}\ncontainers:\n  c:\n    resource: img\n    mounts:\n      - location: /x\n",
                "metadata.yaml: containers.c.mounts[0].storage: storage is required",
            ),
        ];
        for (text, want) in cases {
            let got = err(text);
            assert!(
                got.starts_with(want),
                "for {text:?}\n got: {got}\nwant: {want}"
            );
        }
    }

    #[test]
    fn containers_with_bases_only_or_nothing() {
        let meta = Metadata::parse("name: x\ncontainers:\n  test:\n").unwrap();
        assert_eq!(meta.containers["test"].resource, None);
        let meta = Metadata::parse(
            "name: x\ncontainers:\n  c:\n    bases:\n      - name: ubuntu\n        channel: '22.04'\n    uid: 1000\n",
        )
        .unwrap();
        assert!(meta.containers["c"].bases.is_some());
        assert_eq!(meta.containers["c"].uid, Some(1000));
    }

    #[test]
    fn serde_round_trip() {
        let meta = Metadata::parse("name: x\nrequires:\n  db: mysql\n").unwrap();
        let json = serde_json::to_value(&meta).unwrap();
        assert_eq!(json["requires"]["db"]["role"], "requirer");
        assert_eq!(json["requires"]["db"]["scope"], "global");
        let back: Metadata = serde_json::from_value(json).unwrap();
        assert_eq!(back, meta);
    }
}
