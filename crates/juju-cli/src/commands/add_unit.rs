//! `add-unit <app> [-n N] [--to a,b]`

use clap::Args;
use controller_api::api::{Deployed, Request};

use super::{comma_list, num_units, ModelArg};
use crate::{ctx, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "no application specified";

#[derive(Args, Debug)]
pub struct AddUnit {
    #[command(flatten)]
    model: ModelArg,
    application: String,
    #[arg(
        short = 'n',
        long = "num-units",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    num_units: i64,
    #[arg(long)]
    to: Vec<String>,
    /// Accepted for compatibility.
    #[arg(long)]
    attach_storage: Vec<String>,
}

impl AddUnit {
    pub fn run(self) -> CliResult {
        let num_units = num_units(self.num_units)?;
        let d: Deployed = ctx::client()?.call(&Request::AddUnit {
            model: self.model.name()?,
            application: self.application,
            num_units,
            to: comma_list(&self.to),
        })?;
        for u in d.units {
            eprintln!("added unit {u}");
        }
        Ok(())
    }
}
