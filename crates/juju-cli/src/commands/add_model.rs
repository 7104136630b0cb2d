//! `add-model <name> [cloud] [--no-switch] [--config k=v]...`

use clap::Args;
use controller_api::api::{ModelInfo, Request};
use serde_json::{Map, Value};

use super::key_values;
use crate::{ctx, CliResult};

/// Juju's error when no model name is given (it names the command as the
/// user invoked it, `juju` or `minijuju`).
pub fn missing_name(program: &str) -> String {
    format!(
        "{program}: no model name was passed. See \"{program} add-model --help\".\n\n\
         Did you mean:\n\t{program} add-model <model name>"
    )
}

#[derive(Args, Debug)]
pub struct AddModel {
    /// Model name.
    name: String,
    /// Cloud (accepted for compatibility; minijuju has one local cloud).
    cloud: Option<String>,
    /// Do not make the new model current.
    #[arg(long)]
    no_switch: bool,
    /// Model config `key=value` (repeatable).
    #[arg(long = "config")]
    config: Vec<String>,
    /// Accepted for compatibility.
    #[arg(long)]
    controller: Option<String>,
    /// Accepted for compatibility.
    #[arg(long)]
    credential: Option<String>,
}

impl AddModel {
    pub fn run(self) -> CliResult {
        let config: Map<String, Value> = key_values(&self.config)?
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let name = ctx::model_name(&self.name)?;
        let info: ModelInfo = ctx::client()?.call(&Request::AddModel { name, config })?;
        eprintln!("Added '{}' model on local/default", info.name);
        if !self.no_switch {
            ctx::set_current_model(&info.name)?;
        }
        Ok(())
    }
}
