//! `remove-unit <unit>... [--no-prompt] [--force] [--destroy-storage]`
//! Teardown is asynchronous: each unit runs stop then remove, then is gone.

use clap::Args;
use controller_api::api::Request;

use super::ModelArg;
use crate::{ctx, CliResult};

/// Juju's error when no unit is given.
pub const MISSING: &str = "no units specified";

#[derive(Args, Debug)]
pub struct RemoveUnit {
    #[command(flatten)]
    model: ModelArg,
    #[arg(required = true)]
    units: Vec<String>,
    #[arg(long)]
    no_prompt: bool,
    /// Skip failing teardown hooks.
    #[arg(long)]
    force: bool,
    #[arg(long)]
    destroy_storage: bool,
    /// Accepted for compatibility (Kubernetes-style scaling).
    #[arg(long)]
    num_units: Option<u32>,
}

impl RemoveUnit {
    pub fn run(self) -> CliResult {
        ctx::client()?.call_raw(&Request::RemoveUnit {
            model: self.model.name()?,
            units: self.units.clone(),
            force: self.force,
        })?;
        for u in &self.units {
            eprintln!("will remove unit {u}");
        }
        Ok(())
    }
}
