//! `add-unit <app> [-n N] [--to a,b]`; on a Kubernetes model, Juju's
//! scale change of `N` (only `-n`: no placement, no storage to attach).

use clap::Args;
use controller_api::api::{Deployed, Request, Scaled};

use super::{comma_list, num_units, ModelArg};
use crate::{ctx, CliError, CliResult};

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
        let model = self.model.name()?;
        if super::is_caas(&model)? {
            if !self.to.is_empty() || !self.attach_storage.is_empty() {
                return Err(CliError::usage("k8s models only support --num-units"));
            }
            let _: Scaled = ctx::client()?.call(&Request::ScaleApplication {
                model,
                application: self.application,
                scale: None,
                change: Some(num_units.into()),
                force: false,
            })?;
            return Ok(());
        }
        let d: Deployed = ctx::client()?.call(&Request::AddUnit {
            model,
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
