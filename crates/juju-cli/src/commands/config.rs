//! `config <app> [<key> | key=value ...] [--reset k1,k2] [--file f.yaml] [--format yaml|json]`

use std::collections::BTreeMap;

use clap::Args;
use controller_api::api::{AppConfig, Request};
use serde_json::Value;

use super::{comma_list, print_value, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "no application name specified";

#[derive(Args, Debug)]
pub struct Config {
    #[command(flatten)]
    model: ModelArg,
    application: String,
    /// A key to show, or `key=value` pairs to set.
    args: Vec<String>,
    /// Keys to reset to their defaults (comma-separated, repeatable).
    #[arg(long)]
    reset: Vec<String>,
    /// YAML file of settings keyed by application name.
    #[arg(long)]
    file: Option<String>,
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
}

impl Config {
    pub fn run(self) -> CliResult {
        let model = self.model.name()?;
        let client = ctx::client()?;
        let (sets, gets): (Vec<String>, Vec<String>) =
            self.args.iter().cloned().partition(|a| a.contains('='));
        if !sets.is_empty() && !gets.is_empty() {
            return Err(CliError::usage("cannot get and set config in one command"));
        }
        if gets.len() > 1 {
            return Err(CliError::usage(
                "can only retrieve a single value, or all values",
            ));
        }
        let reset = comma_list(&self.reset);
        let set: BTreeMap<String, String> = super::key_values(&sets)?;
        // The file is read here (its path is the user's) and sent as text:
        // the controller parses and types it against the charm.
        let config_yaml = match &self.file {
            Some(f) => Some(super::deploy::read_settings_file(f)?),
            None => None,
        };
        if !set.is_empty() || !reset.is_empty() || config_yaml.is_some() {
            client.call_raw(&Request::Config {
                model,
                application: self.application,
                set,
                config_yaml,
                reset,
            })?;
            return Ok(());
        }
        let cfg: AppConfig = client.call(&Request::Config {
            model,
            application: self.application.clone(),
            set,
            config_yaml: None,
            reset,
        })?;
        if let Some(key) = gets.first() {
            let s = cfg.settings.get(key).ok_or_else(|| {
                CliError::runtime(format!(
                    "key \"{key}\" not found in \"{}\" application config or charm settings.",
                    self.application
                ))
            })?;
            match s.value.as_ref().unwrap_or(&Value::Null) {
                Value::String(v) => println!("{v}"),
                Value::Null => println!(),
                other => println!("{other}"),
            }
            return Ok(());
        }
        let v = serde_json::to_value(&cfg).map_err(|e| CliError::runtime(e.to_string()))?;
        print_value(self.format, &v);
        Ok(())
    }
}
