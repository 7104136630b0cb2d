//! The classic charm files that `charmcraft pack` generates from a unified
//! `charmcraft.yaml`, for a charm directory that has only that file.
//!
//! Older `ops` (2.x) and other charm libraries read only `metadata.yaml`,
//! `config.yaml` and `actions.yaml`, so a deployed charm must carry them as
//! a packed one does. What goes where follows charmcraft:
//! * `metadata.yaml`: the metadata keys (`name`, `summary`, `description`,
//!   `assumes`, `charm-user`, `containers`, `devices`, `extra-bindings`,
//!   `peers`, `provides`, `requires`, `resources`, `storage`,
//!   `subordinate`, `terms`, and the legacy `display-name`, `docs`,
//!   `issues`, `maintainers`, `source`, `website`); `title` becomes
//!   `display-name`; `links` is flattened (`documentation` → `docs`,
//!   `contact` → `maintainers` as a list, `issues`, `source`, `website`
//!   kept); `extra_bindings` is read as `extra-bindings`. Everything else
//!   (`type`, `base`, `bases`, `build-base`, `platforms`, `parts`,
//!   `charmhub`, `charm-libs`, `config`, `actions`, ...) is left out.
//! * `config.yaml`: the value of `config:` (`{options: ...}`), as written.
//! * `actions.yaml`: the value of `actions:`, as written.
//! * `manifest.yaml`: the bases the charm runs on (`bases:`), which is where
//!   a packed charm declares them.
//!
//! A file the charm directory already has is never replaced, and nothing is
//! generated when it has a `metadata.yaml` (then it is not a unified charm).

use std::path::Path;

use serde_json::{json, Map, Value};

use super::{yaml, Base, CharmError};

/// Metadata keys charmcraft copies unchanged from `charmcraft.yaml` into
/// `metadata.yaml`.
const METADATA_KEYS: &[&str] = &[
    "name",
    "display-name",
    "summary",
    "description",
    "maintainers",
    "assumes",
    "charm-user",
    "containers",
    "devices",
    "docs",
    "extra-bindings",
    "issues",
    "peers",
    "provides",
    "requires",
    "resources",
    "source",
    "storage",
    "subordinate",
    "terms",
    "website",
];

/// The files to add to the unified charm in `dir`: `(file name, text)` for
/// each classic file it lacks and `charmcraft.yaml` has content for. Empty
/// when `dir` has a `metadata.yaml` or no `charmcraft.yaml`. `bases` are
/// the charm's bases as [`super::load_dir`] read them.
pub fn classic_files(
    dir: &Path,
    bases: &[Base],
) -> Result<Vec<(&'static str, String)>, CharmError> {
    const FILE: &str = "charmcraft.yaml";
    if dir.join("metadata.yaml").exists() {
        return Ok(Vec::new());
    }
    let path = dir.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(CharmError::io(path, e)),
    };
    let doc = yaml::parse(FILE, &text)?;
    let empty = Map::new();
    let top = yaml::as_map(&doc, &yaml::Loc::root(FILE), &empty)?;

    let mut out = Vec::new();
    let mut add = |name: &'static str, value: &Value| -> Result<(), CharmError> {
        if !dir.join(name).exists() {
            out.push((name, to_yaml(name, value)?));
        }
        Ok(())
    };
    add("metadata.yaml", &Value::Object(metadata(top)))?;
    if let Some(config) = top.get("config").filter(|v| !v.is_null()) {
        add("config.yaml", config)?;
    }
    if let Some(actions) = top.get("actions").filter(|v| !v.is_null()) {
        add("actions.yaml", actions)?;
    }
    if !bases.is_empty() {
        add("manifest.yaml", &manifest(bases))?;
    }
    Ok(out)
}

/// The `manifest.yaml` `charmcraft pack` writes for the project in `dir`
/// (which has `metadata.yaml` beside its `charmcraft.yaml`, so
/// [`classic_files`] adds nothing): its bases, if `charmcraft.yaml`
/// declares any. `None` when there is no `charmcraft.yaml`, no bases, or a
/// `manifest.yaml` already.
pub fn project_manifest(dir: &Path) -> Result<Option<String>, CharmError> {
    const FILE: &str = "charmcraft.yaml";
    if dir.join("manifest.yaml").exists() {
        return Ok(None);
    }
    let path = dir.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CharmError::io(path, e)),
    };
    let doc = yaml::parse(FILE, &text)?;
    let empty = Map::new();
    let loc = yaml::Loc::root(FILE);
    let top = yaml::as_map(&doc, &loc, &empty)?;
    let bases = super::charmcraft_bases(top, &loc)?;
    if bases.is_empty() {
        return Ok(None);
    }
    to_yaml("manifest.yaml", &manifest(&bases)).map(Some)
}

/// Write the files of [`classic_files`] into `dir`; returns their names.
pub fn write_classic_files(dir: &Path, bases: &[Base]) -> Result<Vec<&'static str>, CharmError> {
    let files = classic_files(dir, bases)?;
    for (name, text) in &files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| CharmError::io(path, e))?;
    }
    Ok(files.into_iter().map(|(name, _)| name).collect())
}

/// The `metadata.yaml` mapping charmcraft derives from the top of
/// `charmcraft.yaml`.
fn metadata(top: &Map<String, Value>) -> Map<String, Value> {
    let mut meta = Map::new();
    for (key, value) in top {
        let key = match key.as_str() {
            "extra_bindings" => "extra-bindings",
            k => k,
        };
        if METADATA_KEYS.contains(&key) && !value.is_null() {
            meta.insert(key.to_string(), value.clone());
        }
    }
    if let Some(Value::Object(links)) = top.get("links") {
        for (key, value) in links {
            if value.is_null() {
                continue;
            }
            match key.as_str() {
                "documentation" => {
                    meta.insert("docs".into(), value.clone());
                }
                "contact" => {
                    let list = match value {
                        Value::Array(_) => value.clone(),
                        other => Value::Array(vec![other.clone()]),
                    };
                    meta.insert("maintainers".into(), list);
                }
                other => {
                    meta.insert(other.to_string(), value.clone());
                }
            }
        }
    }
    if let Some(title) = top.get("title").filter(|v| !v.is_null()) {
        meta.insert("display-name".into(), title.clone());
    }
    meta
}

/// A `manifest.yaml` declaring `bases`, as a packed charm's does.
fn manifest(bases: &[Base]) -> Value {
    let list: Vec<Value> = bases
        .iter()
        .map(|b| {
            json!({
                "name": b.name,
                "channel": b.channel,
                "architectures": b.architectures,
            })
        })
        .collect();
    json!({ "bases": list })
}

fn to_yaml(file: &str, value: &Value) -> Result<String, CharmError> {
    let body = serde_yaml_ng::to_string(value).map_err(|e| CharmError::Invalid {
        file: file.to_string(),
        path: String::new(),
        message: format!("cannot write: {e}"),
    })?;
    Ok(format!(
        "# Generated by minijuju from charmcraft.yaml, as charmcraft pack does.\n{body}"
    ))
}

#[cfg(test)]
mod tests {
    use super::super::load_dir;
    use super::*;
    use std::fs;

    const UNIFIED: &str = r#"
name: unified
type: charm
title: Unified
summary: one file
description: all in charmcraft.yaml
links:
  documentation: https://example.com/docs
  contact: Jane <jane@example.com>
  issues: https://example.com/issues
  source: [https://example.com/src]
  website: https://example.com
base: ubuntu@24.04
platforms:
  amd64:
  arm64:
parts:
  charm: {plugin: charm}
charmhub:
  api-url: https://api.example.com
subordinate: false
assumes: [juju >= 3.1]
extra_bindings:
  metrics:
requires:
  db:
    interface: postgresql_client
    limit: 1
peers:
  ring: {interface: ring}
resources:
  blob: {type: file, filename: blob.bin}
storage:
  data: {type: filesystem, location: /srv/data}
config:
  options:
    port:
      type: int
      default: 8080
actions:
  go:
    description: Go.
    params:
      n: {type: integer}
"#;

    fn yaml_of(files: &[(&str, String)], name: &str) -> Value {
        let (_, text) = files.iter().find(|(n, _)| *n == name).unwrap();
        assert!(text.starts_with("# Generated by minijuju"), "{text}");
        serde_yaml_ng::from_str(text).unwrap()
    }

    #[test]
    fn generates_what_charmcraft_pack_writes() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("charmcraft.yaml"), UNIFIED).unwrap();
        let before = load_dir(dir.path()).unwrap();
        let files = classic_files(dir.path(), &before.bases).unwrap();
        let names: Vec<_> = files.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "metadata.yaml",
                "config.yaml",
                "actions.yaml",
                "manifest.yaml"
            ]
        );
        assert_eq!(
            yaml_of(&files, "metadata.yaml"),
            json!({
                "name": "unified",
                "display-name": "Unified",
                "summary": "one file",
                "description": "all in charmcraft.yaml",
                "docs": "https://example.com/docs",
                "maintainers": ["Jane <jane@example.com>"],
                "issues": "https://example.com/issues",
                "source": ["https://example.com/src"],
                "website": "https://example.com",
                "subordinate": false,
                "assumes": ["juju >= 3.1"],
                "extra-bindings": {"metrics": null},
                "requires": {"db": {"interface": "postgresql_client", "limit": 1}},
                "peers": {"ring": {"interface": "ring"}},
                "resources": {"blob": {"type": "file", "filename": "blob.bin"}},
                "storage": {"data": {"type": "filesystem", "location": "/srv/data"}},
            })
        );
        assert_eq!(
            yaml_of(&files, "config.yaml"),
            json!({"options": {"port": {"type": "int", "default": 8080}}})
        );
        assert_eq!(
            yaml_of(&files, "actions.yaml"),
            json!({"go": {"description": "Go.", "params": {"n": {"type": "integer"}}}})
        );
        assert_eq!(
            yaml_of(&files, "manifest.yaml"),
            json!({"bases": [{"name": "ubuntu", "channel": "24.04", "architectures": ["amd64", "arm64"]}]})
        );

        // Written into the directory, the classic files describe the same charm.
        let written = write_classic_files(dir.path(), &before.bases).unwrap();
        assert_eq!(written, names);
        assert_eq!(load_dir(dir.path()).unwrap(), before);
        // Once there, nothing more is generated.
        assert!(classic_files(dir.path(), &before.bases).unwrap().is_empty());
    }

    #[test]
    fn keeps_files_the_charm_has_and_skips_missing_sections() {
        let dir = tempfile::tempdir().unwrap();
        let own_actions = "# the charm's own\nmine: {}\n";
        fs::write(
            dir.path().join("charmcraft.yaml"),
            "name: split\nsummary: s\nactions:\n  theirs: {}\n",
        )
        .unwrap();
        fs::write(dir.path().join("actions.yaml"), own_actions).unwrap();
        let written = write_classic_files(dir.path(), &[]).unwrap();
        // No config section, no bases: only metadata.yaml; actions.yaml stays.
        assert_eq!(written, ["metadata.yaml"]);
        assert_eq!(
            fs::read_to_string(dir.path().join("actions.yaml")).unwrap(),
            own_actions
        );
        assert!(!dir.path().join("config.yaml").exists());
        assert!(!dir.path().join("manifest.yaml").exists());

        // A charm with metadata.yaml is not a unified one: nothing is added.
        let classic = tempfile::tempdir().unwrap();
        fs::write(classic.path().join("metadata.yaml"), "name: c\n").unwrap();
        fs::write(
            classic.path().join("charmcraft.yaml"),
            "type: charm\nconfig:\n  options: {x: {type: int}}\n",
        )
        .unwrap();
        assert!(write_classic_files(classic.path(), &[]).unwrap().is_empty());
        assert!(!classic.path().join("config.yaml").exists());

        // Neither file: nothing to do.
        let none = tempfile::tempdir().unwrap();
        assert!(classic_files(none.path(), &[]).unwrap().is_empty());
    }
}
