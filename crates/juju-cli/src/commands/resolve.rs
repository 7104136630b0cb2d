//! `resolve <unit>... [--no-retry]` (alias `resolved`): retry a failed hook,
//! or with `--no-retry` commit it as if it had run.

use clap::Args;
use controller_api::api::Request;

use super::ModelArg;
use crate::{ctx, CliResult};

/// Juju's error when no unit is given.
pub const MISSING: &str = "no unit specified";

#[derive(Args, Debug)]
pub struct Resolve {
    #[command(flatten)]
    model: ModelArg,
    #[arg(required = true)]
    units: Vec<String>,
    #[arg(long)]
    no_retry: bool,
}

impl Resolve {
    pub fn run(self) -> CliResult {
        ctx::client()?.call_raw(&Request::Resolve {
            model: self.model.name()?,
            units: self.units,
            no_retry: self.no_retry,
        })?;
        Ok(())
    }
}
