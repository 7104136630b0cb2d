//! `deploy <charm-path> [app] [-n N] [--config k=v|file.yaml]... [--to a,b] [--trust]`
//!
//! Local charms only (a directory or a `.charm` file). Charmhub names are
//! refused with a clear error; errors about the charm name it as given.

use std::collections::BTreeMap;
use std::path::Path;

use clap::Args;
use controller_api::api::{DeployArgs, Deployed, Request};
use serde_json::{Map, Value};

use super::{comma_list, ModelArg};
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
    #[arg(short = 'n', long = "num-units", default_value_t = 1)]
    num_units: u32,
    /// `key=value` or a YAML file keyed by application name (repeatable).
    #[arg(long)]
    config: Vec<String>,
    /// Placement: machine ids or `new`, comma-separated.
    #[arg(long)]
    to: Vec<String>,
    /// Grant access to trusted credentials.
    #[arg(long)]
    trust: bool,
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

/// Config from the command line: raw `key=value` strings, and typed values from YAML files.
pub struct ConfigArgs {
    pub raw: BTreeMap<String, String>,
    pub typed: Map<String, Value>,
}

/// Split `--config` values into raw `key=value` strings and typed values from YAML files.
pub fn split_config(values: &[String], app: &str) -> Result<ConfigArgs, CliError> {
    let mut raw = BTreeMap::new();
    let mut typed = Map::new();
    for v in values {
        if let Some((k, val)) = v.split_once('=').filter(|(k, _)| !k.is_empty()) {
            raw.insert(k.to_string(), val.to_string());
            continue;
        }
        let text = std::fs::read_to_string(v)
            .map_err(|e| CliError::runtime(format!("cannot read config file {v}: {e}")))?;
        let doc: Value = serde_yaml_ng::from_str(&text)
            .map_err(|e| CliError::runtime(format!("config file {v}: {e}")))?;
        let section = doc.get(app).cloned().unwrap_or(doc);
        match section {
            Value::Object(m) => typed.extend(m),
            Value::Null => {}
            _ => {
                return Err(CliError::runtime(format!(
                    "config file {v}: expected a map of options under \"{app}\""
                )))
            }
        }
    }
    Ok(ConfigArgs { raw, typed })
}

impl Deploy {
    pub fn run(self) -> CliResult {
        let model = self.model.name()?;
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
        let app_hint = self.application.clone().unwrap_or_default();
        let ConfigArgs {
            raw: config,
            typed: config_typed,
        } = split_config(&self.config, &app_hint)?;
        let deployed: Deployed = ctx::client()?.call(&Request::Deploy(DeployArgs {
            model,
            charm_path: abs.display().to_string(),
            charm_arg: self.charm.clone(),
            application: self.application,
            num_units: self.num_units,
            config,
            config_typed,
            to: comma_list(&self.to),
            trust: self.trust,
        }))?;
        eprintln!("Deployed \"{}\" from local charm", deployed.application);
        Ok(())
    }
}
