//! `model-config [key | key=value ...] [--reset k1,k2] [--format tabular|json|yaml]`

use std::collections::BTreeMap;

use clap::Args;
use controller_api::api::Request;
use serde_json::{Map, Value};

use super::{comma_list, print_value, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct ModelConfig {
    #[command(flatten)]
    model: ModelArg,
    /// A key to show, or `key=value` pairs to set.
    args: Vec<String>,
    /// Keys to reset to their defaults (comma-separated, repeatable).
    #[arg(long)]
    reset: Vec<String>,
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
}

impl ModelConfig {
    pub fn run(self) -> CliResult {
        let model = self.model.name()?;
        let client = ctx::client()?;
        let (sets, gets): (Vec<&String>, Vec<&String>) =
            self.args.iter().partition(|a| a.contains('='));
        if !sets.is_empty() && !gets.is_empty() {
            return Err(CliError::usage("cannot get and set config in one command"));
        }
        let reset = comma_list(&self.reset);
        if !sets.is_empty() || !reset.is_empty() {
            let set: BTreeMap<String, String> =
                super::key_values(&sets.into_iter().cloned().collect::<Vec<_>>())?;
            client.call_raw(&Request::ModelConfig { model, set, reset })?;
            return Ok(());
        }
        let all: Map<String, Value> = client.call(&Request::ModelConfig {
            model,
            set: BTreeMap::new(),
            reset: Vec::new(),
        })?;
        if gets.len() > 1 {
            return Err(CliError::usage(
                "can only retrieve a single value, or all values",
            ));
        }
        if let Some(key) = gets.first() {
            let v = all.get(key.as_str()).ok_or_else(|| {
                CliError::runtime(format!(
                    "key \"{key}\" not found in \"{}\" model",
                    self.model.model.clone().unwrap_or_default()
                ))
            })?;
            match (&self.format, &v["Value"]) {
                (Format::Json | Format::Yaml, val) => print_value(self.format, val),
                (_, Value::String(s)) => println!("{s}"),
                (_, other) => println!("{other}"),
            }
            return Ok(());
        }
        if self.format == Format::Tabular {
            let mut rows = vec![vec!["Attribute".to_string(), "From".into(), "Value".into()]];
            for (k, v) in &all {
                let val = match &v["Value"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                rows.push(vec![
                    k.clone(),
                    v["Source"].as_str().unwrap_or("").into(),
                    val,
                ]);
            }
            print!("{}", super::status_format::table(&rows));
        } else {
            print_value(self.format, &Value::Object(all));
        }
        Ok(())
    }
}
