//! `add-unit <app> [-n N] [--to a,b]`

use clap::Args;
use controller_api::api::{Deployed, Request};

use super::{comma_list, ModelArg};
use crate::{ctx, CliError, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "no application specified";

#[derive(Args, Debug)]
pub struct AddUnit {
    #[command(flatten)]
    model: ModelArg,
    application: String,
    #[arg(short = 'n', long = "num-units", default_value_t = 1)]
    num_units: u32,
    #[arg(long)]
    to: Vec<String>,
    /// Accepted for compatibility.
    #[arg(long)]
    attach_storage: Vec<String>,
}

impl AddUnit {
    pub fn run(self) -> CliResult {
        if self.num_units < 1 {
            return Err(CliError::usage("--num-units must be a positive integer"));
        }
        let d: Deployed = ctx::client()?.call(&Request::AddUnit {
            model: self.model.name()?,
            application: self.application,
            num_units: self.num_units,
            to: comma_list(&self.to),
        })?;
        for u in d.units {
            eprintln!("added unit {u}");
        }
        Ok(())
    }
}
