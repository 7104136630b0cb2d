//! `machines` (`list-machines`) `[--format tabular|json|yaml]`: the model's
//! machines as Juju lists them: the Machines table of `status` (its header
//! even when there are none), or `{"model": <name>, "machines": {...}}`
//! with each machine as `status` shows it.

use clap::Args;
use controller_api::api::{ModelStatus, Request};
use serde_json::{json, Value};

use super::status_format::{machines_json, machines_rows, table};
use super::{print_value, Format, ModelArg};
use crate::{ctx, CliResult};

/// Lists machines in a model.
#[derive(Args, Debug)]
pub struct Machines {
    #[command(flatten)]
    model: ModelArg,
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
    /// Accepted for compatibility.
    #[arg(long)]
    utc: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    color: bool,
}

impl Machines {
    pub fn run(self) -> CliResult {
        super::iaas_only("machines", &self.model.name()?)?;
        let s: ModelStatus = ctx::client()?.call(&Request::Status {
            model: self.model.name()?,
        })?;
        match self.format {
            Format::Json | Format::Yaml => {
                let doc = json!({"model": s.model, "machines": Value::Object(machines_json(&s))});
                print_value(self.format, &doc);
            }
            _ => print!("{}", table(&machines_rows(&s))),
        }
        Ok(())
    }
}
