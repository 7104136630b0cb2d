//! `deploy <charm-path> [app] [-n N] [--config k=v|file.yaml]... [--to a,b] [--trust]
//! [--resource name=value]... [--storage name=directive]... [--constraints k=v]...`
//!
//! Local charms only (a directory or a `.charm` file). Charmhub names are
//! refused with a clear error; errors about the charm name it as given.
//!
//! `--config` as in Juju 3.6: `key=value` settings (for a key given twice
//! the later value wins; `key=@file` reads the value from a file) and at
//! most one YAML file keyed by application name. The controller takes the
//! file's section for the application once it knows the name (the charm's
//! name by default; see `juju_types::charm::read_settings_yaml`), and
//! `key=value` settings override it. `--config trust=...` is dropped, as
//! Juju does: trust comes from `--trust` (or `trust` in the file).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use controller_api::api::{DeployArgs, Deployed, Request, ResourceArg};
use juju_types::goerr::go_path_error;

use super::{comma_list, num_units, ModelArg};
use crate::{ctx, CliError, CliResult};

/// Juju's error when no charm is given.
pub const MISSING: &str = "no charm or bundle specified";

#[derive(Args, Debug)]
pub struct Deploy {
    #[command(flatten)]
    model: ModelArg,
    /// Path to a charm directory or `.charm` file.
    charm: String,
    /// Application name (default: the charm's name).
    application: Option<String>,
    /// Number of units.
    #[arg(
        short = 'n',
        long = "num-units",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    num_units: i64,
    /// `key=value` (repeatable; `key=@file` reads the value from a file),
    /// or one YAML file keyed by application name; `key=value` settings
    /// override the file's.
    #[arg(long)]
    config: Vec<String>,
    /// Placement: machine ids or `new`, comma-separated.
    #[arg(long)]
    to: Vec<String>,
    /// Grant access to trusted credentials.
    #[arg(long)]
    trust: bool,
    /// `name=path` (a file resource) or `name=image` (an oci-image
    /// resource); repeatable.
    #[arg(long)]
    resource: Vec<String>,
    /// Storage directives `name=[pool,][size,][count]` (repeatable).
    #[arg(long)]
    storage: Vec<String>,
    /// Machine constraints for the application (repeatable; recorded, as
    /// `set-constraints` does, not enforced).
    #[arg(long)]
    constraints: Vec<String>,
    /// Accepted for compatibility.
    #[arg(long)]
    base: Option<String>,
    /// Accepted for compatibility.
    #[arg(long)]
    channel: Option<String>,
    /// Accepted for compatibility.
    #[arg(long)]
    force: bool,
}

/// `--resource name=value` flags as Juju's `stringMap` flag reads them
/// (usage errors, exit 2); each value also as an absolute path, for the
/// controller to read a file resource from.
pub fn resource_args(values: &[String]) -> Result<Vec<ResourceArg>, CliError> {
    let mut out: Vec<ResourceArg> = Vec::new();
    for v in values {
        let invalid = |why: String| {
            CliError::usage(format!("invalid value {v:?} for flag --resource: {why}"))
        };
        let (name, value) = v
            .split_once('=')
            .ok_or_else(|| invalid(format!("badly formatted name value pair: {v}")))?;
        if out.iter().any(|r| r.name == name) {
            return Err(invalid(format!("duplicate name specified: {name:?}")));
        }
        out.push(ResourceArg {
            name: name.into(),
            value: value.into(),
            path: abs_path(value).display().to_string(),
        });
    }
    Ok(out)
}

/// `--config` values as Juju reads them.
pub struct ConfigArgs {
    /// `key=value` settings; for a key given twice the later value wins.
    pub pairs: BTreeMap<String, String>,
    /// The text of the one YAML file given, if any.
    pub yaml: Option<String>,
}

/// Juju's limit on a file read by `key=@file`.
const MAX_VALUE_FILE: u64 = 5 * 1024 * 1024;

/// Sort `--config` values as Juju does: a value with `=` is a `key=value`
/// setting (`key=@path` reads the value from a file), anything else is the
/// path of a YAML settings file, of which there may be only one.
pub fn read_config_args(values: &[String]) -> Result<ConfigArgs, CliError> {
    let mut pairs = BTreeMap::new();
    let mut files = Vec::new();
    for v in values {
        if v.is_empty() {
            return Err(CliError::usage(
                "invalid value \"\" for flag --config: empty string not valid",
            ));
        }
        match v.split_once('=') {
            Some((k, val)) => {
                let val = match val.strip_prefix('@') {
                    Some(file) => read_value_file(file)?,
                    None => val.to_string(),
                };
                pairs.insert(k.to_string(), val);
            }
            None => files.push(v.as_str()),
        }
    }
    let yaml = match files.as_slice() {
        [] => None,
        [file] => Some(read_settings_file(file)?),
        more => {
            return Err(CliError::runtime(format!(
                "only a single config YAML file can be specified, got {}",
                more.len()
            )))
        }
    };
    Ok(ConfigArgs { pairs, yaml })
}

/// The absolute form of a path given on the command line (`~` is the home
/// directory, a relative path is relative to the working directory).
pub fn abs_path(path: &str) -> PathBuf {
    let expanded = match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(rest))
            .unwrap_or_else(|| PathBuf::from(path)),
        None => PathBuf::from(path),
    };
    std::env::current_dir()
        .map(|cwd| cwd.join(&expanded))
        .unwrap_or(expanded)
}

/// The text of a settings YAML file; errors read like Go's (`open
/// /abs/path: no such file or directory`).
pub fn read_settings_file(path: &str) -> Result<String, CliError> {
    let abs = abs_path(path);
    std::fs::read_to_string(&abs).map_err(|e| {
        let op = if abs.is_dir() { "read" } else { "open" };
        CliError::runtime(go_path_error(op, &abs, &e))
    })
}

/// The value of a `key=@file` setting: the file's contents (at most 5 MiB).
fn read_value_file(path: &str) -> Result<String, CliError> {
    let abs = abs_path(path);
    let fail = |e: String| CliError::runtime(format!("cannot read option from file {path:?}: {e}"));
    let meta = std::fs::metadata(&abs).map_err(|e| fail(go_path_error("stat", &abs, &e)))?;
    if meta.len() > MAX_VALUE_FILE {
        return Err(CliError::runtime("size of option file is larger than 5M"));
    }
    let op = if meta.is_dir() { "read" } else { "open" };
    std::fs::read_to_string(&abs).map_err(|e| fail(go_path_error(op, &abs, &e)))
}

impl Deploy {
    pub fn run(self) -> CliResult {
        let resources = resource_args(&self.resource)?;
        let num_units = num_units(self.num_units)?;
        let model = self.model.name()?;
        // Pods are placed by Kubernetes, not on machines.
        if !self.to.is_empty() && super::is_caas(&model)? {
            return Err(CliError::usage("--to cannot be used on k8s models"));
        }
        let path = Path::new(&self.charm);
        if !path.exists() {
            if self.charm.starts_with('.') || self.charm.starts_with('/') {
                return Err(CliError::runtime(format!(
                    "charm or bundle at \"{}\" not found",
                    self.charm
                )));
            }
            return Err(CliError::runtime(format!(
                "cannot deploy \"{}\": minijuju deploys local charms only (a directory or a .charm file)",
                self.charm
            )));
        }
        let abs = std::fs::canonicalize(path)
            .map_err(|e| CliError::runtime(format!("cannot resolve {}: {e}", self.charm)))?;
        let ConfigArgs {
            pairs: mut config,
            yaml: config_yaml,
        } = read_config_args(&self.config)?;
        // As in Juju, `trust` comes from the --trust flag, not from
        // `--config trust=...` (a YAML file may still set it).
        config.remove("trust");
        juju_types::constraints::Constraints::parse(&self.constraints).map_err(CliError::usage)?;
        let client = ctx::client()?;
        // A charmcraft project is built by the controller, which reports
        // each step: shown on stderr as it happens.
        let deployed: Deployed = client.call_with_progress(
            &Request::Deploy(DeployArgs {
                model,
                charm_path: abs.display().to_string(),
                charm_arg: self.charm.clone(),
                application: self.application,
                num_units,
                config,
                config_yaml,
                to: comma_list(&self.to),
                trust: self.trust,
                resources,
                storage: self.storage,
            }),
            &mut |line| eprintln!("{line}"),
        )?;
        if !self.constraints.is_empty() {
            // Checked above; stored as `set-constraints` stores them.
            client.call_raw(&Request::Constraints {
                model: self.model.name()?,
                application: Some(deployed.application.clone()),
                set: Some(self.constraints),
            })?;
        }
        eprintln!("Deployed \"{}\" from local charm", deployed.application);
        Ok(())
    }
}
