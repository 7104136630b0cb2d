//! `remove-machine <id>... [--force]`: removes machines, each on its own as
//! Juju reports them on stderr (`removing machine N`, or `removing machine
//! N failed: machine N has unit "x/0" assigned`, then exit 1 without an
//! `ERROR` line). `--force` removes the units on it too (`- will remove
//! unit x/0`), without their stop hooks; the machine goes with its last
//! unit.

use clap::Args;
use controller_api::api::{MachineRemoved, Request};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when no machine is given.
pub const MISSING: &str = "no machines specified";

/// Removes one or more machines from a model.
#[derive(Args, Debug)]
pub struct RemoveMachine {
    #[command(flatten)]
    model: ModelArg,
    ids: Vec<String>,
    /// Completely remove a machine and all its dependencies.
    #[arg(long)]
    force: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    keep_instance: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    no_wait: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    no_prompt: bool,
}

impl RemoveMachine {
    pub fn run(self) -> CliResult {
        super::iaas_only("remove-machine", &self.model.name()?)?;
        if self.ids.is_empty() {
            return Err(CliError::usage(MISSING));
        }
        for id in &self.ids {
            if id.parse::<u64>().is_err() {
                return Err(CliError::usage(format!("invalid machine id {id:?}")));
            }
        }
        let results: Vec<MachineRemoved> = ctx::client()?.call(&Request::RemoveMachines {
            model: self.model.name()?,
            ids: self.ids,
            force: self.force,
        })?;
        let mut failed = false;
        for r in results {
            match r.result {
                Ok(units) => {
                    eprintln!("removing machine {}", r.id);
                    for u in units {
                        eprintln!("- will remove unit {u}");
                    }
                }
                Err(e) => {
                    failed = true;
                    eprintln!("removing machine {} failed: {e}", r.id);
                }
            }
        }
        if failed {
            return Err(CliError::runtime(""));
        }
        Ok(())
    }
}
