//! Charm reading and validation: a charm directory or `.charm` archive is
//! turned into a [`Charm`] holding its validated [`Metadata`],
//! [`ConfigSchema`] and [`Actions`].
//!
//! A charm describes itself either with the classic files `metadata.yaml`
//! plus optional `config.yaml` and `actions.yaml`, or with one unified
//! `charmcraft.yaml` holding the metadata keys at its top, the options under
//! `config: {options: ...}` and the actions under `actions:`. When both
//! `metadata.yaml` and `charmcraft.yaml` exist, `metadata.yaml` wins (a
//! packed charm carries the generated classic files). `manifest.yaml`, written
//! by charmcraft, gives the bases the charm runs on. [`write_classic_files`]
//! adds the classic files to a unified charm directory, as `charmcraft pack`
//! does, for charm code that reads only those (ops 2.x).
//!
//! Every validation error names the file, the dotted key path and the
//! problem, e.g. `metadata.yaml: requires.db: interface is required`.

mod actions;
mod archive;
mod charmcraft;
mod config;
pub mod dispatch;
mod metadata;
mod settings;
mod yaml;

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use actions::{is_valid_action_name, ActionSpec, Actions};
pub use archive::{extract_archive, is_archive, write_archive};
pub use charmcraft::{classic_files, project_manifest, write_classic_files};
pub use config::{
    is_secret_uri, parse_go_bool, ConfigError, ConfigOption, ConfigSchema, Effective, OptionType,
};
pub use metadata::{
    implicit_juju_info, parse_size_mib, ContainerSpec, Endpoint, Metadata, Mount, ResourceKind,
    ResourceSpec, Role, Scope, StorageKind, StorageSpec,
};
pub use settings::{read_settings_yaml, FileSettings};

use yaml::{as_map, opt_str, Loc};

/// Why a charm could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CharmError {
    /// A file's content breaks a rule; `path` is the dotted key path (empty
    /// for the whole file).
    #[error("{}", located(.file, .path, .message))]
    Invalid {
        file: String,
        path: String,
        message: String,
    },
    /// A file is not valid YAML.
    #[error("{file}: invalid YAML: {message}")]
    Yaml { file: String, message: String },
    /// Reading or writing a file failed.
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A `.charm` file is not a zip archive at all.
    #[error("{}: not a zip archive: {message}", .archive.display())]
    NotAZip { archive: PathBuf, message: String },
    /// A `.charm` archive is unreadable or unsafe.
    #[error("{}: {message}", .archive.display())]
    Archive { archive: PathBuf, message: String },
    /// Neither `metadata.yaml` nor `charmcraft.yaml` is present.
    #[error("{}: not a charm (no metadata.yaml or charmcraft.yaml)", .0.display())]
    NotACharm(PathBuf),
}

fn located(file: &str, path: &str, message: &str) -> String {
    if path.is_empty() {
        format!("{file}: {message}")
    } else {
        format!("{file}: {path}: {message}")
    }
}

impl CharmError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        CharmError::Io {
            path: path.into(),
            source,
        }
    }
}

/// A base a charm runs on, from `manifest.yaml` (or `charmcraft.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Base {
    /// OS name, e.g. `ubuntu`.
    pub name: String,
    /// OS channel, e.g. `24.04`.
    pub channel: String,
    pub architectures: Vec<String>,
}

impl Base {
    /// Juju's display form, e.g. `ubuntu@24.04`.
    pub fn display(&self) -> String {
        format!("{}@{}", self.name, self.channel)
    }
}

/// A whole charm's self-description.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Charm {
    pub meta: Metadata,
    pub config: ConfigSchema,
    pub actions: Actions,
    /// The bases from `manifest.yaml`, or from `base`/`bases` in a unified
    /// `charmcraft.yaml`; empty when neither says.
    pub bases: Vec<Base>,
}

/// Where charm files are read from: a directory or an open archive.
trait Source {
    /// The text of `name` (a path relative to the charm root), or `None`
    /// when there is no such file.
    fn read(&mut self, name: &str) -> Result<Option<String>, CharmError>;
}

struct DirSource<'a>(&'a Path);

impl Source for DirSource<'_> {
    fn read(&mut self, name: &str) -> Result<Option<String>, CharmError> {
        let path = self.0.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
                CharmError::io(
                    path,
                    io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8"),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(CharmError::io(path, e)),
        }
    }
}

/// Read and validate the unpacked charm in directory `path`.
pub fn load_dir(path: &Path) -> Result<Charm, CharmError> {
    let md = std::fs::metadata(path).map_err(|e| CharmError::io(path, e))?;
    if !md.is_dir() {
        return Err(CharmError::io(
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "not a directory"),
        ));
    }
    load_from(&mut DirSource(path), path)
}

/// Read and validate a `.charm` archive without unpacking it.
pub fn load_archive(path: &Path) -> Result<Charm, CharmError> {
    let mut src = archive::ZipSource::open(path)?;
    load_from(&mut src, path)
}

/// [`load_archive`] for an archive file, [`load_dir`] otherwise.
pub fn load(path: &Path) -> Result<Charm, CharmError> {
    if is_archive(path) {
        load_archive(path)
    } else {
        load_dir(path)
    }
}

fn load_from(src: &mut dyn Source, origin: &Path) -> Result<Charm, CharmError> {
    let empty = Map::new();
    if let Some(text) = src.read("metadata.yaml")? {
        let meta = Metadata::parse(&text)?;
        let config = match src.read("config.yaml")? {
            Some(text) => ConfigSchema::parse(&text)?,
            None => ConfigSchema::default(),
        };
        let actions = match src.read("actions.yaml")? {
            Some(text) => Actions::parse(&text, &meta.name)?,
            None => Actions::default(),
        };
        let bases = read_manifest(src)?;
        return Ok(Charm {
            meta,
            config,
            actions,
            bases,
        });
    }
    let Some(text) = src.read("charmcraft.yaml")? else {
        return Err(CharmError::NotACharm(origin.to_path_buf()));
    };
    const FILE: &str = "charmcraft.yaml";
    let mut doc = yaml::parse(FILE, &text)?;
    // charmcraft also accepts `extra_bindings` for `extra-bindings`.
    if let Value::Object(top) = &mut doc {
        if !top.contains_key("extra-bindings") {
            if let Some(v) = top.remove("extra_bindings") {
                top.insert("extra-bindings".into(), v);
            }
        }
    }
    let loc = Loc::root(FILE);
    let meta = metadata::parse_metadata(&doc, &loc)?;
    let top = as_map(&doc, &loc, &empty)?;
    // Keys missing from charmcraft.yaml may still come from separate files.
    let config = match top.get("config") {
        Some(v) => config::parse_config(v, &loc.child("config"))?,
        None => match src.read("config.yaml")? {
            Some(text) => ConfigSchema::parse(&text)?,
            None => ConfigSchema::default(),
        },
    };
    let actions = match top.get("actions") {
        Some(v) => actions::parse_actions(v, &loc.child("actions"), &meta.name)?,
        None => match src.read("actions.yaml")? {
            Some(text) => Actions::parse(&text, &meta.name)?,
            None => Actions::default(),
        },
    };
    let mut bases = read_manifest(src)?;
    if bases.is_empty() {
        bases = charmcraft_bases(top, &loc)?;
    }
    Ok(Charm {
        meta,
        config,
        actions,
        bases,
    })
}

/// The `bases` of `manifest.yaml`, if there is one.
fn read_manifest(src: &mut dyn Source) -> Result<Vec<Base>, CharmError> {
    const FILE: &str = "manifest.yaml";
    let Some(text) = src.read(FILE)? else {
        return Ok(Vec::new());
    };
    let doc = yaml::parse(FILE, &text)?;
    let loc = Loc::root(FILE);
    let empty = Map::new();
    let top = as_map(&doc, &loc, &empty)?;
    parse_bases(
        top.get("bases").unwrap_or(&Value::Null),
        &loc.child("bases"),
    )
}

/// Bases declared in a unified `charmcraft.yaml`: `base: ubuntu@24.04`
/// (with `platforms` naming architectures), or a `bases` list.
pub(crate) fn charmcraft_bases(
    top: &Map<String, Value>,
    loc: &Loc,
) -> Result<Vec<Base>, CharmError> {
    if let Some(base) = opt_str(top, "base", loc)? {
        let (name, channel) = base.split_once('@').ok_or_else(|| {
            loc.child("base")
                .err(format!("invalid base {base:?} (want NAME@CHANNEL)"))
        })?;
        let architectures = match top.get("platforms") {
            Some(Value::Object(p)) => p.keys().cloned().collect(),
            _ => Vec::new(),
        };
        return Ok(vec![Base {
            name: name.to_string(),
            channel: channel.to_string(),
            architectures,
        }]);
    }
    parse_bases(
        top.get("bases").unwrap_or(&Value::Null),
        &loc.child("bases"),
    )
}

/// A list of `{name, channel, architectures}` entries; charmcraft's
/// `{build-on: [...], run-on: [...]}` form contributes its `run-on` entries.
fn parse_bases(v: &Value, loc: &Loc) -> Result<Vec<Base>, CharmError> {
    let items = match v {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        other => {
            return Err(loc.err(format!("expected a list, got {}", yaml::kind(other))));
        }
    };
    let empty = Map::new();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = loc.index(i);
        let m = as_map(item, &at, &empty)?;
        if let Some(run_on) = m.get("run-on") {
            out.extend(parse_bases(run_on, &at.child("run-on"))?);
            continue;
        }
        let text = |key: &str| -> Result<String, CharmError> {
            match m.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                // An unquoted channel such as 24.04 reads as a number.
                Some(Value::Number(n)) => Ok(n.to_string()),
                _ => Err(at.child(key).err(format!("{key} is required"))),
            }
        };
        let architectures = match m.get("architectures") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        out.push(Base {
            name: text("name")?,
            channel: text("channel")?,
            architectures,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let p = dir.join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
    }

    const META: &str = "name: testdb\nsummary: s\nprovides:\n  db: mysql\n";
    const CONFIG: &str = "options:\n  testoption:\n    type: string\n    default: ''\n";
    const ACTIONS: &str = "do-it:\n  params:\n    n: {type: integer, default: 1}\n";
    const MANIFEST: &str = "bases:\n- architectures: [amd64]\n  channel: '24.04'\n  name: ubuntu\ncharmcraft-version: 3.0\n";

    #[test]
    fn classic_files() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("metadata.yaml", META),
                ("config.yaml", CONFIG),
                ("actions.yaml", ACTIONS),
                ("manifest.yaml", MANIFEST),
            ],
        );
        let c = load_dir(dir.path()).unwrap();
        assert_eq!(c.meta.name, "testdb");
        assert_eq!(c.meta.provides["db"].interface, "mysql");
        assert_eq!(c.config.defaults()["testoption"], "");
        assert!(c.actions.get("do-it").is_some());
        assert_eq!(c.bases.len(), 1);
        assert_eq!(c.bases[0].display(), "ubuntu@24.04");
        assert_eq!(c.bases[0].architectures, ["amd64"]);
        assert_eq!(load(dir.path()).unwrap(), c);
    }

    #[test]
    fn metadata_only() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[("metadata.yaml", META)]);
        let c = load_dir(dir.path()).unwrap();
        assert!(c.config.options.is_empty());
        assert!(c.actions.actions.is_empty());
        assert!(c.bases.is_empty());
    }

    #[test]
    fn unified_charmcraft_yaml() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[(
                "charmcraft.yaml",
                r#"
name: unified
type: charm
title: Unified
summary: one file
description: all in charmcraft.yaml
base: ubuntu@24.04
platforms:
  amd64:
parts:
  charm: {plugin: charm}
requires:
  db:
    interface: postgresql_client
    limit: 1
config:
  options:
    port:
      type: int
      default: 8080
actions:
  go:
    description: Go.
"#,
            )],
        );
        let c = load_dir(dir.path()).unwrap();
        assert_eq!(c.meta.name, "unified");
        assert_eq!(c.meta.requires["db"].limit, Some(1));
        assert_eq!(c.config.defaults()["port"], 8080);
        assert_eq!(c.actions.get("go").unwrap().description, "Go.");
        assert_eq!(
            c.bases,
            [Base {
                name: "ubuntu".into(),
                channel: "24.04".into(),
                architectures: vec!["amd64".into()]
            }]
        );
    }

    #[test]
    fn charmcraft_with_separate_files_and_bases_list() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                (
                    "charmcraft.yaml",
                    "name: split\nbases:\n  - build-on:\n      - {name: ubuntu, channel: '22.04'}\n    run-on:\n      - {name: ubuntu, channel: '22.04', architectures: [arm64]}\n",
                ),
                ("config.yaml", CONFIG),
                ("actions.yaml", ACTIONS),
            ],
        );
        let c = load_dir(dir.path()).unwrap();
        assert_eq!(c.meta.name, "split");
        assert!(c.config.options.contains_key("testoption"));
        assert!(c.actions.get("do-it").is_some());
        assert_eq!(c.bases[0].display(), "ubuntu@22.04");
        assert_eq!(c.bases[0].architectures, ["arm64"]);
    }

    #[test]
    fn metadata_yaml_wins_over_charmcraft_yaml() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("metadata.yaml", META),
                (
                    "charmcraft.yaml",
                    "type: charm\nname: other\nconfig:\n  options:\n    x: {type: int}\n",
                ),
            ],
        );
        let c = load_dir(dir.path()).unwrap();
        assert_eq!(c.meta.name, "testdb");
        assert!(c.config.options.is_empty());
    }

    #[test]
    fn errors_name_file_and_key() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[("metadata.yaml", "name: x\nrequires:\n  db: {}\n")],
                "metadata.yaml: requires.db: interface is required",
            ),
            (
                &[
                    ("metadata.yaml", META),
                    ("config.yaml", "options:\n  port:\n    type: integer\n"),
                ],
                "config.yaml: options.port.type: unknown option type \"integer\"",
            ),
            (
                &[("metadata.yaml", META), ("actions.yaml", "Bad-Name: {}\n")],
                "actions.yaml: Bad-Name: invalid action name",
            ),
            (
                &[("metadata.yaml", "name: [\n")],
                "metadata.yaml: invalid YAML: ",
            ),
            (
                &[(
                    "charmcraft.yaml",
                    "name: x\nconfig:\n  options:\n    port:\n      type: integer\n",
                )],
                "charmcraft.yaml: config.options.port.type: unknown option type \"integer\"",
            ),
            (
                &[("charmcraft.yaml", "name: x\nactions:\n  Bad-Name: {}\n")],
                "charmcraft.yaml: actions.Bad-Name: invalid action name",
            ),
            (
                &[("charmcraft.yaml", "type: charm\n")],
                "charmcraft.yaml: name: charm name is required",
            ),
            (
                &[("charmcraft.yaml", "name: x\nbase: noble\n")],
                "charmcraft.yaml: base: invalid base \"noble\" (want NAME@CHANNEL)",
            ),
            (
                &[
                    ("metadata.yaml", META),
                    ("manifest.yaml", "bases:\n- name: ubuntu\n"),
                ],
                "manifest.yaml: bases[0].channel: channel is required",
            ),
        ];
        for (files, want) in cases {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), files);
            let got = load_dir(dir.path()).unwrap_err().to_string();
            assert!(got.starts_with(want), "\n got: {got}\nwant: {want}");
        }
    }

    #[test]
    fn io_errors() {
        let dir = tempfile::tempdir().unwrap();
        let e = load_dir(dir.path()).unwrap_err();
        assert!(matches!(e, CharmError::NotACharm(_)));
        assert!(e
            .to_string()
            .ends_with(": not a charm (no metadata.yaml or charmcraft.yaml)"));

        let missing = dir.path().join("nope");
        let e = load_dir(&missing).unwrap_err();
        assert!(matches!(e, CharmError::Io { .. }), "{e}");
        assert!(e.to_string().starts_with(&missing.display().to_string()));

        fs::write(dir.path().join("metadata.yaml"), b"name: \xff\n").unwrap();
        let e = load_dir(dir.path()).unwrap_err().to_string();
        assert!(e.ends_with("metadata.yaml: not valid UTF-8"), "{e}");

        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let e = load_dir(&file).unwrap_err().to_string();
        assert!(e.ends_with("file: not a directory"), "{e}");
    }
}
