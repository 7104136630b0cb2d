//! `config <app> [<key> | key=value ...] [--reset k1,k2] [--file f.yaml] [--format yaml|json]`

use std::collections::BTreeMap;

use clap::Args;
use controller_api::api::{AppConfig, Request};
use serde_json::{Map, Value};

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
        let mut reset = comma_list(&self.reset);
        let set: BTreeMap<String, String> = super::key_values(&sets)?;
        // The file's section for this application, as `deploy --config`
        // reads it; a null value resets the option to its default.
        let mut set_typed = Map::new();
        if let Some(f) = &self.file {
            let text = super::deploy::read_settings_file(f)?;
            let file = juju_types::charm::read_settings_yaml(&text, &self.application)
                .map_err(CliError::runtime)?;
            for (k, v) in file.charm {
                if v.is_null() {
                    reset.push(k);
                } else {
                    set_typed.insert(k, v);
                }
            }
            if let Some(trust) = file.trust {
                set_typed.insert("trust".into(), Value::Bool(trust));
            }
        }
        if !set.is_empty() || !reset.is_empty() || !set_typed.is_empty() {
            client.call_raw(&Request::Config {
                model,
                application: self.application,
                set,
                set_typed,
                reset,
            })?;
            return Ok(());
        }
        let cfg: AppConfig = client.call(&Request::Config {
            model,
            application: self.application.clone(),
            set,
            set_typed,
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
