//! `status [app|unit ...] [--format tabular|json|yaml]`

use clap::Args;
use controller_api::api::{ModelStatus, Request};

use super::{print_value, status_format, Format, ModelArg};
use crate::{ctx, CliResult};

#[derive(Args, Debug)]
pub struct Status {
    #[command(flatten)]
    model: ModelArg,
    /// Only show these applications or units.
    filter: Vec<String>,
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
    /// Show relations (accepted; relations come with the relations work).
    #[arg(long, alias = "integrations")]
    relations: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    color: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    no_color: bool,
}

impl Status {
    pub fn run(self) -> CliResult {
        let mut s: ModelStatus = ctx::client()?.call(&Request::Status {
            model: self.model.name()?,
        })?;
        if !self.filter.is_empty() {
            let keep = |name: &str| {
                self.filter
                    .iter()
                    .any(|f| f == name || f.split('/').next() == Some(name))
            };
            s.applications.retain(|a| keep(&a.name));
            for a in &mut s.applications {
                let unit_filters: Vec<&String> =
                    self.filter.iter().filter(|f| f.contains('/')).collect();
                if !unit_filters.is_empty() && !self.filter.contains(&a.name) {
                    a.units
                        .retain(|u| unit_filters.iter().any(|f| **f == u.name));
                }
            }
            let used: Vec<i64> = s
                .applications
                .iter()
                .flat_map(|a| a.units.iter().map(|u| u.machine))
                .collect();
            s.machines.retain(|m| used.contains(&m.id));
        }
        match self.format {
            Format::Json | Format::Yaml => print_value(self.format, &status_format::to_json(&s)),
            _ => print!("{}", status_format::to_tabular(&s)),
        }
        Ok(())
    }
}
